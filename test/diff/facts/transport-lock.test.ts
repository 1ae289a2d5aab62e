// transport-read-unlocked on hunks shaped like AF_VSOCK socket calls: the transport read before
// lock_sock() is a fact when the patch adds the read or the lock; a read under the lock, a
// function entered with the lock held, and an assignment of the transport are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';

const unlocked = (facts: Fact[]) => facts.filter((f) => f.kind === 'transport-read-unlocked').map((f) => f.function);

test('a transport call added before lock_sock() is a fact, and so is a lock moved after the read', () => {
  const facts = factsOf([
    fileDiff('net/vmw_vsock/af_vsock.c', {
      at: 2100,
      section: 'static int vsock_connectible_recvmsg(struct socket *sock, struct msghdr *msg,',
      body: `
 \tsk = sock->sk;
 \tvsk = vsock_sk(sk);
+\tif (flags & MSG_ZEROCOPY) {
+\t\tif (!vsk->transport->rx_zerocopy_get)
+\t\t\treturn -EOPNOTSUPP;
+\t}
 \tlock_sock(sk);`,
    }),
    fileDiff('net/vmw_vsock/af_vsock.c', {
      at: 1000,
      section: 'static __poll_t vsock_poll(struct file *file, struct socket *sock,',
      body: `
-\tlock_sock(sk);
 \ttransport = vsk->transport;
+\tlock_sock(sk);
 \tif (transport && transport->stream_is_active(vsk))`,
    }),
  ]);
  assert.deepEqual(unlocked(facts).sort(), ['vsock_connectible_recvmsg', 'vsock_poll']);
  const f = facts.find((x) => x.function === 'vsock_poll' && x.kind === 'transport-read-unlocked')!;
  assert.match(f.detail!, /^this patch takes lock_sock\(sk\) only after a read of the socket's transport in vsock_poll\(\)/);
});

test('a read under the lock, in a function the caller locks, or an assignment of the transport is no fact', () => {
  const facts = factsOf([
    fileDiff('net/vmw_vsock/af_vsock.c', {
      at: 2100,
      section: 'static int vsock_connectible_recvmsg(struct socket *sock, struct msghdr *msg,',
      body: `
 \tlock_sock(sk);
+\tif (!vsk->transport)
+\t\tgoto out;`,
    }),
    fileDiff('net/vmw_vsock/af_vsock.c', {
      at: 500,
      section: 'static int vsock_assign_transport(struct vsock_sock *vsk, struct vsock_sock *psk)',
      body: `
+\tvsk->transport = new_transport;
 \trelease_sock(sk);
 \tvsk->transport->release(vsk);
 \tlock_sock(sk);`,
    }),
  ]);
  assert.deepEqual(unlocked(facts), []);
});
