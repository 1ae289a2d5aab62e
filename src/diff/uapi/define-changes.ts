// What a uAPI header diff does to its #defines, over all hunks of the file: names only on
// the new side (added), only on the old side (removed), or on both with another value.
import type { FileDiff } from '../../model/diff.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import type { Define } from './decls.js';
import { fileDecls, type SideView } from './hunk-decls.js';

export interface SideDefine {
  def: Define;
  /** The diff line the define starts on. */
  at: AnnotatedLine;
  /** Whether any of its lines is a changed (+/-) line. */
  touched: boolean;
  /** Index of the hunk, and of the run of consecutive changed lines it starts in. */
  hunk: number;
  run: number;
}

export interface DefineChanges {
  added: SideDefine[];
  removed: SideDefine[];
  changed: { old: SideDefine; new: SideDefine }[];
  /** Every define on each side (context included), by name: for resolving values. */
  oldByName: Map<string, SideDefine>;
  newByName: Map<string, SideDefine>;
}

/** Include guards and empty marker macros are not part of the ABI. */
export function isGuard(d: Define): boolean {
  return d.value === '' && (/_H_*$|_H_INCLUDED$/.test(d.name) || d.name.startsWith('_'));
}

const cache = new WeakMap<AnnotatedHunk[], DefineChanges>();

export function defineChanges(file: FileDiff, hunks: AnnotatedHunk[]): DefineChanges {
  const hit = cache.get(hunks);
  if (hit) return hit;
  const views = fileDecls(file, hunks);
  const oldByName = new Map<string, SideDefine>();
  const newByName = new Map<string, SideDefine>();
  views.forEach((v, hi) => {
    collect(v.old, hi, oldByName);
    collect(v.new, hi, newByName);
  });
  const added: SideDefine[] = [];
  const removed: SideDefine[] = [];
  const changed: DefineChanges['changed'] = [];
  for (const [name, n] of newByName) {
    const o = oldByName.get(name);
    if (!o) {
      if (n.touched) added.push(n);
    } else if ((o.touched || n.touched) && squash(o.def) !== squash(n.def)) changed.push({ old: o, new: n });
  }
  for (const [name, o] of oldByName) if (!newByName.has(name) && o.touched) removed.push(o);
  const r = { added, removed, changed, oldByName, newByName };
  cache.set(hunks, r);
  return r;
}

function collect(side: SideView, hunk: number, into: Map<string, SideDefine>): void {
  for (const d of side.decls.defines) {
    if (isGuard(d) || into.has(d.name)) continue;
    let touched = false;
    for (let i = d.line; i <= d.endLine; i++) if (side.lines[i] && side.lines[i]!.kind !== ' ') touched = true;
    into.set(d.name, { def: d, at: side.lines[d.line]!, touched, hunk, run: runOf(side, d.line) });
  }
}

/** Runs of changed lines, numbered by the context line before them: a -/+ pair shares one. */
function runOf(side: SideView, index: number): number {
  let i = index;
  while (i > 0 && side.lines[i - 1]!.kind !== ' ') i--;
  return i === 0 ? -1 : (side.lines[i - 1]!.oldLine ?? 0);
}

/** The value compared across sides: parameters and value, all whitespace removed. */
export function squash(d: Define): string {
  return `${d.params ?? ''}${d.value}`.replace(/\s+/g, '');
}

/** A removed and an added define with the same value in the same run of changed lines. */
export function renames(removed: SideDefine[], added: SideDefine[]): Map<string, SideDefine> {
  const out = new Map<string, SideDefine>();
  const used = new Set<SideDefine>();
  for (const r of removed) {
    if (r.def.value === '') continue;
    const a = added.find((x) => !used.has(x) && x.hunk === r.hunk && x.run === r.run && squash(x.def) === squash(r.def));
    if (a) {
      used.add(a);
      out.set(r.def.name, a);
    }
  }
  return out;
}
