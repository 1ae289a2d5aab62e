// Sizes whose type does not fit what they size, in code that handles guest or userspace counts:
// - alloc-size-mismatch: an array allocated with sizeof(one type) and stored in a pointer to
//   another ("p = kcalloc(n, sizeof(struct page *))" for a "struct iovec *p"), so copying n
//   elements of the real type overruns it;
// - narrowing-cast-added: the only change to a line is a cast of a size, length or address to
//   a type that is 32 bits wide on 32-bit hosts, which truncates a 64-bit value there.
import type { Fact } from '../../model/facts.js';
import type { PatchScope } from '../uapi/scope.js';
import { isCLike } from '../annotate.js';
import { lineFact } from './types.js';
import { MAX_DETECTOR_LINE } from './call-changes.js';

/** "target = kcalloc(n, sizeof(struct foo *)" and its relatives. */
const ARRAY_ALLOC = /([\w.]+(?:->\w+)*)\s*=\s*(kcalloc|kmalloc_array|kvcalloc|kvmalloc_array|devm_kcalloc)\s*\(/;
const SIZEOF_TYPE = /sizeof\s*\(\s*((?:struct|union)\s+\w+|\w+)\s*(\*?)\s*\)/;
/** "struct iovec *tvc_resp_iov;": a pointer declaration, as a member or a local. */
const POINTER_DECL = /^\s*((?:const\s+)?(?:struct|union)\s+\w+|\w+)\s*\*\s*(\w+)\s*(?:;|=)/;
/** A cast to a type that is 32 bits on 32-bit hosts, applied to a size-like expression. */
const NARROW_CAST = /\(\s*(unsigned long|long|u32|int|unsigned int|size_t)\s*\)\s*([\w>.-]*(?:size|len|length|addr|iova|offset)\w*)/i;

export function sizeTypeFacts(scope: PatchScope): Fact[] {
  const pointee = new Map<string, string>();
  for (const { file, hunks } of scope.files) {
    if (!isCLike(file.path)) continue;
    for (const h of hunks) for (const l of h.lines) {
      if (l.kind === '-' || l.code.length > MAX_DETECTOR_LINE || !l.code.includes('*')) continue;
      const d = POINTER_DECL.exec(l.code);
      if (d) pointee.set(d[2]!, d[1]!.replace(/^const\s+/, '').replace(/\s+/g, ' '));
    }
  }
  const out: Fact[] = [];
  for (const { file, hunks } of scope.files) {
    if (!isCLike(file.path) || file.role === 'uapi-header') continue;
    for (const h of hunks) {
      const removed = h.lines.filter((l) => l.kind === '-').map((l) => l.code.replace(/\s+/g, ''));
      h.lines.forEach((l, i) => {
        if (l.kind !== '+' || l.code.length > MAX_DETECTOR_LINE) return;
        const a = ARRAY_ALLOC.exec(l.code);
        if (a) {
          // The sizeof may sit on the next line of the call.
          const call = l.code.slice(a.index) + ' ' + (h.lines[i + 1]?.code ?? '');
          const s = SIZEOF_TYPE.exec(call);
          const field = a[1]!.split(/->|\./).pop()!;
          const declared = pointee.get(field);
          if (s && declared && declared !== 'void') {
            const sized = s[1]!.replace(/\s+/g, ' ');
            if (s[2] || sized !== declared) {
              const sizedAs = `${sized}${s[2] ? ' *' : ''}`;
              out.push(lineFact('alloc-size-mismatch', field, file, l, { detail: `${l.function ? l.function + '() ' : ''}allocates ${a[1]} (a ${declared} array) with ${a[2]}() elements of sizeof(${sizedAs}): storing ${declared} elements overruns it when the element sizes differ` }));
            }
          }
        }
        const c = NARROW_CAST.exec(l.code);
        // Only a cast that is the line's whole change: the same line without it was removed.
        if (c && removed.includes(l.code.replace(c[0], c[2]!).replace(/\s+/g, ''))) {
          out.push(lineFact('narrowing-cast-added', c[2]!, file, l, { detail: `${l.function ? l.function + '() ' : ''}now casts ${c[2]} to ${c[1]}, which is 32 bits wide on 32-bit hosts: a 64-bit ${c[2]} is truncated there` }));
        }
      });
    }
  }
  return out;
}
