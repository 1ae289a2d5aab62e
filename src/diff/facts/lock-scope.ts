// check-outside-lock: a field tested before a lock is taken and used again under it. The test
// and the use are two reads; whatever the lock serialises can change the field in between
// (another ioctl clearing a kvm pointer, a remove), so the use under the lock sees a value the
// test never checked.
import type { Fact } from '../../model/facts.js';
import type { AnnotatedLine } from '../annotate.js';
import { isCLike } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';

const LOCK = /\b(mutex_lock\w*|spin_lock\w*|down_read\w*|down_write\w*|read_lock\w*|write_lock\w*)\s*\(\s*&?\s*([\w>.-]+)/;
const UNLOCK = /\b(mutex_unlock|spin_unlock\w*|up_read|up_write|read_unlock\w*|write_unlock\w*)\s*\(/;
/** "if (a->b)", "if (!a->b", "a->b &&": a pointer field tested. */
const TESTED = /\bif\s*\(\s*!?\s*(\w+(?:->\w+)+)\s*(?:\)|&&|\|\|)|\b(\w+(?:->\w+)+)\s*&&/;

export const lockScopeFacts: FileFactProducer = (file, allHunks) => {
  if (!isCLike(file.path)) return [];
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const h of bounded(allHunks)) {
    const lines = h.lines.filter((l) => l.kind !== '-');
    lines.forEach((l, i) => {
      const lock = LOCK.exec(l.code);
      if (!lock || !l.function) return;
      const fn = l.function;
      // The test: on a line of the same function before the lock, with nothing unlocked between.
      let tested: { field: string; line: AnnotatedLine } | undefined;
      for (let j = i - 1; j >= 0 && j >= i - 8; j--) {
        const x = lines[j]!;
        if (x.function !== fn || UNLOCK.test(x.code) || LOCK.test(x.code)) break;
        const t = TESTED.exec(x.code);
        const field = t?.[1] ?? t?.[2];
        if (field && !field.includes(lock[2]!.split(/->|\./)[0]!) ) tested = { field, line: x };
      }
      if (!tested || (l.kind !== '+' && tested.line.kind !== '+')) return;
      const { field } = tested;
      // The use: under the lock, before it is dropped.
      for (let j = i + 1; j < lines.length && j <= i + 12; j++) {
        const x = lines[j]!;
        if (x.function !== fn || UNLOCK.test(x.code)) break;
        if (!x.code.includes(field) || seen.has(field)) continue;
        seen.add(field);
        out.push(lineFact('check-outside-lock', field, file, tested.line, { detail: `${fn}() tests ${field} before taking ${lock[2]} (${lock[1]}) and uses it again under the lock: a concurrent path can change ${field} in between, so the use is not covered by the test` }));
        break;
      }
    });
  }
  return out;
};
