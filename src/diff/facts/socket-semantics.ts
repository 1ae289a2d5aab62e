// AF_VSOCK and tun/tap socket semantics that applications see: connection state and
// shutdown, linger and close, poll masks, errors returned to the socket, and tun/tap flags
// and header sizes. A changed line that touches one of these in the socket code is a fact.
// The vsock credit counters (buf_alloc, fwd_cnt) are not among them: a change to them is
// flow control between the two ends, which socket-credit-changed looks at, and in the archive
// the patches that touched only them drew no concern about what programs see.
import type { Fact } from '../../model/facts.js';
import { isCLike, type AnnotatedHunk, type AnnotatedLine } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';
import { detector } from './literal-gate.js';
import { entryOf } from '../map-entry.js';

const VSOCK_FILES = /^(net\/vmw_vsock\/|drivers\/vhost\/vsock\.c|include\/linux\/virtio_vsock\.h|include\/net\/af_vsock\.h)/;
/** The C files of AF_VSOCK and its transports. */
export const isVsockCode = (p: string): boolean => isCLike(p) && VSOCK_FILES.test(p);
export const SOCKET_FILES = /^(net\/vmw_vsock\/|drivers\/vhost\/vsock\.c|include\/linux\/virtio_vsock\.h|include\/net\/af_vsock\.h|drivers\/net\/(tun|tap)\.c|include\/linux\/if_tun\.h|include\/linux\/if_tap\.h|drivers\/vhost\/net\.c)/;
const SEMANTICS =
  /\b(sk_shutdown|RCV_SHUTDOWN|SEND_SHUTDOWN|SHUTDOWN_MASK|VIRTIO_VSOCK_SHUTDOWN_\w+|SOCK_LINGER|sk_lingertime|SOCK_DONE|SOCK_DEAD|sk_state|TCP_ESTABLISHED|TCP_CLOSE|TCP_CLOSING|TCP_LISTEN|TCP_SYN_SENT|SS_\w+|sk_err|ECONNRESET|ECONNREFUSED|EPIPE|ENOTCONN|EPOLL\w+|POLL(?:IN|OUT|HUP|RDHUP|ERR|PRI|RDNORM|WRNORM)|MSG_(?:PEEK|DONTWAIT|TRUNC|EOR|ZEROCOPY)|SO_\w+|IFF_\w+|TUN_\w+|vnet_hdr_sz|sk_sndbuf|sk_rcvbuf|VIRTIO_VSOCK_OP_\w+|VIRTIO_VSOCK_SEQ_\w+|sock_set_flag|sock_reset_flag)\b/g;

const realOf = new WeakMap<AnnotatedHunk[], AnnotatedLine[]>();

/**
 * The changed lines of `hunks` that change something: a line moved or re-indented unchanged
 * within its function (the same code removed and added there) is no change. Made once per
 * file's hunks: every socket detector asks.
 */
export function realChanges(hunks: AnnotatedHunk[]): AnnotatedLine[] {
  let out = realOf.get(hunks);
  if (out) return out;
  const plus = new Map<string, Set<string>>();
  const minus = new Map<string, Set<string>>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === ' ') continue;
    const into = l.kind === '+' ? plus : minus;
    const k = l.function ?? '';
    entryOf(into, k, () => new Set()).add(l.code.trim());
  }
  out = [];
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === ' ' || !l.code.trim()) continue;
    if (!(l.kind === '+' ? minus : plus).get(l.function ?? '')?.has(l.code.trim())) out.push(l);
  }
  realOf.set(hunks, out);
  return out;
}

export const socketSemanticsFacts: FileFactProducer = detector({ files: (path) => isCLike(path) && SOCKET_FILES.test(path) }, (file, allHunks) => {
  const hunks = bounded(allHunks);
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const l of realChanges(hunks)) {
    for (const m of l.code.matchAll(SEMANTICS)) {
      const key = `${l.function ?? ''}\u0000${m[1]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(lineFact('socket-semantics-changed', m[1]!, file, l, { detail: `${l.function ? l.function + '() ' : ''}${l.kind === '+' ? 'changes' : 'removes'} handling of ${m[1]}` }));
    }
  }
  return out;
});
