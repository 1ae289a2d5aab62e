// encoding-constant-changed: a kernel-internal #define that fixes how userspace-visible values
// are encoded (VFIO_PCI_OFFSET_SHIFT splits a region file offset into index and offset) takes a
// new value. The constant is not in a uAPI header, but userspace and migration streams depend
// on the encoding it sets, and a wider shift can overflow on 32-bit hosts.
import type { Fact } from '../../model/facts.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';

const DEFINE = /^\s*#\s*define\s+(\w*(?:_SHIFT|_OFFSET\w*|_INDEX\w*))\s+(.+?)\s*$/;

export const encodingConstantFacts: FileFactProducer = (file, allHunks) => {
  // Only kernel (not uAPI: those have their own facts) headers and sources.
  if (file.role === 'uapi-header' || !/\.(h|c)$/.test(file.path)) return [];
  const hunks = bounded(allHunks);
  if (!hunks.some((h) => h.lines.some((l) => l.kind === '-' && (l.text ?? '').includes('define')))) return [];
  const old = new Map<string, string>();
  for (const h of hunks) for (const l of h.lines) {
    const d = l.kind === '-' ? DEFINE.exec(l.text ?? '') : null;
    if (d) old.set(d[1]!, d[2]!.replace(/\s+/g, ''));
  }
  const out: Fact[] = [];
  for (const h of hunks) for (const l of h.lines) {
    const d = l.kind === '+' ? DEFINE.exec(l.text ?? '') : null;
    if (!d) continue;
    const before = old.get(d[1]!);
    const after = d[2]!.replace(/\s+/g, '');
    if (before === undefined || before === after) continue;
    out.push(lineFact('encoding-constant-changed', d[1]!, file, l, { detail: `the patch changes ${d[1]} from ${before} to ${after}: every offset, index or mask userspace sees that is built from it changes encoding, and wider values can overflow a 32-bit unsigned long or page offset` }));
  }
  return out;
};
