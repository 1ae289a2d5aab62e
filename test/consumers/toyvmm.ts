// The toy VMM fixture (test/consumers/fixtures/toyvmm: C and Rust written for these tests) as a
// git checkout in a temporary folder, tagged so that `git describe` gives a version.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT } from '../helpers.js';

export const TOYVMM = join(ROOT, 'test', 'consumers', 'fixtures', 'toyvmm');

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() };

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { env: GIT_ENV, encoding: 'utf8' }).trim();
}

/** A temporary checkout named `name` (the project name is read from it) with the fixture committed and tagged v1.2.0. */
export function toyCheckout(name = 'toyvmm'): { root: string; dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'pr-consumers-'));
  const dir = join(root, name);
  cpSync(TOYVMM, dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'toy');
  git(dir, 'tag', 'v1.2.0');
  return { root, dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Adds one commit with a file. */
export function commitFile(dir: string, path: string, text: string): void {
  writeFileSync(join(dir, path), text);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `add ${path}`);
}
