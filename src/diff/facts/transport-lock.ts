// transport-read-unlocked: in AF_VSOCK code, a socket's transport (vsk->transport, or a
// transport-> call) read before the function takes the socket lock, where the patch adds the
// read or the lock. connect() and release() assign and clear vsk->transport under lock_sock(),
// so a read before the lock can see a transport that is switched or released before it is used.
// Reviewers ask for the lock first, and for the transport to be checked under it (lore:
// 20220609083929.5k37tajo3qli4kr2@sgarzare-redhat; lc2v5porgyzx6neimlyrpeg3d5l7trnorbs7xubqgcrlp7bbi7@yxs25wx67tm7).
import type { Fact } from '../../model/facts.js';
import type { AnnotatedLine } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';
import { detector, gated, execIn } from './literal-gate.js';
import { isVsockCode } from './socket-semantics.js';
import { SOCKET_LOCK_DROP, SOCKET_LOCK_TAKE } from './sync-calls.js';

/** A read of the socket's transport: vsk->transport not being assigned, or a call through it. */
const TRANSPORT_READ = gated(/\b\w+->(transport)\b(?!\s*=[^=])|\b(transport)\s*->\s*\w+\s*\(/, ['transport']);
const SOCK_LOCK = new RegExp(String.raw`\b${SOCKET_LOCK_TAKE}(?:_nested|_fast)?\s*\(`);
const SOCK_UNLOCK = new RegExp(String.raw`\b${SOCKET_LOCK_DROP}\s*\(`);

/** Reads of the transport before the first lock_sock() of their function in the hunk. */
function readsBeforeLock(lines: AnnotatedLine[]): { read: AnnotatedLine; lock: AnnotatedLine }[] {
  const out: { read: AnnotatedLine; lock: AnnotatedLine }[] = [];
  let pending: AnnotatedLine[] = [];
  let fn: string | null = null;
  let locked = false;
  for (const l of lines) {
    if (l.function !== fn) {
      fn = l.function;
      pending = [];
      locked = false;
    }
    if (!fn || locked) continue;
    if (SOCK_UNLOCK.test(l.code)) {
      // The function runs with the lock already held by its caller: not this shape.
      locked = true;
      continue;
    }
    if (SOCK_LOCK.test(l.code)) {
      for (const read of pending) if (read.kind === '+' || l.kind === '+') out.push({ read, lock: l });
      locked = true;
      continue;
    }
    if (execIn(l.code, TRANSPORT_READ)) pending.push(l);
  }
  return out;
}

export const transportLockFacts: FileFactProducer = detector(
  { files: isVsockCode, needs: [TRANSPORT_READ] },
  (file, hunks) => {
    const out: Fact[] = [];
    const seen = new Set<string>();
    for (const h of bounded(hunks)) {
      for (const { read, lock } of readsBeforeLock(h.lines.filter((l) => l.kind !== '-'))) {
        if (seen.has(read.function!)) continue;
        seen.add(read.function!);
        const what = read.kind === '+' ? `adds a read of the socket's transport before ${lock.code.trim().replace(/;$/, '')} in` : `takes ${lock.code.trim().replace(/;$/, '')} only after a read of the socket's transport in`;
        out.push(lineFact('transport-read-unlocked', 'transport', file, read, {
          detail: `this patch ${what} ${read.function}() (${file.path}): connect and release switch or clear vsk->transport under the socket lock, so the transport read before the lock may be released or replaced by the time it is used (not verified against the tree)`,
        }));
      }
    }
    return out;
  },
);
