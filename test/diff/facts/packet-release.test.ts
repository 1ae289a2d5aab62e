// packet-used-after-release on hunks shaped like vhost-vsock and AF_VSOCK patches: a packet read
// after the call that frees or queues it, and a free inside a plain list walk, are facts; the
// read moved before the free, an error path that returns, and the _safe walk are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';

/** A hunk of vhost-vsock's send loop, where the weight-limit patch added up packet lengths. */
const sendLoop = (body: string) => fileDiff('drivers/vhost/vsock.c', { at: 180, section: 'vhost_transport_do_send_pkt(struct vhost_vsock *vsock,', body });
const released = (facts: Fact[]) => facts.filter((f) => f.kind === 'packet-used-after-release').map((f) => [f.function, f.symbol]);

test('a length added up from a packet after the call that freed it is a fact', () => {
  const facts = factsOf([
    sendLoop(`
 \t\tvirtio_transport_deliver_tap_pkt(pkt);
 
 \t\tvirtio_transport_free_pkt(pkt);
-\t}
+\t\ttotal_len += pkt->len;
+\t} while (likely(!vhost_exceeds_weight(vq, ++pkts, total_len)));`),
  ]);
  assert.deepEqual(released(facts), [['vhost_transport_do_send_pkt', 'virtio_transport_free_pkt']]);
  const f = facts.find((x) => x.kind === 'packet-used-after-release')!;
  assert.match(f.detail!, /^this patch adds a read of pkt->len after virtio_transport_free_pkt\(pkt\) in vhost_transport_do_send_pkt\(\)/);
  assert.match(f.detail!, /virtio_transport_free_pkt\(\) frees pkt/);
});

test('the read done before the free, a free on an error path that returns, a free in one branch, or sizeof() is no fact', () => {
  const facts = factsOf([
    sendLoop(`
 \t\tvirtio_transport_deliver_tap_pkt(pkt);
+\t\ttotal_len += pkt->len;
 \t\tvirtio_transport_free_pkt(pkt);
 \t}`),
    fileDiff('net/vmw_vsock/virtio_transport_common.c', {
      at: 400,
      section: 'static int virtio_transport_send_pkt_info(struct vsock_sock *vsk,',
      body: `
 \tif (err < 0) {
+\t\tkfree_skb(skb);
+\t\treturn err;
+\t}
+\tskb->len = len;`,
    }),
    fileDiff('drivers/vhost/vsock.c', {
      at: 400,
      section: 'static void vhost_vsock_handle_tx_kick(struct vhost_work *work)',
      body: `
 \t\tif (le64_to_cpu(pkt->hdr.src_cid) == vsock->guest_cid)
 \t\t\tvirtio_transport_recv_pkt(pkt);
 \t\telse
 \t\t\tvirtio_transport_free_pkt(pkt);
 
-\t\tvhost_add_used(vq, head, sizeof(pkt->hdr) + len);
+\t\tlen += sizeof(pkt->hdr);
+\t\tvhost_add_used(vq, head, len);`,
    }),
  ]);
  assert.deepEqual(released(facts), []);
});

test('a packet read after it was queued to another owner is a fact; a reassigned pointer is not', () => {
  const facts = factsOf([
    fileDiff('net/vmw_vsock/vsock_loopback.c', {
      at: 60,
      section: 'static int vsock_loopback_send_pkt(struct sk_buff *skb)',
      body: `
 \tskb_queue_tail(&vsock->pkt_queue, skb);
+\tlen = skb->len;
 \tqueue_work(vsock->workqueue, &vsock->pkt_work);`,
    }),
    fileDiff('net/vmw_vsock/virtio_transport_common.c', {
      at: 1400,
      section: 'void virtio_transport_recv_pkt(struct virtio_transport *t,',
      body: `
 \t\tkfree_skb(skb);
+\t\tvirtio_transport_reset_no_sock(t, virtio_vsock_hdr(skb));`,
    }),
    fileDiff('drivers/net/tun.c', {
      at: 900,
      section: 'static void tun_flush(struct tun_struct *tun)',
      body: `
 \tkfree_skb(skb);
+\tskb = skb_peek(&queue);
+\tif (skb->len)`,
    }),
  ]);
  assert.deepEqual(released(facts), [
    ['vsock_loopback_send_pkt', 'skb_queue_tail'],
    ['virtio_transport_recv_pkt', 'kfree_skb'],
  ]);
});

test('a free inside a plain list walk is a fact; the _safe walk, or a free followed by break, is not', () => {
  const facts = factsOf([
    fileDiff('net/vmw_vsock/virtio_transport_common.c', {
      at: 800,
      section: 'void virtio_transport_release(struct vsock_sock *vsk)',
      body: `
 \tif (remove_sock)
 \t\tvsock_remove_sock(vsk);
+
+\tlist_for_each_entry(pkt, &vvs->rx_queue, list) {
+\t\tlist_del(&pkt->list);
+\t\tvirtio_transport_free_pkt(pkt);
+\t}`,
    }),
    fileDiff('net/vmw_vsock/virtio_transport_common.c', {
      at: 900,
      section: 'static void virtio_transport_purge(struct virtio_vsock_sock *vvs)',
      body: `
+\tlist_for_each_entry_safe(pkt, n, &vvs->rx_queue, list) {
+\t\tlist_del(&pkt->list);
+\t\tvirtio_transport_free_pkt(pkt);
+\t}
+\tlist_for_each_entry(pkt, &vvs->tx_queue, list) {
+\t\tif (pkt->id != id)
+\t\t\tcontinue;
+\t\tvirtio_transport_free_pkt(pkt);
+\t\tbreak;
+\t}`,
    }),
  ]);
  assert.deepEqual(released(facts), [['virtio_transport_release', 'virtio_transport_free_pkt']]);
  assert.match(facts.find((x) => x.kind === 'packet-used-after-release')!.detail!, /inside list_for_each_entry\(\)/);
});
