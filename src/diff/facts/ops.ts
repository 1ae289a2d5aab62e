// op-assigned (".reset_map = fn" in an ops table) and op-called ("ops->reset_map(").
import type { Fact } from '../../model/facts.js';
import { changedLines, lineFact, type FileFactProducer } from './types.js';

const ASSIGN = /^\s*\.([A-Za-z_]\w*)\s*=\s*&?([A-Za-z_]\w*)?/;
const CALL = /->\s*([A-Za-z_]\w*)\s*\(/g;

export const opFacts: FileFactProducer = (file, hunks) => {
  const out: Fact[] = [];
  for (const l of changedLines(hunks)) {
    const a = ASSIGN.exec(l.code);
    if (a && !l.function) {
      const verb = l.kind === '+' ? 'set to' : 'no longer set to';
      out.push(lineFact('op-assigned', a[1]!, file, l, { detail: `.${a[1]} ${verb} ${a[2] ?? 'a value'}` }));
    }
    for (const m of l.code.matchAll(CALL)) {
      out.push(lineFact('op-called', m[1]!, file, l, { detail: `${l.kind === '+' ? 'call to' : 'removed call to'} ->${m[1]}()` }));
    }
  }
  return out;
};
