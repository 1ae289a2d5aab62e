// Runs git: the one place that does. Always without a shell, with argument lists fixed by the
// caller (user-given values only after --end-of-options or as the value of an option, never
// taken from a patch). node:child_process is loaded on first use: a plain review runs no git.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GitOptions {
  /** Largest stdout accepted, in bytes (default 16 MiB). */
  maxBuffer?: number;
}

function childProcess(): typeof import('node:child_process') {
  return process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
}

/** Runs git in `cwd`; resolves with its exit code and output, rejects only when git cannot run at all. */
export function git(args: string[], cwd: string, env?: NodeJS.ProcessEnv, opts: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    childProcess().execFile('git', args, { cwd, env: env ?? process.env, encoding: 'utf8', maxBuffer: opts.maxBuffer ?? 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof (err as { code?: unknown }).code !== 'number') return reject(err); // git missing, cwd gone, output too large
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Like git(), but a non-zero exit is an error carrying git's first line of complaint. */
export async function gitOut(args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await git(args, cwd, env);
  if (r.code !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr.trim().split('\n')[0] || `exit ${r.code}`}`);
  return r.stdout;
}

/** git run synchronously (stderr ignored), `input` on its stdin; `error` is set when git could not run. */
export function gitSync(args: string[], cwd: string, opts: { maxBuffer?: number; input?: string } = {}): { code: number | null; stdout: string; error?: Error } {
  const { maxBuffer = 64 * 1024 * 1024, input } = opts;
  const r = childProcess().spawnSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'] });
  return { code: r.status, stdout: r.stdout ?? '', ...(r.error ? { error: r.error } : {}) };
}

/** A long-running git with its standard streams piped (e.g. `cat-file --batch`). */
export function gitSpawn(args: string[]): ChildProcessWithoutNullStreams {
  return childProcess().spawn('git', args, { stdio: ['pipe', 'pipe', 'pipe'] });
}
