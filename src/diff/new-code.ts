// Code the patch adds whole: a function whose signature and every line are new, or an added
// file. A lock, barrier, work item or error return there changes no behaviour anybody relied
// on (nothing called it before), so the "changed behaviour" facts are not raised for it.
import type { FileDiff } from '../model/diff.js';
import type { Fact, FactKind } from '../model/facts.js';
import type { AnnotatedHunk } from './annotate.js';
import { functionNameOf, isFunctionStart } from './c-code.js';

/** Facts that say existing code now behaves differently: meaningless for code that did not exist. */
export const CHANGE_KINDS: ReadonlySet<FactKind> = new Set<FactKind>([
  'lock-added', 'lock-removed', 'lock-moved', 'barrier-changed', 'rcu-changed', 'work-changed', 'ordering-question', 'error-return-added', 'input-check-changed', 'error-return-removed', 'error-value-changed', 'mapping-lifecycle-changed', 'features-written', 'teardown-call-changed', 'setup-call-unpaired',
]);

/** Per file's hunks: the symbol facts and the filter below both ask. */
const newOf = new WeakMap<AnnotatedHunk[], ReadonlySet<string>>();

/** The functions of this file that the patch adds whole (every line is an added one). */
export function newFunctions(file: FileDiff, hunks: AnnotatedHunk[]): ReadonlySet<string> {
  let known = newOf.get(hunks);
  if (!known) newOf.set(hunks, (known = findNewFunctions(file, hunks)));
  return known;
}

function findNewFunctions(file: FileDiff, hunks: AnnotatedHunk[]): Set<string> {
  const added = new Set<string>();
  const existing = new Set<string>();
  for (const h of hunks) {
    for (const l of h.lines) {
      if (!l.function) continue;
      if (l.kind !== '+' || file.status === 'added') {
        if (l.kind !== '+') existing.add(l.function);
        else added.add(l.function);
        continue;
      }
      // The signature line itself is added: a candidate for a new function.
      if (l.code.charCodeAt(0) !== 32 && l.code.charCodeAt(0) !== 9 && isFunctionStart(l.code) && functionNameOf(l.code) === l.function) added.add(l.function);
    }
  }
  for (const f of existing) added.delete(f);
  return added;
}

/** The facts left once "changed behaviour" facts about wholly new functions are dropped. */
export function withoutNewCodeChanges(facts: Fact[], file: FileDiff, hunks: AnnotatedHunk[]): Fact[] {
  if (!facts.some((f) => CHANGE_KINDS.has(f.kind))) return facts;
  const fresh = newFunctions(file, hunks);
  if (fresh.size === 0) return facts;
  return facts.filter((f) => !(CHANGE_KINDS.has(f.kind) && f.function && fresh.has(f.function)));
}
