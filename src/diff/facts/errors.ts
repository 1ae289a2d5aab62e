// error-return-added: a new "return -EXXX" / "= -EXXX" in a function that did not return it before in this hunk set.
import type { Fact } from '../../model/facts.js';
import { lineFact, type FileFactProducer } from './types.js';

const ERRNO = /(?:\breturn\s+|=\s*|ERR_PTR\(\s*)-(E[A-Z0-9]{2,})\b/g;

const USER_COPY = /\b(copy_(from|to)_user|get_user|put_user|copy_struct_from_user|memdup_user)\b/;

export const errorReturnFacts: FileFactProducer = (file, hunks) => {
  const removed = new Set<string>();
  for (const h of hunks) for (const l of h.lines) if (l.kind === '-') for (const m of l.code.matchAll(ERRNO)) removed.add(`${l.function}:${m[1]}`);
  const out: Fact[] = [];
  for (const h of hunks) {
    let previous = '';
    for (const l of h.lines) {
      const prev = previous;
      if (l.kind !== '-' && l.code.trim() !== '') previous = l.code;
      if (l.kind !== '+') continue;
      for (const m of l.code.matchAll(ERRNO)) {
        if (removed.has(`${l.function}:${m[1]}`)) continue; // moved, not new
        // -EFAULT right after a user copy is the universal idiom, not a new behaviour.
        if (m[1] === 'EFAULT' && USER_COPY.test(prev + l.code)) continue;
        out.push(lineFact('error-return-added', m[1]!, file, l, { detail: `${l.function ? l.function + '() ' : ''}can now fail with -${m[1]}` }));
      }
    }
  }
  return out;
};
