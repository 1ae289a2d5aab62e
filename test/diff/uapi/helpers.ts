// Builders for uAPI tests: unified diffs from C snippets written hunk by hunk, a Patch around
// them, and a private directory of headers for the ioctl catalogue.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import type { Patch } from '../../../src/model/patch.js';
import type { Fact } from '../../../src/model/facts.js';
import { analyzeDiff, type DiffContext } from '../../../src/diff/facts.js';

export interface HunkSpec {
  /** Old-side start line (new side starts at the same line). */
  at?: number;
  /** What git prints after the second @@ (the enclosing struct/enum/function). */
  section?: string;
  /** Lines prefixed with ' ', '+' or '-'; a leading newline and common indentation-free text. */
  body: string;
}

/** A git-style diff of one file from hunks whose line counts are computed here. */
export function fileDiff(path: string, ...hunks: HunkSpec[]): string {
  const out = [`diff --git a/${path} b/${path}`, 'index 1111111..2222222 100644', `--- a/${path}`, `+++ b/${path}`];
  let shift = 0;
  for (const h of hunks) {
    const lines = h.body.replace(/^\n/, '').replace(/\n$/, '').split('\n');
    const oldN = lines.filter((l) => l[0] !== '+').length;
    const newN = lines.filter((l) => l[0] !== '-').length;
    const at = h.at ?? 10;
    out.push(`@@ -${at},${oldN} +${at + shift},${newN} @@${h.section ? ' ' + h.section : ''}`);
    out.push(...lines.map((l) => (l === '' ? ' ' : l)));
    shift += newN - oldN;
  }
  return out.join('\n') + '\n';
}

export function patchOf(diff: string, extra: Partial<Patch> = {}): Patch {
  return {
    source: 'test',
    subject: 'test patch',
    rawSubject: '[PATCH] test patch',
    prefix: { tags: ['PATCH'], version: 1, index: null, total: null, rfc: false, reply: false },
    messageId: 'test@example.org',
    inReplyTo: null,
    references: [],
    author: 'A U Thor <a@example.org>',
    date: '',
    commitMessage: 'test\n',
    trailers: [],
    diff,
    transport: { flowed: false, damagedEncoding: false },
    ...extra,
  };
}

const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A temporary directory holding `files` (relative path → text), removed at exit. */
export function tempFiles(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pr-uapi-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** A directory of headers written by the test (never the machine's /usr/include); removed at exit. */
export const headersDir = (files: Record<string, string> = {}): string => tempFiles(files);

/** An empty catalogue: results then depend on the patch alone. */
export const NO_HEADERS = headersDir();

export function factsOf(diff: string | string[], ctx: DiffContext = { headersDir: NO_HEADERS }, extra: Partial<Patch> = {}): Fact[] {
  return analyzeDiff(patchOf(Array.isArray(diff) ? diff.join('') : diff, extra), ctx).facts;
}

/** Facts of the given kinds, as [kind, symbol, class] triples for compact assertions. */
export function summary(facts: Fact[], ...kinds: string[]): [string, string, string | undefined][] {
  return facts.filter((f) => kinds.length === 0 || kinds.includes(f.kind)).map((f) => [f.kind, f.symbol, f.compat?.class]);
}

export const only = (facts: Fact[], kind: string) => facts.filter((f) => f.kind === kind);
