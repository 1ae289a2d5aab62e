// error-return-added: an error a userspace caller did not see before. A new "return -EXXX" /
// "= -EXXX" in a function that did not return it before in this hunk set, and a new
// interruptible or killable sleep whose result is passed on (the caller now sees -EINTR or
// -ERESTARTSYS on a pending signal, as VHOST_SET_OWNER did). -EFAULT right after a user copy
// is the universal idiom, not a new behaviour.
import type { Fact } from '../../model/facts.js';
import type { AnnotatedLine } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { compat } from '../uapi/compat.js';
import { calledFrom } from './call-changes.js';

const ERRNO = /(?:\breturn\s+|=\s*|ERR_PTR\(\s*)-(E[A-Z0-9]{2,})\b/g;
const USER_COPY = /\b(copy_(from|to)_user|get_user|put_user|copy_struct_from_user|memdup_user)\b/;
/** Sleeps that give up on a signal, and the error their callers pass on. */
const SIGNAL_SLEEP: [RegExp, string][] = [
  [/\b(mutex_lock_interruptible|mutex_lock_killable|down_interruptible|down_killable|down_read_killable|down_write_killable|mmap_read_lock_killable)\s*\(/, 'EINTR'],
  [/\b(wait_event_interruptible\w*|wait_event_killable\w*|wait_for_completion_interruptible\w*|wait_for_completion_killable\w*)\s*\(/, 'ERESTARTSYS'],
];
/** The sleep's result is used: "if (…(", "ret = …(", "return …(". */
const RESULT_USED = /(\bif\s*\(\s*!?\s*|=\s*|\breturn\s+)$/;

/**
 * Entry points userspace reaches directly: ioctl and file operations, netlink doit/dumpit,
 * vhost-user message handlers, sysfs, and the vdpa/vhost ops those ioctls call straight into.
 */
const HANDLER =
  /ioctl|_doit$|_dumpit$|^vhost_user_|^vu_|^handle_|_handle_|_process_msg|_msg$|_(?:set|get)_(?:features|driver_features|status|config|vq_\w+|vring_\w+|map|backend\w*|owner|mem_table|log_base)$|_(?:dma_map|dma_unmap|reset|compat_reset|suspend|resume)$|_(?:write|read|open|release|mmap|poll|fault|store|show)$|_(?:bind|attach|detach)\w*$/;

export const errorReturnFacts: FileFactProducer = (file, hunks) => {
  const called = calledFrom(hunks, HANDLER);
  const reachable = (l: AnnotatedLine) => !!l.ioctlCase || !l.function || HANDLER.test(l.function) || called.has(l.function);
  const removed = new Set<string>();
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind !== '-') continue;
      for (const m of l.code.matchAll(ERRNO)) removed.add(`${l.function}:${m[1]}`);
      for (const [re, errno] of SIGNAL_SLEEP) if (re.test(l.code)) removed.add(`${l.function}:${errno}`);
    }
  }
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const h of hunks) {
    let previous = '';
    for (const l of h.lines) {
      const ioctl = l.ioctlCase;
      const prev = previous;
      if (l.kind !== '-' && l.code.trim() !== '') previous = l.code;
      if (l.kind !== '+' || !reachable(l)) continue;
      const push = (errno: string, how: string) => {
        const key = `${l.function}:${errno}`;
        // One fact per function, request and errno: "if (lock_interruptible()) return -EINTR;" is one.
        if (removed.has(key) || seen.has(`${key}:${ioctl}`)) return;
        seen.add(`${key}:${ioctl}`);
        out.push(fact(file, l, errno, ioctl, how));
      };
      for (const m of l.code.matchAll(ERRNO)) {
        // -EFAULT right after a user copy is the universal idiom, not a new behaviour.
        if (m[1] === 'EFAULT' && USER_COPY.test(prev + l.code)) continue;
        push(m[1]!, '');
      }
      for (const [re, errno] of SIGNAL_SLEEP) {
        const m = re.exec(l.code);
        if (m && RESULT_USED.test(l.code.slice(0, m.index))) push(errno, ` when a signal is pending (${m[1]})`);
      }
    }
  }
  return out;
};

function fact(file: Parameters<FileFactProducer>[0], l: AnnotatedLine, errno: string, ioctl: string | null, how: string): Fact {
  const where = `${l.function ? l.function + '() ' : ''}${ioctl ? `(${ioctl}) ` : ''}`;
  return lineFact('error-return-added', errno, file, l, {
    detail: `${where}can now fail with -${errno}${how}`,
    compat: compat('behaviour-change', `a caller that never saw -${errno} from this path may treat it as fatal or misreport it`),
  });
}
