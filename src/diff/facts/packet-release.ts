// packet-used-after-release: in the socket code (AF_VSOCK, vhost-vsock, tun/tap, vhost-net), a
// packet read after the call that frees it or hands it to another owner, on the new side of the
// patch: `virtio_transport_free_pkt(pkt); total_len += pkt->len;`, or `kfree_skb(skb)` inside a
// list walk that is not the _safe variant, whose next step reads the entry just freed. One of
// the two lines must be the patch's own. Reviewers ask for exactly this reorder (lore:
// 20190516093352.GQ29507@stefanha-x1.localdomain) and for the _safe walk when freeing
// (20190517144543.362935-1-sgarzare@redhat.com, v3 changelog).
import type { Fact } from '../../model/facts.js';
import { isCLike, type AnnotatedLine } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';
import { detector, gated, execIn } from './literal-gate.js';
import { SOCKET_FILES } from './socket-semantics.js';
import { entryOf } from '../map-entry.js';

/** A call that ends a packet's life: the packet is its first argument. */
const FREES = gated(/\b(kfree_skb\w*|consume_skb|dev_kfree_skb\w*|dev_consume_skb\w*|\w*free_pkt|kfree)\s*\(\s*(\w+)\s*[,)]/, ['skb', 'pkt', 'kfree']);
/**
 * A call that hands a packet to a queue or another owner: the packet is its last argument. Only
 * the calls that take and drop the queue's lock themselves: after __skb_queue_tail() the caller
 * still holds the lock and may read the packet.
 */
const HANDS_OFF = gated(/\b(skb_queue_(?:tail|head)|virtio_vsock_skb_queue_(?:tail|head)|sock_queue_rcv_skb\w*|ptr_ring_produce\w*|skb_array_produce\w*)\s*\([^;,()]*,\s*(\w+)\s*\)|\b(netif_rx\w*)\s*\(\s*(\w+)\s*\)/, ['skb', 'ptr_ring_produce', 'netif_rx']);
/** A list walk that reads the cursor's link after the body ran. */
const WALK = gated(/\b(list_for_each_entry(?:_continue|_reverse|_from)?)\s*\(\s*(\w+)\s*,/, ['list_for_each_entry']);
/** The line leaves the block (the path ends there). */
const LEAVES = /\b(return|goto|break|continue)\b/;
/** The free is itself conditional on this line: another path keeps the packet. */
const GUARDED = /^\s*(?:\}\s*)?(?:if|else|while|for)\b|\?/;
/** A line whose single statement is the next line (`if (c)`, `else`): that next line is conditional. */
const controlsNext = (code: string) => /^\s*(?:\}\s*)?(?:if|else|while|for)\b/.test(code) && !/[{;]\s*$/.test(code);
/** sizeof(pkt->hdr) reads no memory. */
const SIZEOF = /\bsizeof\s*\([^()]*\)/g;

interface Release {
  call: string;
  object: string;
  how: 'frees' | 'hands off';
}

function releaseOn(l: AnnotatedLine): Release | null {
  if (GUARDED.test(l.code)) return null;
  const f = execIn(l.code, FREES);
  if (f) return { call: f[1]!, object: f[2]!, how: 'frees' };
  const h = execIn(l.code, HANDS_OFF);
  if (h) return { call: (h[1] ?? h[3])!, object: (h[2] ?? h[4])!, how: 'hands off' };
  return null;
}

const depthChange = (code: string) => {
  let d = 0;
  for (const c of code) d += c === '{' ? 1 : c === '}' ? -1 : 0;
  return d;
};

const readPattern = new Map<string, RegExp>();
/** `pkt->len`, or the packet passed on to a helper that reads it (skb_put(skb, ..), virtio_vsock_hdr(skb)). */
function readsOf(object: string): RegExp {
  return entryOf(readPattern, object, () => new RegExp(String.raw`\b${object}\s*->\s*(\w+)|\b((?:skb|virtio_vsock_skb|vsock)_\w+|virtio_vsock_hdr)\s*\(\s*${object}\s*[,)]`));
}
const assigns = (object: string, code: string) => new RegExp(String.raw`(?:^|[^\w>.])${object}\s*=(?!=)`).test(code);

/**
 * How far on from a release or a walk the detector looks: the slips reviewers catch sit a few
 * lines apart, and a cap keeps a hunk of thousands of frees linear.
 */
const REACH = 60;

/** The first read of `r.object` after `lines[i]` on the path that runs on from it, if any. */
function readAfter(lines: AnnotatedLine[], i: number, r: Release): { line: AnnotatedLine; what: string } | null {
  const fn = lines[i]!.function;
  const reads = readsOf(r.object);
  let depth = 0;
  for (let j = i + 1; j < lines.length && j <= i + REACH; j++) {
    const l = lines[j]!;
    if (l.function !== fn) return null;
    // A later line of a packet's own "free" is the release of another packet, not a read.
    const m = reads.exec(l.code.includes('sizeof') ? l.code.replace(SIZEOF, '') : l.code);
    if (m && !FREES.re.test(l.code)) return { line: l, what: m[1] ? `${r.object}->${m[1]}` : `${m[2]}(${r.object})` };
    depth += depthChange(l.code);
    if (depth < 0 || (depth === 0 && LEAVES.test(l.code)) || assigns(r.object, l.code)) return null;
  }
  return null;
}

/** For a non-_safe walk on `lines[i]`: the free of its cursor in the body, with no exit after it. */
function freedInWalk(lines: AnnotatedLine[], i: number, cursor: string): { line: AnnotatedLine; call: string } | null {
  const fn = lines[i]!.function;
  const braced = lines[i]!.code.includes('{');
  let depth = 0;
  let freed: { line: AnnotatedLine; call: string } | null = null;
  for (let j = i + 1; j < lines.length && j <= i + REACH; j++) {
    const l = lines[j]!;
    if (l.function !== fn) return null;
    const f = execIn(l.code, FREES);
    if (f && f[2] === cursor && !GUARDED.test(l.code)) freed = { line: l, call: f[1]! };
    else if (freed && LEAVES.test(l.code)) return null;
    if (!braced) return freed;
    depth += depthChange(l.code);
    if (depth < 0) return freed;
  }
  return null;
}

export const packetReleaseFacts: FileFactProducer = detector(
  { files: (p) => isCLike(p) && SOCKET_FILES.test(p), needs: [FREES, HANDS_OFF] },
  (file, hunks) => {
    const out: Fact[] = [];
    const seen = new Set<string>();
    for (const h of bounded(hunks)) {
      const lines = h.lines.filter((l) => l.kind !== '-');
      lines.forEach((l, i) => {
        if (!l.function) return;
        const r = i > 0 && controlsNext(lines[i - 1]!.code) ? null : releaseOn(l);
        if (r && !seen.has(`${l.function}\u0000${r.object}`)) {
          const read = readAfter(lines, i, r);
          if (read && (l.kind === '+' || read.line.kind === '+')) {
            seen.add(`${l.function}\u0000${r.object}`);
            const what = l.kind === '+' ? `adds ${r.call}(${r.object}) before a read of ${read.what}` : `adds a read of ${read.what} after ${r.call}(${r.object})`;
            out.push(lineFact('packet-used-after-release', r.call, file, read.line, {
              detail: `this patch ${what} in ${l.function}() (${file.path}): ${r.call}() ${r.how} ${r.object}, so the read touches a packet this code no longer owns (a use after free, or a race with the queue's consumer)`,
            }));
          }
        }
        const walk = execIn(l.code, WALK);
        if (!walk || seen.has(`${l.function}\u0000${walk[2]}`)) return;
        const freed = freedInWalk(lines, i, walk[2]!);
        if (freed && (l.kind === '+' || freed.line.kind === '+')) {
          seen.add(`${l.function}\u0000${walk[2]}`);
          out.push(lineFact('packet-used-after-release', freed.call, file, freed.line, {
            detail: `this patch frees ${walk[2]} with ${freed.call}() inside ${walk[1]}() in ${l.function}() (${file.path}): the walk reads ${walk[2]}'s list link after the body to find the next entry, so it steps through freed memory; the _safe walk keeps the next entry first`,
          }));
        }
      });
    }
    return out;
  },
);
