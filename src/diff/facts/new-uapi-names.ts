// Constants a patch adds to a uAPI header (a new feature bit, flag or request). A refusal whose
// condition names one of them turns away only requests that use the new interface: no request
// existing userspace sends can meet it, so it changes nothing that userspace relied on.
import { namesOnlyOn } from './scope-names.js';

/** The #define names on added lines of the patch's uAPI headers that no removed line defines. */
export const newUapiNames = namesOnlyOn('+', (l, file) => (file.role === 'uapi-header' ? l.define : null));

const WORD = /[A-Za-z_]\w*/g;

/** Whether `code` names a constant of `names` (whole identifiers only). */
export function namesAny(code: string, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  for (const m of code.matchAll(WORD)) if (names.has(m[0])) return true;
  return false;
}
