// wait-added: an unbounded wait added in kernel code (no timeout in the primitive's name).
import type { Fact } from '../../model/facts.js';
import { changedLines, lineFact, type FileFactProducer } from './types.js';

const WAIT = /\b(wait_for_completion(?:_interruptible|_killable|_io)?|wait_event(?:_interruptible|_killable|_freezable)?|wait_on_bit|schedule|flush_work|synchronize_rcu)\s*\(/g;

export const waitFacts: FileFactProducer = (file, hunks) => {
  if (file.role !== 'kernel-driver' && file.role !== 'kernel-header') return [];
  const out: Fact[] = [];
  for (const l of changedLines(hunks)) {
    if (l.kind !== '+') continue;
    for (const m of l.code.matchAll(WAIT)) {
      out.push(lineFact('wait-added', m[1]!, file, l, { detail: `${l.function ? l.function + '() ' : ''}now waits in ${m[1]}() with no timeout` }));
    }
  }
  return out;
};
