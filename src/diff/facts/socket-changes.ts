// What an AF_VSOCK or tun/tap change does, by the kind of change, in the socket code:
// - socket-state-changed: a write of connection state (sk_state, sk_shutdown, the peer's
//   shutdown bits, sk_err, SOCK_DONE-style flags), a wait or timeout of a blocking call, or an
//   errno a socket call returns, added, dropped or rewritten;
// - socket-credit-changed: a flow-control counter (buf_alloc, fwd_cnt, rx_bytes, ...) updated,
//   or a credit call made, where no lock is seen held before it in the hunk;
// - socket-transport-changed: which transport or backend a socket uses (a ->transport pointer,
//   a global instance pointer, transport registration or its module reference) set or released
//   at another point;
// - vnet-header-field-changed: a field of the virtio-net header that tun/tap and vhost-net
//   exchange with userspace (gso type and size, csum start/offset, hdr_len, num_buffers, hash)
//   read, written or sized differently.
import type { Fact } from '../../model/facts.js';
import { isCLike, type AnnotatedHunk, type AnnotatedLine } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';
import { detector, gated, matchesIn } from './literal-gate.js';
import { SOCKET_FILES, isVsockCode, realChanges } from './socket-semantics.js';
import { LOCK_DROP, LOCK_TAKE, SOCKET_LOCK_DROP, SOCKET_LOCK_TAKE } from './sync-calls.js';
import { ERROR_RESULT_NAMES, alternativesOf } from './result-names.js';

const VNET_FILES = /^(drivers\/net\/(tun|tap|tun_vnet)\.[ch]|drivers\/vhost\/net\.c|include\/linux\/virtio_net\.h|include\/linux\/if_t(un|ap)\.h)/;

/** Who changed which symbol in which function, and how (added / dropped / rewritten). */
interface Seen {
  line: AnnotatedLine;
  plus: boolean;
  minus: boolean;
}

function collect(lines: Iterable<AnnotatedLine>, symbolsOf: (l: AnnotatedLine) => Iterable<string>): Map<string, Seen & { symbol: string }> {
  const by = new Map<string, Seen & { symbol: string }>();
  for (const l of lines) {
    for (const symbol of symbolsOf(l)) {
      const key = `${l.function ?? ''}\u0000${symbol}`;
      const s = by.get(key) ?? { line: l, plus: false, minus: false, symbol };
      if (l.kind === '+') s.plus = true;
      else s.minus = true;
      // The new side is where a reader looks first.
      if (l.kind === '+' && s.line.kind === '-') s.line = l;
      by.set(key, s);
    }
  }
  return by;
}

const how = (s: Seen, added: string, dropped: string, changed: string) => (s.plus && s.minus ? changed : s.plus ? added : dropped);
const inFn = (l: AnnotatedLine) => (l.function ? `${l.function}()` : 'this code');

// --- connection state, blocking and errors ---------------------------------------------------

/** A write of a state field: `->sk_state = `, `|=`, `&=`, WRITE_ONCE(x->sk_shutdown, ...). */
const STATE_WRITE = gated(
  /(?:->|\.)\s*(sk_state|sk_shutdown|peer_shutdown|sk_err|sk_lingertime)\s*(?:[|&+-]?=(?!=))|WRITE_ONCE\s*\(\s*\w+(?:->|\.)(sk_state|sk_shutdown|peer_shutdown|sk_err)\b|sock_(?:set|reset)_flag\s*\(\s*\w+\s*,\s*(SOCK_\w+)|\b(sk_set_state|tcp_set_state|sk_state_change|sk_error_report)\s*\(/g,
  ['sk_state', 'sk_shutdown', 'peer_shutdown', 'sk_err', 'sk_lingertime', '_flag', 'set_state', 'sk_error_report'],
);
/** How long a socket call blocks, and whether it may. */
const BLOCKING = gated(
  /\b(sock_sndtimeo|sock_rcvtimeo|sk_sndtimeo|sk_rcvtimeo|sk_wait_event|wait_woken|schedule_timeout\w*|sock_intr_errno|O_NONBLOCK|MSG_DONTWAIT|sk_lingertime|SOCK_LINGER)\b/g,
  ['timeo', 'sk_wait_event', 'wait_woken', 'schedule_timeout', 'sock_intr_errno', 'NONBLOCK', 'DONTWAIT', 'LINGER', 'lingertime'],
);
/** An errno a socket call gives back: returned, or stored in the error variable it returns. */
const ERRNO = gated(new RegExp(`\\b(?:return|${alternativesOf(ERROR_RESULT_NAMES)})\\s*=?\\s*-\\x20?(E[A-Z]{3,})\\b`, 'g'), ['-E', '- E']);
/**
 * Socket calls an application makes (proto_ops) and the transport callbacks behind them
 * (notify_*, recv_* handlers, stream_has_data, reset, linger and timeout paths), by a word of
 * the function's name.
 */
const SOCKET_CALL_WORDS = new Set(['connect', 'accept', 'recvmsg', 'sendmsg', 'shutdown', 'release', 'close', 'listen', 'bind', 'poll', 'setsockopt', 'getsockopt', 'dequeue', 'enqueue', 'notify', 'recv', 'has', 'reset', 'linger', 'timeout']);
const isSocketCall = (fn: string) => fn.split('_').some((w) => SOCKET_CALL_WORDS.has(w));

function stateSymbols(l: AnnotatedLine): string[] {
  const out: string[] = [];
  for (const m of matchesIn(l.code, STATE_WRITE)) out.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  // Waits and errnos matter where an application's socket call reaches them.
  if (!l.function || !isSocketCall(l.function)) return out;
  for (const m of matchesIn(l.code, BLOCKING)) out.push(m[1]!);
  for (const m of matchesIn(l.code, ERRNO)) out.push(m[1]!);
  return out;
}

export const socketStateFacts: FileFactProducer = detector(
  { files: isVsockCode, needs: [STATE_WRITE, BLOCKING, ERRNO] },
  (file, hunks) => {
    const out: Fact[] = [];
    for (const s of collect(realChanges(bounded(hunks)), stateSymbols).values()) {
      if (!s.line.function) continue;
      const what = /^E[A-Z]/.test(s.symbol) ? `the ${s.symbol} error it returns` : /^(SOCK_|sk_|peer_)/.test(s.symbol) && !/timeo/.test(s.symbol) ? `its write of ${s.symbol}` : `its blocking through ${s.symbol}`;
      const verb = how(s, `adds ${what.replace(/^its /, 'a ').replace(/^the /, 'an ')} to`, `drops ${what} from`, `rewrites ${what} in`);
      out.push(lineFact('socket-state-changed', s.symbol, file, s.line, {
        detail: `this patch ${verb} ${inFn(s.line)} (${file.path}): what an existing program sees from close, shutdown, connect or a blocking read or write on this socket may change`,
      }));
    }
    return out;
  },
);

// --- credit accounting ------------------------------------------------------------------------

const CREDIT_FIELD = gated(
  /(?:->|\.)\s*(buf_alloc|fwd_cnt|last_fwd_cnt|rx_bytes|tx_cnt|peer_fwd_cnt|peer_buf_alloc|buf_used|bytes_unsent)\s*(?:[+-]?=(?!=)|\+\+|--)|(?:\+\+|--)\s*\w+(?:->|\.)(buf_alloc|fwd_cnt|rx_bytes|tx_cnt|buf_used|bytes_unsent)\b|\b(\w*credit\w*)\s*\(/g,
  ['buf_alloc', 'fwd_cnt', 'rx_bytes', 'tx_cnt', 'buf_used', 'bytes_unsent', 'credit'],
);
const LOCK = new RegExp(String.raw`\b(${LOCK_TAKE}|${SOCKET_LOCK_TAKE})\s*\(|\b(${LOCK_DROP}|${SOCKET_LOCK_DROP})\s*\(`);

/** Is a lock seen taken, and not yet dropped, before `line` in its function on the same side? */
function lockHeldBefore(hunks: AnnotatedHunk[], line: AnnotatedLine): boolean {
  let held = 0;
  for (const h of hunks) for (const l of h.lines) {
    if (l === line) return held > 0;
    if (l.function !== line.function || l.kind === (line.kind === '+' ? '-' : '+')) continue;
    const m = LOCK.exec(l.code);
    if (m) held = m[1] ? held + 1 : Math.max(0, held - 1);
  }
  return held > 0;
}

/** Functions that set up a socket no other path can reach yet. */
const SETUP = /(?:^|_)(?:init|create|alloc|new)(?:_|$)/;

export const socketCreditFacts: FileFactProducer = detector({ files: isVsockCode, needs: [CREDIT_FIELD] }, (file, all) => {
  const hunks = bounded(all);
  const out: Fact[] = [];
  const symbols = (l: AnnotatedLine) => [...matchesIn(l.code, CREDIT_FIELD)].map((m) => (m[1] ?? m[2] ?? m[3])!).filter((s) => !/^(?:if|while)$/.test(s));
  for (const s of collect(realChanges(hunks), symbols).values()) {
    // A counter changed in a function that defines the credit call is that call's body; one set
    // while a socket is created is not yet shared.
    if (!s.line.function || s.line.function === s.symbol || SETUP.test(s.line.function) || lockHeldBefore(hunks, s.line)) continue;
    const call = /credit/.test(s.symbol);
    const verb = call ? how(s, 'adds a call to', 'drops the call to', 'moves or rewrites the call to') : how(s, 'adds an update of', 'drops the update of', 'rewrites the update of');
    out.push(lineFact('socket-credit-changed', s.symbol, file, s.line, {
      detail: `this patch ${verb} ${s.symbol}${call ? '()' : ''} in ${inFn(s.line)} (${file.path}) with no lock seen held before it in the hunk (not verified against the tree): the credit both peers compute can drift, or a credit update is sent or skipped on a stale value`,
    }));
  }
  return out;
});

// --- transport binding ------------------------------------------------------------------------

const TRANSPORT = gated(
  /(?:->|\.)\s*(transport)\s*=(?!=)|\b(?:rcu_assign_pointer|RCU_INIT_POINTER|WRITE_ONCE)\s*\(\s*(the_\w+)|^\s*(the_\w+)\s*=(?!=)|\b(\w*(?:assign|deassign|register|unregister|release|destruct)_transport\w*|\w*transport_(?:register|unregister|release|destruct)\w*|vsock_core_(?:register|unregister)\w*|try_module_get|module_put)\s*\(/g,
  ['transport', 'the_', 'module_get', 'module_put', 'vsock_core_'],
);

export const socketTransportFacts: FileFactProducer = detector({ files: isVsockCode, needs: [TRANSPORT] }, (file, hunks) => {
  const out: Fact[] = [];
  const symbols = (l: AnnotatedLine) => [...matchesIn(l.code, TRANSPORT)].map((m) => (m[1] ? `${m[1]} pointer` : (m[2] ?? m[3] ?? m[4])!));
  for (const s of collect(realChanges(bounded(hunks)), symbols).values()) {
    if (!s.line.function || s.line.function === s.symbol) continue;
    const verb = how(s, 'adds', 'removes', 'moves or rewrites');
    const sym = /pointer$/.test(s.symbol) || /^the_/.test(s.symbol) ? `the assignment of ${s.symbol.replace(/ pointer$/, '')}` : `the call ${s.symbol}()`;
    out.push(lineFact('socket-transport-changed', s.symbol.replace(/ pointer$/, ''), file, s.line, {
      detail: `this patch ${verb} ${sym} in ${inFn(s.line)} (${file.path}): a packet or socket call in flight may still use the transport being switched or released`,
    }));
  }
  return out;
});

// --- packet ownership -------------------------------------------------------------------------

/** Calls that end a packet's life, or hand it to a queue or another owner. */
const PACKET_OWNER = gated(
  /\b(kfree_skb\w*|consume_skb|dev_kfree_skb\w*|dev_consume_skb\w*|\w*free_pkt|__skb_queue_\w+|skb_queue_(?:tail|head|purge)|skb_unlink|__skb_unlink|skb_dequeue\w*|__skb_dequeue\w*|netif_rx\w*|napi_gro_receive|ptr_ring_produce\w*|skb_array_produce\w*|sock_queue_rcv_skb\w*)\s*\(/g,
  ['skb', 'pkt', 'netif_rx', 'ptr_ring_produce', 'napi_gro_receive'],
);

export const packetOwnershipFacts: FileFactProducer = detector({ files: (p) => isCLike(p) && SOCKET_FILES.test(p), needs: [PACKET_OWNER] }, (file, hunks) => {
  const out: Fact[] = [];
  const symbols = (l: AnnotatedLine) => [...matchesIn(l.code, PACKET_OWNER)].map((m) => m[1]!);
  for (const s of collect(realChanges(bounded(hunks)), symbols).values()) {
    if (!s.line.function || s.line.function === s.symbol) continue;
    const verb = how(s, 'adds a call to', 'drops the call to', 'rewrites the call to');
    out.push(lineFact('packet-ownership-changed', s.symbol, file, s.line, {
      detail: `this patch ${verb} ${s.symbol}() in ${inFn(s.line)} (${file.path}): on some path the packet may now be freed or queued twice, leaked, or used after another owner took it`,
    }));
  }
  return out;
});

// --- virtio-net header fields -----------------------------------------------------------------

const HDR_FIELD = gated(
  /(?:->|\.)\s*(gso_type|gso_size|csum_start|csum_offset|hdr_len|num_buffers|hash_value|hash_report)\b|\b(VIRTIO_NET_HDR_(?:F|GSO)_\w+|vnet_hdr_sz|vnet_hdr_len|vnet_hdr_size|sock_hlen|vhost_hlen)\b/g,
  ['gso_', 'csum_', 'hdr_len', 'num_buffers', 'hash_', 'VIRTIO_NET_HDR_', 'vnet_hdr_', 'hlen'],
);
/** The object a member is read from: a header, not the skb's own shinfo. */
const HEADER_OBJECT = /(?:hdr|gso)\w*\s*(?:\)\s*)?$/i;

function headerFields(l: AnnotatedLine): string[] {
  const out: string[] = [];
  for (const m of matchesIn(l.code, HDR_FIELD)) {
    if (m[2]) {
      out.push(m[2]);
      continue;
    }
    const before = l.code.slice(Math.max(0, m.index! - 40), m.index!);
    if (HEADER_OBJECT.test(before)) out.push(m[1]!);
  }
  return out;
}

export const vnetHeaderFacts: FileFactProducer = detector({ files: (p) => isCLike(p) && VNET_FILES.test(p), needs: [HDR_FIELD] }, (file, hunks) => {
  const out: Fact[] = [];
  for (const s of collect(realChanges(bounded(hunks)), headerFields).values()) {
    if (!s.line.function) continue;
    const verb = how(s, 'newly handles', 'no longer handles', 'changes how it handles');
    out.push(lineFact('vnet-header-field-changed', s.symbol, file, s.line, {
      detail: `this patch ${verb} the virtio-net header's ${s.symbol} in ${inFn(s.line)} (${file.path}): the header is exchanged with vhost-net, QEMU and other tap users, and an old peer may send or expect the previous value`,
    }));
  }
  return out;
});
