// Values the device hands the driver: the used length, and ring or header fields read in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';

const unchecked = (facts: Fact[]) => facts.filter((f) => f.kind === 'untrusted-value-unchecked').map((f) => [f.symbol, f.detail]);
const copyLengths = (facts: Fact[]) => facts.filter((f) => f.kind === 'user-copy-length').map((f) => f.symbol);

test('the used length from virtqueue_get_buf sizes an skb with nothing bounding it; compared first, it does not', () => {
  const section = 'static void vsock_rx_done(struct virtqueue *vq)';
  const body = (check: string) => `
 \tstruct sk_buff *skb;
 \tunsigned int len;
+\tskb = virtqueue_get_buf(vsock->vqs[VSOCK_VQ_RX], &len);
+\tif (!skb)
+\t\treturn;
${check}+\tskb_put(skb, len);
 \tvirtio_transport_recv_pkt(skb);`;
  const facts = factsOf(fileDiff('net/vmw_vsock/virtio_transport.c', { at: 600, section, body: body('') }));
  assert.deepEqual(unchecked(facts).map(([s]) => s), ['len']);
  assert.match(String(unchecked(facts)[0]![1]), /vsock_rx_done\(\) uses len \(from the device's used length, virtqueue_get_buf\(\)\) as a size for skb_put\(\)/);
  const bounded = factsOf(fileDiff('net/vmw_vsock/virtio_transport.c', { at: 600, section, body: body('+\tif (len < sizeof(struct virtio_vsock_hdr))\n+\t\tgoto drop;\n') }));
  assert.deepEqual(unchecked(bounded), []);
});

test('a ring field converted in place and used as an index is a fact; one compared in the function, or only composed, is not', () => {
  const section = 'static void *detach_buf_packed(struct vring_virtqueue *vq, unsigned int id)';
  const indexed = factsOf(
    fileDiff('drivers/virtio/virtio_ring.c', {
      at: 1400,
      section,
      body: `
 \tstruct vring_desc_state_packed *state;
+\tstate = &vq->packed.desc_state[le16_to_cpu(vq->packed.vring.desc[last].id)];
 \treturn state->data;`,
    }),
  );
  assert.deepEqual(unchecked(indexed).map(([s]) => s), ['vq->packed.vring.desc[last].id']);
  assert.match(String(unchecked(indexed)[0]![1]), /as the device hands it over \(le16_to_cpu\(\)\) as an array index/);
  const compared = factsOf(
    fileDiff('drivers/virtio/virtio_ring.c', {
      at: 1400,
      section,
      body: `
 \tstruct vring_desc_state_packed *state;
+\tif (unlikely(le16_to_cpu(vq->packed.vring.desc[last].id) >= vq->packed.vring.num))
+\t\treturn NULL;
+\tstate = &vq->packed.desc_state[le16_to_cpu(vq->packed.vring.desc[last].id)];
 \treturn state->data;`,
    }),
  );
  assert.deepEqual(unchecked(compared), []);
  // Two halves of a register put together: a shift into place sizes nothing.
  const composed = factsOf(
    fileDiff('drivers/vdpa/ifcvf/ifcvf_base.c', {
      at: 200,
      section: 'u64 ifcvf_get_hw_features(struct ifcvf_hw *hw)',
      body: `
 \tu32 features_lo, features_hi;
+\tfeatures_hi = vp_ioread32(&cfg->device_feature);
+\tfeatures = ((u64)features_hi << 32) | features_lo;`,
    }),
  );
  assert.deepEqual(unchecked(composed), []);
});

test('a copy out of a length named minsz is no computed length; min() of two sizes is', () => {
  const section = 'static long vhost_vdpa_get_info(struct vhost_vdpa *v, void __user *argp)';
  const named = factsOf(fileDiff('drivers/vhost/vdpa.c', { at: 300, section, body: `\n \tminsz = offsetofend(struct vdpa_info, flags);\n+\tif (copy_to_user(argp, &info, minsz))\n+\t\treturn -EFAULT;` }));
  assert.deepEqual(copyLengths(named), []);
  const computed = factsOf(fileDiff('drivers/vhost/vdpa.c', { at: 300, section, body: `\n+\tif (copy_to_user(argp, &info, min(size, sizeof(info))))\n+\t\treturn -EFAULT;` }));
  assert.deepEqual(copyLengths(computed), ['min(size, sizeof(info))']);
});
