// Untrusted values across a function's hunks, guest-memory reads, and loop bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from './uapi/helpers.js';
import type { Fact } from '../../src/model/facts.js';

const unchecked = (facts: Fact[]) => facts.filter((f) => f.kind === 'untrusted-value-unchecked').map((f) => [f.symbol, f.detail]);

test('a value copied from userspace in one hunk and used as an index in a later hunk of the same function', () => {
  const section = 'static long vhost_vdpa_vring_ioctl(struct vhost_vdpa *v, unsigned int cmd, void __user *argp)';
  const facts = factsOf(
    fileDiff(
      'drivers/vhost/vdpa.c',
      { at: 500, section, body: `\n \tstruct vhost_vring_state s;\n+\tif (copy_from_user(&s, argp, sizeof(s)))\n+\t\treturn -EFAULT;\n \tops = vdpa->config;` },
      { at: 560, section, body: `\n \tswitch (cmd) {\n+\tcase VHOST_VDPA_SET_VRING_ENABLE:\n+\t\tops->set_vq_ready(vdpa, s.index, s.num);\n+\t\tvq = &v->vqs[s.index];\n \t\tbreak;` },
    ),
  );
  assert.deepEqual(unchecked(facts).map(([s]) => s), ['s']);
  assert.match(String(unchecked(facts)[0]![1]), /vhost_vdpa_vring_ioctl\(\) uses s \(from copy_from_user\(\)\) as an array index/);
  // A bound in the first hunk covers the use in the second.
  const bounded = factsOf(
    fileDiff(
      'drivers/vhost/vdpa.c',
      { at: 500, section, body: `\n \tstruct vhost_vring_state s;\n+\tif (copy_from_user(&s, argp, sizeof(s)))\n+\t\treturn -EFAULT;\n+\tif (s.index >= v->nvqs)\n+\t\treturn -EINVAL;\n \tops = vdpa->config;` },
      { at: 560, section, body: `\n \tswitch (cmd) {\n+\t\tvq = &v->vqs[s.index];\n \t\tbreak;` },
    ),
  );
  assert.deepEqual(unchecked(bounded), []);
});

test('a count read from guest memory bounds a loop with nothing bounding it; a loop bound is no check', () => {
  const facts = factsOf(
    fileDiff('drivers/vhost/net.c', {
      at: 700,
      section: 'static int vhost_net_rx_peek(struct vhost_virtqueue *vq)',
      body: `
 \tu16 n;
+\tif (vhost_get_avail_idx(vq, &n))
+\t\treturn -EFAULT;
+\tfor (i = 0; i < n; i++)
+\t\theads[i] = 0;`,
    }),
  );
  assert.deepEqual(unchecked(facts).map(([s]) => s), ['n']);
  assert.match(String(unchecked(facts)[0]![1]), /from vhost_get_avail_idx\(\)\) as a loop bound/);
});
