import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf, headersDir, only, patchOf, summary } from './helpers.js';
import { analyzeDiff } from '../../../src/diff/facts.js';
import { foldIntoSeries, newSeries, seriesFacts } from '../../../src/analyze/series.js';
import { isCatalogueLoaded } from '../../../src/diff/uapi/catalogue.js';

test('feature advertisement: features |= in the VHOST_GET_BACKEND_FEATURES handler, and the crosvm bit', () => {
  const facts = factsOf([
    fileDiff('drivers/vhost/vdpa.c', {
      at: 600,
      section: 'static long vhost_vdpa_unlocked_ioctl(struct file *filep,',
      body: `
 \tcase VHOST_GET_BACKEND_FEATURES:
 \t\tfeatures = VHOST_VDPA_BACKEND_FEATURES;
 \t\tif (vhost_vdpa_can_suspend(v))
 \t\t\tfeatures |= BIT_ULL(VHOST_BACKEND_F_SUSPEND);
+\t\tif (vhost_vdpa_can_resume(v))
+\t\t\tfeatures |= BIT_ULL(VHOST_BACKEND_F_RESUME);
 \t\tif (copy_to_user(featurep, &features, sizeof(features)))`,
    }),
    fileDiff('drivers/vhost/vsock.c', {
      at: 30,
      section: 'enum {',
      body: `
 \tVHOST_VSOCK_FEATURES = VHOST_FEATURES |
-\t\t\t       (1ULL << VIRTIO_F_VERSION_1)
+\t\t\t       (1ULL << VIRTIO_F_VERSION_1) |
+\t\t\t       (1ULL << VIRTIO_F_ACCESS_PLATFORM)
 };`,
    }),
  ]);
  const added = only(facts, 'mask-bit-added');
  assert.deepEqual(
    added.map((f) => [f.symbol, f.mask, f.compat!.class]),
    [
      ['VHOST_BACKEND_F_RESUME', 'features', 'compatible-if-negotiated'],
      ['VIRTIO_F_ACCESS_PLATFORM', 'VHOST_VSOCK_FEATURES', 'behaviour-change'],
    ],
  );
  assert.match(added[0]!.detail!, /in the VHOST_GET_BACKEND_FEATURES handler/);
  assert.match(added[1]!.compat!.reason, /passes the offered features straight through/);
  assert.deepEqual(only(facts, 'mask-bit-removed'), []);
});

test('feature advertisement in QEMU: a feature-bit array the hunk starts inside, virtio_clear_feature, DEFINE_PROP_BIT64', () => {
  const facts = factsOf([
    fileDiff('hw/net/vhost_net.c', {
      at: 40,
      section: 'static const int kernel_feature_bits[] = {',
      body: `
 \tVIRTIO_RING_F_EVENT_IDX,
 \tVIRTIO_NET_F_MRG_RXBUF,
+\tVIRTIO_F_RING_RESET,
 \tVHOST_INVALID_FEATURE_BIT
 };`,
    }),
    fileDiff('hw/net/virtio-net.c', {
      at: 700,
      section: 'static uint64_t virtio_net_get_features(VirtIODevice *vdev, uint64_t features,',
      body: `
 \tif (!peer_has_vnet_hdr(n)) {
+\t\tvirtio_clear_feature(&features, VIRTIO_NET_F_HOST_USO);
 \t}`,
    }),
    fileDiff('hw/block/virtio-blk.c', {
      at: 1500,
      section: 'static Property virtio_blk_properties[] = {',
      body: `
+\tDEFINE_PROP_BIT64("demo", VirtIOBlock, host_features, VIRTIO_BLK_F_DEMO, true),
 \tDEFINE_PROP_END_OF_LIST(),`,
    }),
  ]);
  // kernel_feature_bits[] lists the bits QEMU passes through to the vhost backend (issue 14):
  // a bit added there is not QEMU or a backend offering it.
  assert.deepEqual(summary(facts, 'mask-bit-added', 'mask-bit-removed', 'feature-passthrough-changed'), [
    ['feature-passthrough-changed', 'VIRTIO_F_RING_RESET', undefined],
    ['mask-bit-removed', 'VIRTIO_NET_F_HOST_USO', 'behaviour-change'],
    ['mask-bit-added', 'VIRTIO_BLK_F_DEMO', 'compatible-if-negotiated'],
  ]);
  assert.equal(only(facts, 'feature-passthrough-changed')[0]!.mask, 'kernel_feature_bits');
});

test('new error returns: an interruptible lock in VHOST_SET_OWNER, and the user-copy -EFAULT idiom', () => {
  const facts = factsOf(
    fileDiff('drivers/vhost/vhost.c', {
      at: 1800,
      section: 'long vhost_dev_ioctl(struct vhost_dev *d, unsigned int ioctl, void __user *argp)',
      body: `
 \tcase VHOST_SET_OWNER:
-\t\tmutex_lock(&d->mutex);
+\t\tif (mutex_lock_interruptible(&d->mutex))
+\t\t\treturn -EINTR;
 \t\tr = vhost_dev_set_owner(d);
 \t\tbreak;
 \tcase VHOST_SET_LOG_FD:
+\t\tif (copy_from_user(&fd, argp, sizeof fd))
+\t\t\treturn -EFAULT;
+\t\tif (d->busy)
+\t\t\treturn -EBUSY;`,
    }),
  );
  const errs = only(facts, 'error-return-added');
  assert.deepEqual(
    errs.map((f) => [f.symbol, f.compat!.class]),
    [
      ['EINTR', 'behaviour-change'],
      ['EBUSY', 'behaviour-change'],
    ],
  );
  assert.equal(errs[0]!.detail, 'vhost_dev_ioctl() (VHOST_SET_OWNER) can now fail with -EINTR when a signal is pending (mutex_lock_interruptible)');
  assert.match(errs[1]!.detail!, /\(VHOST_SET_LOG_FD\) can now fail with -EBUSY/);
});

test('module parameters that select compatibility behaviour, and waits by how they end', () => {
  const facts = factsOf(
    fileDiff('drivers/vhost/demo.c', {
      at: 20,
      section: 'static void demo_flush(struct demo *d)',
      body: `
+static bool legacy_reset;
+module_param(legacy_reset, bool, 0444);
+MODULE_PARM_DESC(legacy_reset, "Keep the old reset behaviour for old userspace");
+\twait_event_interruptible_timeout(d->wq, d->done, HZ);
+\twait_for_completion(&d->comp);`,
    }),
  );
  const p = only(facts, 'module-param-added')[0]!;
  assert.equal(p.detail, 'new module parameter "legacy_reset" (bool): Keep the old reset behaviour for old userspace');
  assert.equal(p.compat!.class, 'behaviour-change');
  assert.deepEqual(
    only(facts, 'wait-added').map((f) => [f.symbol, f.detail!.replace(/^.*\(\) /, '')]),
    [
      ['wait_event_interruptible_timeout', 'with a timeout, or until a signal'],
      ['wait_for_completion', 'with no timeout'],
    ],
  );
});

test('series facts: uAPI change without docs or Link, a feature bit without a spec reference, a vhost-user message without its document', () => {
  const uapi = fileDiff('include/uapi/linux/virtio_demo.h', { at: 10, body: `\n #define VIRTIO_DEMO_F_A 0\n+#define VIRTIO_DEMO_F_B 1\n` });
  const vu = fileDiff('hw/virtio/vhost-user.c', {
    at: 90,
    section: 'typedef enum VhostUserRequest {',
    body: `
 \tVHOST_USER_GET_SHARED_OBJECT = 41,
+\tVHOST_USER_DEMO_REQUEST = 42,
 \tVHOST_USER_MAX
 } VhostUserRequest;`,
  });
  const judge = (diffs: string[], commitMessage = 'demo\n', trailers: { key: string; value: string }[] = []) => {
    const s = newSeries('k');
    const patch = patchOf(diffs.join(''), { commitMessage, trailers });
    const r = analyzeDiff(patch, { headersDir: headersDir() });
    foldIntoSeries(s, patch, r.files, r.facts);
    return seriesFacts(s).map((f) => [f.kind, f.symbol]);
  };
  assert.deepEqual(judge([uapi, vu]), [
    ['series-uapi-without-docs', 'include/uapi/linux/virtio_demo.h'],
    ['series-vhost-user-without-docs', 'VHOST_USER_DEMO_REQUEST'],
    ['series-feature-without-spec', 'VIRTIO_DEMO_F_B'],
    ['series-uapi-without-link', 'include/uapi/linux/virtio_demo.h'],
  ]);
  const documented = fileDiff('include/uapi/linux/virtio_demo.h', { at: 10, body: `\n #define VIRTIO_DEMO_F_A 0\n+/* The device reports B (virtio spec 5.99) */\n+#define VIRTIO_DEMO_F_B 1\n` });
  assert.deepEqual(judge([documented], 'As in the virtio specification.\n', [{ key: 'Link', value: 'https://example.org/qemu-side' }]), []);
  // A comment-only header change is no uAPI change.
  const comment = fileDiff('include/uapi/linux/virtio_demo.h', { at: 10, body: `\n #define VIRTIO_DEMO_F_A 0\n-/* old words */\n+/* new words */\n` });
  assert.deepEqual(judge([comment]), []);
});

test('the catalogue is built only for patches that add an ioctl, and is cached per directory', () => {
  const dir = headersDir({ 'demo.h': '#define DEMO_T 0xD1\n#define DEMO_GET _IOR(DEMO_T, 1, __u32)\n' });
  factsOf(fileDiff('include/uapi/linux/demo.h', { at: 5, body: `\n #define DEMO_A 1\n+#define DEMO_B 2\n` }), { headersDir: dir });
  assert.equal(isCatalogueLoaded(dir), false);
  factsOf(fileDiff('include/uapi/linux/demo.h', { at: 5, body: `\n #define DEMO_A 1\n+#define DEMO_SET _IOW(DEMO_T, 1, __u32)\n` }), { headersDir: dir });
  assert.equal(isCatalogueLoaded(dir), true);
});
