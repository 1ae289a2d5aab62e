// replace-current-unchecked: a path that replaces what an object is attached to (a new IOAS, a
// new page table, a new backend) works on the current one, which may not exist: the first
// attach has no old object, and an optional callback may not be implemented. The detector
// reports a pointer loaded from a field and dereferenced with no NULL check, and an ops
// callback called with no check that it is set, in such a path.
import type { Fact } from '../../model/facts.js';
import { isCLike } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';

const REPLACE_FN = /(replace|_set_(?:ioas|hwpt|domain|backend|pt)\b|_change_|_swap|_switch)/;
/** "old = obj->field;" */
const LOAD = /^\s*(\w+)\s*=\s*\w+(?:->\w+)+\s*;/;
/** "obj->ops->name(": an ops callback. */
const OP_CALL = /(\w+(?:->\w+)*->ops)->(\w+)\s*\(/;

export const replacePathFacts: FileFactProducer = (file, allHunks) => {
  if (!isCLike(file.path)) return [];
  const hunks = bounded(allHunks);
  if (!hunks.some((h) => h.lines.some((l) => l.kind === '+' && l.function && REPLACE_FN.test(l.function)))) return [];
  const out: Fact[] = [];
  const seen = new Set<string>();
  const all = hunks.flatMap((h) => h.lines.filter((l) => l.kind !== '-'));
  for (let i = 0; i < all.length; i++) {
    const l = all[i]!;
    if (l.kind !== '+' || !l.function || !REPLACE_FN.test(l.function)) continue;
    const fn = l.function;
    const op = OP_CALL.exec(l.code);
    if (op && !seen.has(op[2]!)) {
      // Checked anywhere the patch shows ("if (access->ops->unmap)"), it is known optional and handled.
      const guarded = all.some((x) => x !== l && x.code.includes(`->${op[2]}`) && /\b(if|while)\b|&&|\?/.test(x.code) && !OP_CALL.test(x.code.replace(/\bif\s*\(/, '')));
      if (!guarded) {
        seen.add(op[2]!);
        out.push(lineFact('replace-current-unchecked', op[2]!, file, l, { detail: `${fn}() calls ${op[1]}->${op[2]}() with no check that the callback is set: a user of ${op[1]} that does not implement ${op[2]} is a NULL call on this path` }));
      }
    }
    const load = LOAD.exec(l.code);
    if (!load || seen.has(load[1]!)) continue;
    const v = load[1]!;
    const rest = all.slice(i + 1).filter((x) => x.function === fn);
    const firstUse = rest.findIndex((x) => x.code.includes(`${v}->`));
    if (firstUse < 0) continue;
    const checked = rest.slice(0, firstUse + 1).some((x) => new RegExp(`!\\s*${v}\\b|\\b${v}\\s*[!=]=|\\bif\\s*\\(\\s*${v}\\b|IS_ERR\\w*\\(\\s*${v}\\b|\\b${v}\\s*&&|\\b${v}\\s*\\?`).test(x.code));
    if (checked || rest[firstUse]!.kind !== '+') continue;
    seen.add(v);
    out.push(lineFact('replace-current-unchecked', v, file, rest[firstUse]!, { detail: `${fn}() loads the current object into ${v} (${l.code.trim()}) and dereferences it with no NULL check: on the first attach there is no current object` }));
  }
  return out;
};
