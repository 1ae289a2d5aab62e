// mask-bit-added / mask-bit-removed: feature bits going into or out of a *FEATURES* mask
// (a #define, an enum member, or "features |= …"). A bit both removed and added in the
// same mask is a reformat, not a change.
import type { Fact } from '../../model/facts.js';
import type { AnnotatedLine } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';

const BIT_NAME = /\b((?:VIRTIO|VHOST|VRING|VDUSE|VFIO)_[A-Z0-9_]*F_[A-Z0-9_]+)\b/g;

export const maskFacts: FileFactProducer = (file, hunks) => {
  const added = new Map<string, { l: AnnotatedLine; mask: string }>();
  const removed = new Map<string, { l: AnnotatedLine; mask: string }>();
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind === ' ' || !l.mask) continue;
      const into = l.kind === '+' ? added : removed;
      for (const m of l.code.matchAll(BIT_NAME)) {
        const bit = m[1]!;
        if (bit === l.mask) continue;
        const key = `${l.mask}\u0000${bit}`;
        if (!into.has(key)) into.set(key, { l, mask: l.mask });
      }
    }
  }
  const out: Fact[] = [];
  for (const [key, { l, mask }] of added) {
    if (removed.has(key)) continue;
    const bit = key.split('\u0000')[1]!;
    out.push(lineFact('mask-bit-added', bit, file, l, { mask, detail: `${bit} added to ${mask}` }));
  }
  for (const [key, { l, mask }] of removed) {
    if (added.has(key)) continue;
    const bit = key.split('\u0000')[1]!;
    out.push(lineFact('mask-bit-removed', bit, file, l, { mask, detail: `${bit} removed from ${mask}` }));
  }
  return out;
};
