// Shared by the behaviour detectors: the calls of a family a patch adds or removes, per
// function, with a reformat (the same call removed and added in the same function) cancelled.
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';

/** Longer code lines are not searched by the behaviour detectors: bounds the time per line. */
export const MAX_DETECTOR_LINE = 2000;

/** The hunks with over-long lines blanked (a 20 MB line is data, not a lock or a copy). */
export function bounded(hunks: AnnotatedHunk[]): AnnotatedHunk[] {
  if (!hunks.some((h) => h.lines.some((l) => l.code.length > MAX_DETECTOR_LINE))) return hunks;
  return hunks.map((h) => ({ lines: h.lines.map((l) => (l.code.length > MAX_DETECTOR_LINE ? { ...l, code: '' } : l)) }));
}

/** Names called on the new side of the hunks from functions whose name matches `caller` (one hop). */
export function calledFrom(hunks: AnnotatedHunk[], caller: RegExp): Set<string> {
  const out = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === '-' || !l.function || !caller.test(l.function)) continue;
    for (const m of l.code.matchAll(/\b([a-z_]\w*)\s*\(/g)) out.add(m[1]!);
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

/**
 * Every call matching `re` (its group 1 is the primitive) on a changed line, with added and
 * removed occurrences of the same call text in the same function cancelling each other.
 */
export function changedCalls(hunks: AnnotatedHunk[], re: RegExp, objectOf: (code: string, call: string, open: number) => string = (c, call, open) => firstArgument(c, open) || call): CallChange[] {
  const all: CallChange[] = [];
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind === ' ') continue;
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
  for (const c of all) if (c.side === '+') (plus.get(key(c)) ?? plus.set(key(c), []).get(key(c))!).push(c);
  const out: CallChange[] = [];
  for (const c of all) {
    if (c.side !== '-') continue;
    const list = plus.get(key(c));
    const twin = list?.findIndex((p) => p.line.code.trim() === c.line.code.trim()) ?? -1;
    if (list && twin >= 0) {
      const [p] = list.splice(twin, 1);
      // Re-indented in place (same neighbours) is a reformat; elsewhere it is a move.
      if (p!.line.anchor !== c.line.anchor) out.push({ ...p!, moved: true });
    } else out.push(c);
  }
  for (const list of plus.values()) out.push(...list);
  return out;
}
