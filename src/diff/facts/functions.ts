// function-changed: each function with at least one changed line, at its first changed line.
import type { Fact } from '../../model/facts.js';
import { changedLines, lineFact, type FileFactProducer } from './types.js';

export const functionFacts: FileFactProducer = (file, hunks) => {
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const l of changedLines(hunks)) {
    if (!l.function || seen.has(l.function)) continue;
    // A blank or comment-only change does not change behaviour.
    if (l.code.trim() === '') continue;
    seen.add(l.function);
    out.push(lineFact('function-changed', l.function, file, l, { detail: `${l.function}() changed` }));
  }
  return out;
};
