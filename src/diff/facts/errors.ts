// error-return-added: an error a userspace caller did not see before. A new "return -EXXX" /
// "= -EXXX" in a function that did not return it before in this hunk set, and a new
// interruptible or killable sleep whose result is passed on (the caller now sees -EINTR or
// -ERESTARTSYS on a pending signal, as VHOST_SET_OWNER did). -EFAULT right after a user copy
// is the universal idiom, not a new behaviour; nor is a guard the patch deletes and adds again
// unchanged (moved or split). Only in functions userspace reaches
// (user-entry.ts: an ioctl case, a handler by name or ops role, or one call from one).
import type { Fact } from '../../model/facts.js';
import type { AnnotatedLine } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import type { PatchScope } from '../uapi/scope.js';
import { reachedByUser } from './user-entry.js';
import { bounded } from './call-changes.js';
import { compat } from '../uapi/compat.js';
import { detector, gated, matchesIn, mayMatch } from './literal-gate.js';
import { newUapiNames, namesAny } from './new-uapi-names.js';
import { swaps } from './error-flow.js';
import { IF } from './input-checks.js';

type ScopedFileProducer = (file: Parameters<FileFactProducer>[0], hunks: Parameters<FileFactProducer>[1], scope?: PatchScope) => Fact[];

const ERRNO = gated(/(?:\breturn\s+|=\s*|ERR_PTR\(\s*)-(E[A-Z0-9]{2,})\b/g, ['-E']);
const USER_COPY = /\b(copy_(from|to)_user|get_user|put_user|copy_struct_from_user|memdup_user)\b/;
/** Sleeps that give up on a signal, and the error their callers pass on. */
const SIGNAL_SLEEP: [RegExp, string][] = [
  [/\b(mutex_lock_interruptible|mutex_lock_killable|down_interruptible|down_killable|down_read_killable|down_write_killable|mmap_read_lock_killable)\s*\(/, 'EINTR'],
  [/\b(wait_event_interruptible\w*|wait_event_killable\w*|wait_for_completion_interruptible\w*|wait_for_completion_killable\w*)\s*\(/, 'ERESTARTSYS'],
];
/** Every sleep above gives up on a signal, and says so in its name. */
const SIGNAL = gated(new RegExp(SIGNAL_SLEEP.map(([re]) => re.source).join('|')), ['interruptible', 'killable']);
/**
 * The sleep's result is used: "if (…(", "ret = …(", "return …(". One way only to split the
 * blanks around a "!" (not `\s*!?\s*`): that was quadratic on a long blank run after "if (".
 */
/** New-side lines before a new error that may hold its condition. */
const GUARD_LINES = 3;
const RESULT_USED = /(\bif\s*\(\s*(?:!\s*)?|=\s*|\breturn\s+)$/;

/**
 * ioctl requests the patch defines in a uAPI header and handles in a `case` it adds: their
 * errors are those of a new interface. A request that already exists (VHOST_SET_BACKEND_FEATURES
 * newly handled by one more driver) is not: userspace already issues it on this file.
 */
function newRequests(hunks: Parameters<ScopedFileProducer>[1], scope: PatchScope | undefined): Set<string> {
  const added = new Set<string>();
  const old = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (!l.ioctlCase || !l.code.includes('case')) continue;
    const m = /^\s*case\s+([A-Z][A-Z0-9_]*)\s*:/.exec(l.code);
    if (m) (l.kind === '+' ? added : old).add(m[1]!);
  }
  for (const r of old) added.delete(r);
  if (added.size === 0 || !scope) return added;
  const defined = new Set<string>();
  for (const { file, hunks: hs } of scope.files) {
    if (file.role !== 'uapi-header') continue;
    for (const h of hs) for (const l of h.lines) {
      const d = l.kind === '+' && l.define;
      if (d && added.has(d)) defined.add(d);
    }
  }
  return defined;
}

export const errorReturnFacts: ScopedFileProducer = detector({ needs: [ERRNO, SIGNAL] }, (file, allHunks, scope?: PatchScope) => {
  const hunks = bounded(allHunks);
  const byUser = reachedByUser(hunks, scope);
  const fresh = newRequests(hunks, scope);
  const newNames = newUapiNames(scope);
  const reachable = (l: AnnotatedLine) => !(l.ioctlCase && fresh.has(l.ioctlCase)) && (!!l.ioctlCase || byUser(l.function));
  const removed = new Set<string>();
  // Guard conditions the patch deletes: one added again word for word refuses what it did before.
  const movedFrom = new Set<string>();
  // An errno rewritten in place into another is error-flow's "swapped", told as such there.
  const swapped = new Set<AnnotatedLine>();
  for (const h of hunks) for (const s of swaps(h.lines)) swapped.add(s.added);
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind !== '-') continue;
      if (IF.test(l.code)) movedFrom.add(`${l.function}\u0000${l.code.trim()}`);
      for (const m of matchesIn(l.code, ERRNO)) removed.add(`${l.function}:${m[1]}`);
      if (mayMatch(l.code, SIGNAL)) for (const [re, errno] of SIGNAL_SLEEP) if (re.test(l.code)) removed.add(`${l.function}:${errno}`);
    }
  }
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const h of hunks) {
    let previous = '';
    // The last few new-side lines: where the condition of a new refusal is.
    let guard: string[] = [];
    for (const l of h.lines) {
      const ioctl = l.ioctlCase;
      const prev = previous;
      // The lines above this one (the array is replaced, never changed in place).
      const above = guard;
      if (l.kind !== '-' && l.code.trim() !== '') {
        previous = l.code;
        guard = [...guard.slice(-(GUARD_LINES - 1)), l.code];
      }
      if (l.kind !== '+' || swapped.has(l) || !reachable(l)) continue;
      let forNewInterface: boolean | undefined;
      const push = (errno: string, how: string) => {
        // A refusal of a request that names a constant the patch adds: only new userspace meets
        // it. Asked only of a line that has an error to report.
        if ((forNewInterface ??= namesAny(`${above.join(' ')}${l.code}`, newNames))) return;
        // The guard above was deleted elsewhere in this function and added here unchanged: a
        // moved (or split) guard, not a new refusal.
        if (above.some((a) => movedFrom.has(`${l.function}\u0000${a.trim()}`))) return;
        const key = `${l.function}:${errno}`;
        // One fact per function, request and errno: "if (lock_interruptible()) return -EINTR;" is one.
        if (removed.has(key) || seen.has(`${key}:${ioctl}`)) return;
        seen.add(`${key}:${ioctl}`);
        out.push(fact(file, l, errno, ioctl, how));
      };
      for (const m of matchesIn(l.code, ERRNO)) {
        // -EFAULT right after a user copy is the universal idiom, not a new behaviour.
        if (m[1] === 'EFAULT' && USER_COPY.test(prev + l.code)) continue;
        push(m[1]!, '');
      }
      for (const [re, errno] of mayMatch(l.code, SIGNAL) ? SIGNAL_SLEEP : []) {
        const m = re.exec(l.code);
        if (m && RESULT_USED.test(l.code.slice(0, m.index))) push(errno, ` when a signal is pending (${m[1]})`);
      }
    }
  }
  return out;
});

function fact(file: Parameters<FileFactProducer>[0], l: AnnotatedLine, errno: string, ioctl: string | null, how: string): Fact {
  const where = `${l.function ? l.function + '() ' : ''}${ioctl ? `(${ioctl}) ` : ''}`;
  return lineFact('error-return-added', errno, file, l, {
    detail: `${where}can now fail with -${errno}${how}`,
    compat: compat('behaviour-change', `a caller that never saw -${errno} from this path may treat it as fatal or misreport it`),
  });
}
