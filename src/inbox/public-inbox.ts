// Reads a public-inbox v2 repository: epochs git/0.git, git/1.git…, where every commit holds
// one mail in the blob "m". Git is run with fixed argument lists; the only user-given value,
// the repository path, is always the value of --git-dir=, never an argument of its own.
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../model/errors.js';
import { git as runGit, gitSpawn } from '../io/git.js';

/** A v2 inbox directory (with git/N.git epochs) or one epoch repository itself. */
export function isPublicInboxV2(dir: string): boolean {
  return epochsOf(dir).length > 0;
}

/** Epoch repositories in order: git/0.git, git/1.git…; a bare repository alone is its own single epoch. */
export function epochsOf(dir: string): { name: string; gitDir: string }[] {
  const gitRoot = join(dir, 'git');
  if (existsSync(gitRoot) && statSync(gitRoot).isDirectory()) {
    return readdirSync(gitRoot)
      .map((n) => /^(\d+)\.git$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map((m) => ({ name: m[1]!, gitDir: join(gitRoot, m[0]) }));
  }
  if (existsSync(join(dir, 'objects')) && existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'refs'))) return [{ name: '0', gitDir: dir }];
  return [];
}

async function git(gitDir: string, args: string[]): Promise<string> {
  let r;
  try {
    r = await runGit([`--git-dir=${gitDir}`, ...args], process.cwd(), undefined, { maxBuffer: 1 << 28 });
  } catch (e) {
    throw new InputError(gitDir, `git ${args[0]} failed: ${(e as Error).message.trim().split('\n')[0]}`);
  }
  if (r.code !== 0) throw new InputError(gitDir, `git ${args[0]} failed: ${(r.stderr || `exit ${r.code}`).trim().split('\n')[0]}`);
  return r.stdout;
}

/** Commits of an epoch not yet read, oldest first: everything after `since` (all when `since` is unknown). */
export async function newCommits(gitDir: string, since: string | undefined): Promise<{ commits: string[]; tip: string | null }> {
  const heads = (await git(gitDir, ['for-each-ref', '--format=%(objectname)', 'refs/heads/'])).split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l));
  if (heads.length === 0) return { commits: [], tip: null };
  let exclude: string[] = [];
  if (since && /^[0-9a-f]{40,64}$/.test(since)) {
    // A purge rewrites history: when the old tip is gone, read everything (known mails are skipped by Message-ID).
    const known = await git(gitDir, ['cat-file', '-t', since]).then(
      (t) => t.trim() === 'commit',
      () => false,
    );
    if (known) exclude = [`^${since}`];
  }
  const list = await git(gitDir, ['rev-list', '--reverse', ...heads, ...exclude]);
  const commits = list.split('\n').filter((l) => l !== '');
  const tip = heads.length === 1 ? heads[0]! : (await git(gitDir, ['rev-parse', 'HEAD']).catch(() => heads[0]!)).trim();
  return { commits, tip };
}

/** The mail of each commit ("<commit>:m"), streamed through one `git cat-file --batch`; commits without one (deletions) are skipped. */
export async function* mailsOfCommits(gitDir: string, commits: string[]): AsyncGenerator<{ commit: string; raw: Buffer }> {
  if (commits.length === 0) return;
  const child = gitSpawn([`--git-dir=${gitDir}`, 'cat-file', '--batch']);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.stdin.on('error', () => {
    /* the reader reports the failure */
  });
  // Feed requests in the background; git answers them in order.
  (async () => {
    for (const c of commits) {
      if (!child.stdin.write(`${c}:m\n`)) await new Promise((r) => child.stdin.once('drain', r));
    }
    child.stdin.end();
  })().catch(() => undefined);

  let buf: Buffer = Buffer.alloc(0);
  let i = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) break;
        const header = buf.subarray(0, nl).toString('latin1');
        if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
          buf = buf.subarray(nl + 1);
          i++;
          continue;
        }
        const m = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
        if (!m) throw new InputError(gitDir, `unexpected git cat-file output "${header.slice(0, 80)}"`);
        const size = Number(m[3]);
        if (buf.length < nl + 1 + size + 1) break; // wait for the whole object
        const raw = Buffer.from(buf.subarray(nl + 1, nl + 1 + size));
        buf = buf.subarray(nl + 1 + size + 1);
        const commit = commits[i++]!;
        if (m[2] === 'blob') yield { commit, raw };
      }
      if (buf.length > 0) buf = Buffer.from(buf);
    }
  } finally {
    // The reader stopped early (an error downstream): do not leave git running.
    if (child.exitCode === null && i < commits.length) child.kill();
  }
  const code = await exited;
  if (code !== 0) throw new InputError(gitDir, `git cat-file failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`);
}
