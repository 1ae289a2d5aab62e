// Names a patch declares on one side only, across all its files: a constant it adds to a uAPI
// header, a lock member it retires. Computed once per patch.
import type { FileDiff } from '../../model/diff.js';
import type { AnnotatedLine } from '../annotate.js';
import type { PatchScope } from '../uapi/scope.js';

/** The name a changed line declares, or null. */
export type Declares = (l: AnnotatedLine, file: FileDiff) => string | null;

/**
 * A per-patch lookup of the names `declares` finds on `side`'s changed lines that no changed
 * line of the other side declares again (a rename or a move keeps the name).
 */
export function namesOnlyOn(side: '+' | '-', declares: Declares): (scope: PatchScope | undefined) => ReadonlySet<string> {
  const cache = new WeakMap<PatchScope, ReadonlySet<string>>();
  return (scope) => {
    if (!scope) return new Set();
    let names = cache.get(scope);
    if (names) return names;
    const ours = new Set<string>();
    const theirs = new Set<string>();
    for (const { file, hunks } of scope.files) for (const h of hunks) for (const l of h.lines) {
      if (l.kind === ' ') continue;
      const name = declares(l, file);
      if (name) (l.kind === side ? ours : theirs).add(name);
    }
    for (const n of theirs) ours.delete(n);
    cache.set(scope, (names = ours));
    return names;
  };
}
