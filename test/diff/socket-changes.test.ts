// The socket detectors (socket-changes.ts) on hunk shapes taken from AF_VSOCK and tun/vhost-net
// patches: each kind of change gives its fact, and a moved line or an unrelated field gives none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from './uapi/helpers.js';
import type { Fact } from '../../src/model/facts.js';

const of = (facts: Fact[], kind: string) => facts.filter((f) => f.kind === kind).map((f) => [f.function, f.symbol]);

/** A hunk of vsock_connect(), a socket call, with the lines given. */
const inConnect = (body: string) =>
  factsOf(fileDiff('net/vmw_vsock/af_vsock.c', { at: 1300, section: 'static int vsock_connect(struct socket *sock, struct sockaddr *addr,', body }));

test('a socket call that adds a state write or a new errno gives socket-state-changed; a moved line does not', () => {
  const facts = inConnect(`
 \tcase SS_CONNECTING:
-\t\terr = -EALREADY;
+\t\terr = -EINPROGRESS;
+\t\tsk->sk_state = TCP_CLOSE;
 \t\tbreak;
-\ttimeout = vsk->connect_timeout;
 \tprepare_to_wait(sk_sleep(sk), &wait, TASK_INTERRUPTIBLE);
+\ttimeout = vsk->connect_timeout;`);
  assert.deepEqual(of(facts, 'socket-state-changed').sort(), [
    ['vsock_connect', 'EALREADY'],
    ['vsock_connect', 'EINPROGRESS'],
    ['vsock_connect', 'sk_state'],
  ]);
  const f = facts.find((x) => x.kind === 'socket-state-changed' && x.symbol === 'sk_state')!;
  assert.match(f.detail!, /^this patch adds a write of sk_state to vsock_connect\(\)/);
});

test('an errno in a helper no socket call names, or a wait outside one, is no socket-state fact', () => {
  const facts = factsOf(
    fileDiff('drivers/vhost/vsock.c', {
      at: 700,
      section: 'static int vhost_vsock_set_cid(struct vhost_vsock *vsock, u64 guest_cid)',
      body: `
 \tif (guest_cid > U32_MAX)
-\t\treturn -EINVAL;
+\t\treturn -EOPNOTSUPP;
+\tif (file->f_flags & O_NONBLOCK)`,
    }),
  );
  assert.deepEqual(of(facts, 'socket-state-changed'), []);
});

test('a credit counter updated with no lock in sight is a fact; under a lock taken in the hunk it is not', () => {
  const bare = factsOf(
    fileDiff('net/vmw_vsock/virtio_transport_common.c', {
      at: 260,
      section: 'static void virtio_transport_dec_rx_pkt(struct virtio_vsock_sock *vvs,',
      body: `
 \tvvs->rx_bytes -= pkt->len;
-\tvvs->fwd_cnt += pkt->len;
+\tvvs->fwd_cnt += len;`,
    }),
  );
  assert.deepEqual(of(bare, 'socket-credit-changed'), [['virtio_transport_dec_rx_pkt', 'fwd_cnt']]);
  const locked = factsOf(
    fileDiff('net/vmw_vsock/virtio_transport_common.c', {
      at: 400,
      section: 'virtio_transport_stream_do_dequeue(struct vsock_sock *vsk,',
      body: `
 \tspin_lock_bh(&vvs->rx_lock);
 \twhile (total < len && !list_empty(&vvs->rx_queue)) {
+\t\tvvs->rx_bytes -= bytes;`,
    }),
  );
  assert.deepEqual(of(locked, 'socket-credit-changed'), []);
  const init = factsOf(
    fileDiff('net/vmw_vsock/virtio_transport_common.c', {
      at: 500,
      section: 'int virtio_transport_do_socket_init(struct vsock_sock *vsk,',
      body: `
-\tvvs->buf_alloc = vsk->buffer_size;
+\tvvs->buf_alloc = VIRTIO_VSOCK_DEFAULT_BUF_SIZE;`,
    }),
  );
  assert.deepEqual(of(init, 'socket-credit-changed'), []);
});

test('a transport pointer or global instance set or released is socket-transport-changed; an accessor call is not', () => {
  const facts = factsOf(
    fileDiff('net/vmw_vsock/virtio_transport.c', {
      at: 600,
      section: 'static void virtio_vsock_remove(struct virtio_device *vdev)',
      body: `
 \tmutex_lock(&the_virtio_vsock_mutex);
-\tthe_virtio_vsock = NULL;
+\trcu_assign_pointer(the_virtio_vsock, NULL);
+\tsynchronize_rcu();
 \tops = virtio_transport_get_ops(vsk);`,
    }),
  );
  assert.deepEqual(of(facts, 'socket-transport-changed'), [['virtio_vsock_remove', 'the_virtio_vsock']]);
  const assign = factsOf(
    fileDiff('net/vmw_vsock/af_vsock.c', {
      at: 420,
      section: 'int vsock_assign_transport(struct vsock_sock *vsk, struct vsock_sock *psk)',
      body: `
-\tif (!new_transport)
+\tif (!new_transport || !try_module_get(new_transport->module))
 \t\treturn -ENODEV;
+\tvsk->transport = new_transport;`,
    }),
  );
  assert.deepEqual(of(assign, 'socket-transport-changed').sort(), [
    ['vsock_assign_transport', 'transport'],
    ['vsock_assign_transport', 'try_module_get'],
  ]);
});

test('a packet free or queue call added or dropped is packet-ownership-changed; the same call moved is not', () => {
  const facts = factsOf(
    fileDiff('net/vmw_vsock/virtio_transport_common.c', {
      at: 800,
      section: 'void virtio_transport_release(struct vsock_sock *vsk)',
      body: `
+\tlist_for_each_entry_safe(pkt, tmp, &vvs->rx_queue, list) {
+\t\tlist_del(&pkt->list);
+\t\tvirtio_transport_free_pkt(pkt);
+\t}
-\tskb_queue_tail(&vvs->rx_queue, skb);
 \tspin_unlock_bh(&vvs->rx_lock);
+\tskb_queue_tail(&vvs->rx_queue, skb);`,
    }),
  );
  assert.deepEqual(of(facts, 'packet-ownership-changed'), [['virtio_transport_release', 'virtio_transport_free_pkt']]);
});

test('a virtio-net header field read from the header is a fact; the skb shinfo of the same name is not', () => {
  const facts = factsOf(
    fileDiff('drivers/net/tun.c', {
      at: 1700,
      section: 'static ssize_t tun_get_user(struct tun_struct *tun, struct tun_file *tfile,',
      body: `
-\t\tif (tun16_to_cpu(tun, gso.hdr_len) > iov_iter_count(from))
+\t\tif (tun16_to_cpu(tun, gso.hdr_len) > len)
 \t\t\treturn -EINVAL;
+\tskb_shinfo(skb)->gso_size = 0;`,
    }),
  );
  assert.deepEqual(of(facts, 'vnet-header-field-changed'), [['tun_get_user', 'hdr_len']]);
});

test('the virtio-net header helpers in virtio_net.h and tun_vnet.h are read too, not only tun, tap and vhost-net', () => {
  for (const path of ['include/linux/virtio_net.h', 'drivers/net/tun_vnet.h']) {
    const facts = factsOf(
      fileDiff(path, {
        at: 100,
        section: 'static inline int virtio_net_hdr_to_skb(struct sk_buff *skb,',
        body: `
-\tif (hdr->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
+\tif (hdr->gso_type != VIRTIO_NET_HDR_GSO_NONE && hdr->gso_size) {
 \t\tunsigned short gso_type = 0;`,
      }),
    );
    assert.ok(of(facts, 'vnet-header-field-changed').some(([, symbol]) => symbol === 'gso_size'), path);
  }
});

test('an errno stored in any of the shared result names (result-names.ts) is the errno a socket call gives back', () => {
  const facts = inConnect(`
 \tcase SS_CONNECTING:
-\t\tr = -EALREADY;
+\t\trc = -EINPROGRESS;
 \t\tbreak;
+\tlen = -ENOTCONN;`);
  // "len" is not a result name: a negative length is not an errno given back.
  assert.deepEqual(of(facts, 'socket-state-changed').sort(), [
    ['vsock_connect', 'EALREADY'],
    ['vsock_connect', 'EINPROGRESS'],
  ]);
});
