// Small fixtures for the kb lint tests: knowledge entries written to a temporary folder, and
// git repositories built commit by commit (with tags) that look like a kernel or a QEMU tree.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface EntryFixture {
  id: string;
  area?: string;
  /** Extra YAML frontmatter lines (history, references, …); references default to one commit. */
  yaml?: string;
  body?: string;
}

const DEFAULT_BODY = '## Contract\n\nThe demo contract, written for this test, long enough to pass the body check.\n\n## Reviewing a change\n\nAsk whether old userspace still works after the change under review.\n';

export function writeEntry(dir: string, e: EntryFixture): void {
  const area = e.area ?? 'vhost';
  mkdirSync(join(dir, area), { recursive: true });
  const yaml = [
    `id: ${e.id}`,
    'title: A fixture entry',
    `area: ${area}`,
    'category: uapi-abi',
    'severity: warning',
    'summary: A summary that is long enough to explain why.',
    'symbols: [VHOST_DEMO]',
    'checklist: ["Does the demo still work for old userspace?"]',
    'consumers: [QEMU]',
    e.yaml ?? 'references: [{type: lore, id: fixture@example.org}]',
  ].join('\n');
  writeFileSync(join(dir, area, `${e.id}.md`), `---\n${yaml}\n---\n${e.body ?? DEFAULT_BODY}`);
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=Fixture', '-c', 'user.email=fixture@example.org', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z' },
  }).trim();
}

export interface FixtureCommit {
  subject: string;
  /** A tag put on this commit (annotated, as kernel and QEMU release tags are). */
  tag?: string;
}

/** A git repository shaped like a kernel tree ("linux") or a QEMU tree; returns each commit's sha. */
export function makeTree(kind: 'linux' | 'qemu', commits: FixtureCommit[]): { dir: string; shas: string[] } {
  const dir = tempDir(`pr-tree-${kind}-`);
  git(dir, 'init', '-q');
  if (kind === 'linux') {
    writeFileSync(join(dir, 'Kbuild'), '# fixture\n');
    mkdirSync(join(dir, 'kernel'));
    writeFileSync(join(dir, 'kernel', 'fork.c'), '/* fixture */\n');
  } else writeFileSync(join(dir, 'qemu-options.hx'), 'fixture\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'Initial fixture tree');
  const shas: string[] = [];
  commits.forEach((c, i) => {
    writeFileSync(join(dir, `change-${i}.txt`), `${c.subject}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `${c.subject}\n\nBody of the fixture commit.`);
    shas.push(git(dir, 'rev-parse', 'HEAD'));
    if (c.tag) git(dir, 'tag', '-a', '-m', c.tag, c.tag);
  });
  return { dir, shas };
}
