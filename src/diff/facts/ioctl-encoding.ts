// ioctl-encoding-changed: inside an ioctl handler's `case REQUEST:`, an added line packs or
// unpacks bits of the argument (shifts, masks on a member) or gives a special value a meaning
// (-1, ~0 compared against a member), and the patch writes nothing about it: no comment in a
// uAPI header, no Documentation/. What userspace must put in the argument changed, so the
// header has to say so. A line removed with the same operation is a move, not a change.
import type { Fact } from '../../model/facts.js';
import type { PatchScope } from '../uapi/scope.js';
import { lineFact } from './types.js';

/** a.b >> 16, a->b & 0xffff, (x << 15) assigned to a member, a.b == -1 … */
const ENCODING = /\b\w+(?:\.|->)\w+\s*(?:>>|<<|&\s*(?:0x[0-9a-fA-F]+|~|\(|[A-Z_]{3,}))|(?:>>|<<)\s*\d+|\b\w+(?:\.|->)\w+\s*[=!]=\s*(?:-1|~0|0x[fF]+)\b/;
const COMMENT = /^\s*(\/\*|\*|\/\/)|\/\*.*\S.*\*\/\s*$/;

export function ioctlEncodingFacts(scope: PatchScope): Fact[] {
  const documented = scope.files.some(
    ({ file }) =>
      file.role === 'documentation' ||
      (file.role === 'uapi-header' && file.hunks.some((h) => h.lines.some((l) => l.kind === '+' && COMMENT.test(l.text)))),
  );
  if (documented) return [];
  const out: Fact[] = [];
  for (const { file, hunks } of scope.files) {
    if (file.role !== 'kernel-driver') continue;
    const removed = new Set<string>();
    for (const h of hunks) for (const l of h.lines) if (l.kind === '-' && l.ioctlCase && ENCODING.test(l.code)) removed.add(l.code.replace(/\s+/g, ''));
    const seen = new Set<string>();
    for (const h of hunks) {
      for (const l of h.lines) {
        if (l.kind !== '+' || !l.ioctlCase || seen.has(l.ioctlCase)) continue;
        if (!ENCODING.test(l.code) || removed.has(l.code.replace(/\s+/g, ''))) continue;
        seen.add(l.ioctlCase);
        out.push(lineFact('ioctl-encoding-changed', l.ioctlCase, file, l, { detail: `${l.function}() now encodes or decodes the ${l.ioctlCase} argument differently, and the patch documents it nowhere` }));
      }
    }
  }
  return out;
}
