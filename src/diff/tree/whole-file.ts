// Whole files before and after a patch, from the tree: the blob ids on the diff's `index`
// line, or the file in the work tree with the patch applied (or reversed) in memory. A file
// becomes one hunk that runs from its first line to its last, so every producer sees whole
// structs, enums and functions (with their locks, returns and the ioctl `case` far above).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiffLine, FileDiff, Hunk, TreeCoverage } from '../../model/diff.js';
import type { SourceTree } from './detect.js';
import { readBlobs, MAX_BLOB_BYTES } from './git-objects.js';
import { isCLike } from '../annotate.js';
import { blobId } from '../uapi/compiled-layout.js';

export type WholeFileSource = 'git-blob' | 'tree-file-applied' | 'tree-file-reversed' | 'new-file';

export interface WholeFile {
  /** The file with a single hunk spanning all of it (line numbers as in the patch). */
  file: FileDiff;
  oldText: string | null;
  newText: string | null;
  source: WholeFileSource;
  /** The blob ids the two sides came from, when git named them (a cache key for compiled layouts). */
  oldBlob?: string;
  newBlob?: string;
  /** A hunk sat away from its stated line (the tree drifted): line numbers are the tree's. */
  moved?: true;
}

export function treeCoverage(files: FileDiff[], whole: Map<FileDiff, WholeFile>): TreeCoverage {
  const wantedFiles = files.filter(wanted);
  const placed = wantedFiles.map((f) => whole.get(f)).filter((w): w is WholeFile => w !== undefined);
  return { files: wantedFiles.length, whole: placed.length, moved: placed.filter((w) => w.moved).length };
}

/** Only C-like files and headers gain from whole-file context; docs and Makefiles do not. */
function wanted(f: FileDiff): boolean {
  return !f.binary && !f.damaged && f.hunks.length > 0 && (isCLike(f.path) || f.role === 'uapi-header');
}

/** Whole files for the files of one patch (one git run for all of them); files that cannot be placed are absent. */
export function wholeFiles(files: FileDiff[], tree: SourceTree): Map<FileDiff, WholeFile> {
  const out = new Map<FileDiff, WholeFile>();
  const todo = files.filter(wanted);
  if (todo.length === 0) return out;
  // The work tree first: a hook or b4 runs on the very files the patch was made from, and
  // reading a file costs nothing next to starting git. git's objects are asked only for the rest.
  const rest: FileDiff[] = [];
  for (const f of todo) {
    const w = fromWorkTree(f, tree);
    if (w && matchesIndexLine(f, w)) out.set(f, w);
    else rest.push(f);
  }
  const ids: string[] = [];
  for (const f of rest) {
    if (f.oldBlob) ids.push(f.oldBlob);
    if (f.newBlob) ids.push(f.newBlob);
  }
  const blobs = ids.length > 0 ? readBlobs(tree, ids) : new Map<string, string>();
  for (const f of rest) {
    const w = fromBlobs(f, blobs) ?? fromWorkTree(f, tree);
    if (w) out.set(f, w);
  }
  return out;
}

/** A work-tree file whose hunks fit is the right one unless the index line names another blob. */
function matchesIndexLine(f: FileDiff, w: WholeFile): boolean {
  if (!f.oldBlob || !f.newBlob) return true;
  const side = w.source === 'tree-file-applied' ? { text: w.oldText, id: f.oldBlob } : { text: w.newText, id: f.newBlob };
  return side.text === null || blobId(side.text).startsWith(side.id);
}

function fromBlobs(f: FileDiff, blobs: Map<string, string>): WholeFile | null {
  const old = f.status === 'added' ? '' : f.oldBlob ? blobs.get(f.oldBlob) : undefined;
  if (old !== undefined) {
    const w = expand(f, old, 'old');
    if (w) return { ...w, source: f.status === 'added' ? 'new-file' : 'git-blob', ...(f.oldBlob ? { oldBlob: f.oldBlob } : {}), ...(f.newBlob ? { newBlob: f.newBlob } : {}) };
  }
  const neu = f.newBlob ? blobs.get(f.newBlob) : undefined;
  if (neu !== undefined) {
    const w = expand(f, neu, 'new');
    if (w) return { ...w, source: 'git-blob', ...(f.oldBlob ? { oldBlob: f.oldBlob } : {}), newBlob: f.newBlob! };
  }
  return null;
}

/** The file as the work tree has it: the patch's base (apply it) or its result (reverse it). */
function fromWorkTree(f: FileDiff, tree: SourceTree): WholeFile | null {
  const path = f.oldPath ?? f.newPath;
  if (!path || path.includes('..')) return null;
  let text: string;
  try {
    const buf = readFileSync(join(tree.root, path));
    if (buf.length > MAX_BLOB_BYTES) return null;
    text = buf.toString('utf8');
  } catch {
    return null;
  }
  const fwd = f.status !== 'added' ? expand(f, text, 'old') : null;
  if (fwd) return { ...fwd, source: 'tree-file-applied' };
  const rev = expand(f, text, 'new');
  return rev ? { ...rev, source: 'tree-file-reversed' } : null;
}

const same = (a: string, b: string) => a === b || a.trimEnd() === b.trimEnd();

/**
 * Lays the hunks over one side's full text, each at its stated line or, where the tree drifted
 * (a list mail reviewed in a newer tree), at the one place its lines fit, as `git apply` moves a
 * hunk without fuzz; null when a hunk fits nowhere or in several places (another version of the
 * file). Line numbers are the tree's, so a finding points where the reader's file has it.
 */
export function expand(f: FileDiff, text: string, side: 'old' | 'new'): Omit<WholeFile, 'source'> | null {
  const full = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const mine = side === 'old' ? '-' : '+';
  const lines: DiffLine[] = [];
  let cursor = 1; // next line of `full` not yet emitted
  let off: number | null = 0; // how far the last hunk sat from its stated line
  let delta = 0; // other side's line number minus this side's, before the current hunk
  let moved = false;
  for (const given of f.hunks) {
    off = offsetOf(given, full, cursor, side, off);
    if (off === null) return null;
    if (off !== 0) moved = true;
    const h = off === 0 ? given : shifted(given, off);
    const start = side === 'old' ? h.oldStart : h.newStart;
    const count = side === 'old' ? h.oldLines : h.newLines;
    const first = count === 0 ? start + 1 : start;
    if (first < cursor || first - 1 > full.length) return null;
    for (; cursor < first; cursor++) lines.push(ctx(full[cursor - 1]!, cursor, side, delta));
    for (const l of h.lines) {
      if (l.kind === ' ' || l.kind === mine) {
        const n = side === 'old' ? l.oldLine : l.newLine;
        if (n !== cursor || !same(full[cursor - 1] ?? '\u0000', l.text)) return null;
        cursor++;
      }
      lines.push({ ...l });
    }
    // The first line after the hunk on each side (a side with no lines starts after its start).
    const oldEnd = h.oldLines === 0 ? h.oldStart + 1 : h.oldStart + h.oldLines;
    const newEnd = h.newLines === 0 ? h.newStart + 1 : h.newStart + h.newLines;
    delta = side === 'old' ? newEnd - oldEnd : oldEnd - newEnd;
  }
  for (; cursor <= full.length; cursor++) lines.push(ctx(full[cursor - 1]!, cursor, side, delta));
  const oldLines = lines.filter((l) => l.kind !== '+');
  const newLines = lines.filter((l) => l.kind !== '-');
  const hunk: Hunk = { oldStart: oldLines.length ? 1 : 0, oldLines: oldLines.length, newStart: newLines.length ? 1 : 0, newLines: newLines.length, section: '', lines };
  const join = (ls: DiffLine[]) => (ls.length ? ls.map((l) => l.text).join('\n') + '\n' : '');
  return {
    file: { ...f, hunks: [hunk] },
    oldText: f.status === 'added' ? null : join(oldLines),
    newText: f.status === 'deleted' ? null : join(newLines),
    ...(moved ? { moved: true as const } : {}),
  };
}

/**
 * How far from its stated line a hunk sits in `full`: where it fits as stated, or moved as far as
 * the hunk before it was (`previous`), else at its one fit at or after `cursor`.
 */
function offsetOf(h: Hunk, full: readonly string[], cursor: number, side: 'old' | 'new', previous: number): number | null {
  const mine = side === 'old' ? '-' : '+';
  const own = h.lines.filter((l) => l.kind === ' ' || l.kind === mine).map((l) => l.text);
  const count = side === 'old' ? h.oldLines : h.newLines;
  const stated = count === 0 ? (side === 'old' ? h.oldStart : h.newStart) + 1 : side === 'old' ? h.oldStart : h.newStart;
  // A hunk with no line of this side (a pure addition) cannot be placed by content: it moves with the one before.
  if (own.length === 0) return stated + previous >= cursor && stated + previous - 1 <= full.length ? previous : null;
  // Line comparisons left: a long hunk of repeated lines over a file of the same lines would
  // otherwise cost hunk × file; past the budget the file is read from the patch alone.
  let budget = PLACEMENT_BUDGET;
  const fits = (first: number) => {
    if (first < cursor || first - 1 + own.length > full.length) return false;
    for (let i = 0; i < own.length; i++) {
      if (--budget < 0 || !same(full[first - 1 + i]!, own[i]!)) return false;
    }
    return true;
  };
  if (fits(stated)) return 0;
  if (previous !== 0 && fits(stated + previous)) return previous;
  // Away from its line, a hunk is placed only where it fits once: a short hunk of common lines
  // ("}", "return 0;") could fit many places, and a wrong place would give wrong facts.
  let found: number | null = null;
  for (let first = cursor; first - 1 + own.length <= full.length && budget > 0; first++) {
    if (!fits(first)) continue;
    if (found !== null) return null;
    found = first;
  }
  return found === null || budget < 0 ? null : found - stated;
}

const PLACEMENT_BUDGET = 2_000_000;

/** The hunk moved by `off` lines on both sides (the tree drifted from the patch's base). */
function shifted(h: Hunk, off: number): Hunk {
  const move = (n: number | null) => (n === null ? n : n + off);
  return {
    ...h,
    oldStart: h.oldStart + off,
    newStart: h.newStart + off,
    lines: h.lines.map((l): DiffLine => ({ ...l, oldLine: move(l.oldLine), newLine: move(l.newLine) })),
  };
}

function ctx(text: string, n: number, side: 'old' | 'new', delta: number): DiffLine {
  return side === 'old' ? { kind: ' ', text, oldLine: n, newLine: n + delta } : { kind: ' ', text, oldLine: n + delta, newLine: n };
}
