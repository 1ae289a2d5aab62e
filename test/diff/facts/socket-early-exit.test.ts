// socket-state-skipped on hunks shaped like AF_VSOCK release and connect changes: an early
// successful return before the state write is a fact; an error return, or a return after the
// write, is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';

const skipped = (facts: Fact[]) => facts.filter((f) => f.kind === 'socket-state-skipped').map((f) => [f.function, f.symbol]);

test('an early return 0 added to release before it marks the socket free is a fact', () => {
  const facts = factsOf(
    fileDiff('net/vmw_vsock/af_vsock.c', {
      at: 950,
      section: 'static int vsock_release(struct socket *sock)',
      body: `
-\t__vsock_release(sock->sk, 0);
+\tstruct sock *sk = sock->sk;
+
+\tif (!sk)
+\t\treturn 0;
+
+\tsk->sk_prot->close(sk, 0);
 \tsock->sk = NULL;
 \tsock->state = SS_FREE;`,
    }),
  );
  assert.deepEqual(skipped(facts), [['vsock_release', 'state']]);
  assert.match(facts.find((f) => f.kind === 'socket-state-skipped')!.detail!, /^this patch adds an early successful return to vsock_release\(\) .* skips the write of state/);
});

test('an error return before the state write, or a success return after it, is no fact', () => {
  const facts = factsOf(
    fileDiff('net/vmw_vsock/af_vsock.c', {
      at: 1200,
      section: 'static int vsock_dgram_connect(struct socket *sock,',
      body: `
 \terr = vsock_auto_bind(vsk);
 \tif (err)
 \t\tgoto out;
+\tif (!vsock_addr_cast_ok(remote_addr))
+\t\treturn -EINVAL;
 \tsock->state = SS_CONNECTED;
+\treturn 0;`,
    }),
  );
  assert.deepEqual(skipped(facts), []);
});
