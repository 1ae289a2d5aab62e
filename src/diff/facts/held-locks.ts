// The locks seen held along a function's new-side lines, read from the lines the patch shows
// (or the whole file inside a tree). A lock dropped that was never seen taken was held on entry,
// by the caller or above the hunk; detectors use that to leave such functions alone.
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { gated } from './literal-gate.js';
import { LOCK_DROP, LOCK_TAKE } from './sync-calls.js';

/** Gate for detectors that need a lock call somewhere in the file. */
export const LOCK_CALLS = gated(new RegExp(String.raw`\b(${LOCK_TAKE})\s*\(`, 'g'), ['lock', 'down_']);
const TAKE = new RegExp(String.raw`\b(?:${LOCK_TAKE})\s*\(\s*(?:&\s*)?([\w>.-]+)`);
const DROP = new RegExp(String.raw`\b(?:${LOCK_DROP})\s*\(\s*(?:&\s*)?([\w>.-]+)`);

/**
 * Visits each new-side line with the locks held before it (innermost last). A lock dropped that
 * the walk never saw taken is reported, with its function, to `heldAbove`.
 */
export function walkHeldLocks(hunks: AnnotatedHunk[], visit: (l: AnnotatedLine, held: readonly string[]) => void, heldAbove: (fn: string) => void = () => {}): void {
  let fn: string | null = null;
  let held: string[] = [];
  for (const h of hunks) {
    held = [];
    for (const l of h.lines) {
      if (l.kind === '-') continue;
      if (l.function !== fn) {
        fn = l.function;
        held = [];
      }
      const take = TAKE.exec(l.code);
      const drop = DROP.exec(l.code);
      if (drop && l.function && !held.includes(drop[1]!)) heldAbove(l.function);
      if (drop) held = held.filter((x) => x !== drop[1]);
      visit(l, held);
      if (take && !drop) held = [...held, take[1]!];
    }
  }
}
