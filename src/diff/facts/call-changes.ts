// Shared by the behaviour detectors: the calls of a family a patch adds or removes, per
// function, with a reformat (the same call removed and added in the same function) cancelled.
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { mayMatch, type Gated } from './literal-gate.js';
import { entryOf } from '../map-entry.js';

/** Longer code lines are not searched by the behaviour detectors: bounds the time per line. */
export const MAX_DETECTOR_LINE = 2000;

const boundedOf = new WeakMap<AnnotatedHunk[], AnnotatedHunk[]>();

/** The hunks with over-long lines blanked (a 20 MB line is data, not a lock or a copy); made once per file. */
export function bounded(hunks: AnnotatedHunk[]): AnnotatedHunk[] {
  let out = boundedOf.get(hunks);
  if (out) return out;
  out = !hunks.some((h) => h.lines.some((l) => l.code.length > MAX_DETECTOR_LINE)) ? hunks : hunks.map((h) => ({ lines: h.lines.map((l) => (l.code.length > MAX_DETECTOR_LINE ? { ...l, code: '' } : l)) }));
  boundedOf.set(hunks, out);
  return out;
}

/** A call of any lower-case name; group 1 is the name. */
export const ANY_CALL = /\b([a-z_]\w*)\s*\(/g;

/** Functions that still have lines on the new side of the hunks (not deleted by the patch). */
export function liveFunctions(hunks: AnnotatedHunk[]): Set<string> {
  const out = new Set<string>();
  for (const h of hunks) for (const l of h.lines) if (l.kind !== '-' && l.function) out.add(l.function);
  return out;
}

/** The shown lines of the hunks grouped by the function they are in ('' for lines outside any), in order of appearance. */
export function linesByFunction(hunks: AnnotatedHunk[]): Map<string, AnnotatedLine[]> {
  const out = new Map<string, AnnotatedLine[]>();
  for (const h of hunks) for (const l of h.lines) {
    const k = l.function ?? '';
    entryOf(out, k, () => []).push(l);
  }
  return out;
}

/** Names called on the new side of the hunks from functions whose name `caller` accepts (one hop). */
export function calledFrom(hunks: AnnotatedHunk[], caller: RegExp | ((fn: string) => boolean)): Set<string> {
  const accepts = caller instanceof RegExp ? (fn: string) => caller.test(fn) : caller;
  const out = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === '-' || !l.function || !accepts(l.function)) continue;
    for (const m of l.code.matchAll(ANY_CALL)) out.add(m[1]!);
  }
  return out;
}

export interface CallChange {
  /** The primitive: mutex_lock, smp_wmb, eventfd_ctx_put. */
  call: string;
  /** The object it acts on, normalised ("vq->mutex"), or the primitive when it takes none. */
  object: string;
  side: '+' | '-';
  line: AnnotatedLine;
  /** The same call text was removed and added in the same function: the line moved. */
  moved?: boolean;
  /** For a moved call, the removed line it came from. */
  from?: AnnotatedLine;
}

/** The first argument of the call that starts at `open` (the "("), without & and spaces. */
export function firstArgument(code: string, open: number): string {
  let depth = 0;
  let i = open;
  for (; i < code.length; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) break;
    } else if (c === ',' && depth === 1) break;
  }
  return code
    .slice(open + 1, i)
    .replace(/^\s*&\s*/, '')
    .replace(/\s+/g, '')
    .slice(0, 80);
}

/** The top-level arguments of the call whose "(" is at `open`, as far as this line shows them. */
export function callArguments(code: string, open: number): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < code.length; i++) {
    const ch = code[i];
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return [...out, code.slice(start, i)];
    else if (ch === ',' && depth === 1) {
      out.push(code.slice(start, i));
      start = i + 1;
    }
  }
  return [...out, code.slice(start)];
}

/** The n-th argument (0-based) of the call whose "(" is at `open`, spaces removed. */
export function nthArgument(code: string, open: number, n: number): string {
  return (callArguments(code, open)[n] ?? '').replace(/\s+/g, '');
}

/**
 * Every call matching `re` (its group 1 is the primitive) on a changed line, with added and
 * removed occurrences of the same call text in the same function cancelling each other.
 */
export function changedCalls(hunks: AnnotatedHunk[], pattern: RegExp | Gated, objectOf: (code: string, call: string, open: number) => string = (c, call, open) => firstArgument(c, open) || call): CallChange[] {
  const all: CallChange[] = [];
  let around: Map<AnnotatedLine, string> | null = null;
  const gate = pattern instanceof RegExp ? null : pattern;
  const re = gate ? gate.re : (pattern as RegExp);
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind === ' ' || (gate && !mayMatch(l.code, gate))) continue;
      re.lastIndex = 0;
      for (const m of l.code.matchAll(re)) {
        // The first group that took part: alternations name the primitive in different groups.
        const call = m.slice(1).find((g) => g !== undefined) ?? m[0].replace(/\W+$/, '');
        const open = m.index! + m[0].length - 1;
        all.push({ call, object: objectOf(l.code, call, open), side: l.kind, line: l });
      }
    }
  }
  // Cancel pairs: a call moved within its function is reported by the caller as a move.
  const key = (c: CallChange) => `${c.line.function ?? ''}\u0000${c.call}\u0000${c.object}`;
  const plus = new Map<string, CallChange[]>();
  for (const c of all) if (c.side === '+') entryOf(plus, key(c), () => []).push(c);
  const out: CallChange[] = [];
  for (const c of all) {
    if (c.side !== '-') continue;
    const list = plus.get(key(c));
    const twin = list?.findIndex((p) => p.line.code.trim() === c.line.code.trim()) ?? -1;
    if (list && twin >= 0) {
      const [p] = list.splice(twin, 1);
      // Re-indented in place (same anchor, or the same code before and after it on its own
      // side: a block re-indented as a whole) is a reformat; elsewhere it is a move.
      around ??= neighbours(hunks);
      if (p!.line.anchor !== c.line.anchor && around.get(p!.line) !== around.get(c.line)) out.push({ ...p!, moved: true, from: c.line });
    } else out.push(c);
  }
  for (const list of plus.values()) out.push(...list);
  return out;
}

const anyOf = new WeakMap<AnnotatedHunk[], CallChange[]>();

/** Every call of any name the hunks change (changedCalls of ANY_CALL); made once per file and shared, so not to be mutated. */
export function anyChangedCalls(hunks: AnnotatedHunk[]): CallChange[] {
  let out = anyOf.get(hunks);
  if (!out) anyOf.set(hunks, (out = changedCalls(hunks, ANY_CALL)));
  return out;
}

/**
 * Per side, "function\0object" → the calls the patch adds or removes with it as argument: an
 * object that a removed call was given and an added call is given in the same function was
 * handed from one helper to another (a rename or a refactor), not newly released or kept.
 */
export function callObjects(hunks: AnnotatedHunk[]): { added: Map<string, string[]>; removed: Map<string, string[]> } {
  const added = new Map<string, string[]>();
  const removed = new Map<string, string[]>();
  for (const c of anyChangedCalls(hunks)) {
    if (c.moved || c.object === c.call || !c.line.function) continue;
    const side = c.side === '+' ? added : removed;
    const key = `${c.line.function}\u0000${c.object}`;
    entryOf(side, key, () => []).push(c.call);
  }
  return { added, removed };
}

/** Lines that say nothing about order on their own: blank, or braces only. */
const FILLER = /^[\s{}]*$/;

/** One side of a hunk in order (context and that side's own lines), blank and brace-only lines left out. */
export function sideLines(h: AnnotatedHunk, side: '+' | '-'): AnnotatedLine[] {
  return h.lines.filter((l) => (l.kind === ' ' || l.kind === side) && !FILLER.test(l.code));
}

/**
 * For each changed line, the code just before and after it on its own side (old for a removed
 * line, new for an added one), braces and blank lines skipped, white space ignored.
 */
function neighbours(hunks: AnnotatedHunk[]): Map<AnnotatedLine, string> {
  const out = new Map<AnnotatedLine, string>();
  for (const h of hunks) {
    for (const side of ['-', '+'] as const) {
      const seq = sideLines(h, side);
      const flat = seq.map((l) => l.code.replace(/\s+/g, ''));
      for (let i = 0; i < seq.length; i++) if (seq[i]!.kind === side) out.set(seq[i]!, `${flat[i - 1] ?? ''}\u0000${flat[i + 1] ?? ''}`);
    }
  }
  return out;
}
