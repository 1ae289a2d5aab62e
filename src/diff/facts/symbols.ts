// symbol-added / symbol-removed: every identifier on a changed line (code only for C files).
import type { Fact } from '../../model/facts.js';
import { identifiersIn } from '../c-code.js';
import { changedLines, lineFact, type FileFactProducer } from './types.js';

export const symbolFacts: FileFactProducer = (file, hunks) => {
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const l of changedLines(hunks)) {
    const kind = l.kind === '+' ? 'symbol-added' : 'symbol-removed';
    for (const id of identifiersIn(l.code)) {
      // One fact per symbol and side per file: the first place is where a reviewer looks.
      const key = kind + id;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(lineFact(kind, id, file, l));
    }
  }
  return out;
};
