// Constants a patch adds to a uAPI header (a new feature bit, flag or request). A refusal whose
// condition names one of them turns away only requests that use the new interface: no request
// existing userspace sends can meet it, so it changes nothing that userspace relied on.
import type { PatchScope } from '../uapi/scope.js';

const cache = new WeakMap<PatchScope, ReadonlySet<string>>();

/** The #define names on added lines of the patch's uAPI headers that no removed line defines. */
export function newUapiNames(scope: PatchScope | undefined): ReadonlySet<string> {
  if (!scope) return new Set();
  let names = cache.get(scope);
  if (names) return names;
  const added = new Set<string>();
  const removed = new Set<string>();
  for (const { file, hunks } of scope.files) {
    if (file.role !== 'uapi-header') continue;
    for (const h of hunks) for (const l of h.lines) {
      if (!l.define || l.kind === ' ') continue;
      (l.kind === '+' ? added : removed).add(l.define);
    }
  }
  for (const n of removed) added.delete(n);
  cache.set(scope, (names = added));
  return names;
}

const WORD = /[A-Za-z_]\w*/g;

/** Whether `code` names a constant of `names` (whole identifiers only). */
export function namesAny(code: string, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  for (const m of code.matchAll(WORD)) if (names.has(m[0])) return true;
  return false;
}
