// Both sides of each hunk of a uAPI header, parsed once and shared by the uAPI producers.
import type { FileDiff } from '../../model/diff.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { parseDecls, type Decls } from './decls.js';

export interface SideView {
  /** The side's lines in order (context plus removed, or context plus added). */
  lines: AnnotatedLine[];
  decls: Decls;
}

export interface HunkDecls {
  old: SideView;
  new: SideView;
}

const cache = new WeakMap<AnnotatedHunk, HunkDecls>();

export function hunkDecls(hunk: AnnotatedHunk, section: string): HunkDecls {
  const hit = cache.get(hunk);
  if (hit) return hit;
  const side = (keep: '+' | '-'): SideView => {
    const lines = hunk.lines.filter((l) => l.kind === ' ' || l.kind === keep);
    return { lines, decls: parseDecls(lines.map((l) => l.text), section) };
  };
  const r = { old: side('-'), new: side('+') };
  cache.set(hunk, r);
  return r;
}

/** Every hunk of a file with its parsed sides. */
export function fileDecls(file: FileDiff, hunks: AnnotatedHunk[]): HunkDecls[] {
  return hunks.map((h, i) => hunkDecls(h, file.hunks[i]?.section ?? ''));
}
