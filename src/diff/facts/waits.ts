// wait-added: kernel code that now sleeps or spins, possibly on something a userspace
// process (or a device it emulates) controls. The primitive's name says whether the wait is
// bounded (a timeout) and whether a signal ends it; the detail says which.
import type { Fact } from '../../model/facts.js';
import { changedLines, lineFact, type FileFactProducer } from './types.js';
import { compat } from '../uapi/compat.js';
import { newFunctions } from '../new-code.js';
import { bounded } from './call-changes.js';

const WAIT =
  /\b(wait_for_completion\w*|wait_event\w*|wait_on_bit\w*|wait_var_event\w*|schedule_timeout\w*|schedule|io_schedule(?:_timeout)?|msleep_interruptible|msleep|ssleep|usleep_range\w*|udelay|mdelay|cpu_relax|down|down_interruptible|down_killable|down_timeout|flush_work|flush_workqueue|synchronize_rcu|synchronize_srcu|read_poll_timeout\w*|readx_poll_timeout\w*)\s*\(/g;

/** How a wait ends: a signal, a timeout, either, or only the event itself. */
function kind(p: string): string {
  const timed = /timeout|msleep|ssleep|usleep|udelay|mdelay|poll_timeout/.test(p);
  const signal = /interruptible|killable/.test(p);
  if (timed && signal) return 'with a timeout, or until a signal';
  if (timed) return 'for a bounded time';
  if (signal) return 'until the event or a signal (the caller sees -ERESTARTSYS/-EINTR)';
  if (p === 'cpu_relax') return 'busy-polling';
  return 'with no timeout';
}

export const waitFacts: FileFactProducer = (file, allHunks) => {
  if (file.role !== 'kernel-driver' && file.role !== 'kernel-header') return [];
  const hunks = bounded(allHunks);
  const out: Fact[] = [];
  // The same wait removed from the same function: a rewritten line, no new wait.
  const had = new Set<string>();
  for (const l of changedLines(hunks)) {
    if (l.kind === '-' && l.code.includes('(')) for (const m of l.code.matchAll(WAIT)) had.add(`${l.function ?? ''}\u0000${m[1]}`);
  }
  let fresh: ReadonlySet<string> | null = null;
  const isNewCode = (fn: string | null) => file.status === 'added' || (!!fn && (fresh ??= newFunctions(file, allHunks)).has(fn));
  for (const l of changedLines(hunks)) {
    // Every wait is a call: lines without "(" cannot have one (the pattern is costly per line).
    if (l.kind !== '+' || !l.code.includes('(')) continue;
    for (const m of l.code.matchAll(WAIT)) {
      const p = m[1]!;
      const how = kind(p);
      if (had.has(`${l.function ?? ''}\u0000${p}`)) continue;
      // A wait that ends by itself (timeout or signal) in code that did not exist changes no
      // caller's behaviour, and is the safe form; an unbounded one still may hang on userspace.
      if (how !== 'with no timeout' && how !== 'busy-polling' && isNewCode(l.function)) continue;
      out.push(
        lineFact('wait-added', p, file, l, {
          detail: `${l.function ? l.function + '() ' : ''}now waits in ${p}() ${how}`,
          compat: compat(
            'behaviour-change',
            how === 'with no timeout' ? 'if the event depends on a userspace process, a stuck or malicious one blocks this path forever' : 'the calling process can now block, time out or be interrupted where it did not before',
          ),
        }),
      );
    }
  }
  return out;
};
