// A feature offer changes only when an existing mask changes: a mask the patch creates is an
// initial offer, a bit moved between masks is still offered, and a bare mention of a bit that a
// mask fact already describes (or of a symbol on a line merely rewritten) is not a new use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openReview } from '../../../src/engine/index.js';
import { factsOf, fileDiff, patchOf } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';
import { analyzeDiff } from '../../../src/diff/facts.js';
import { foldIntoSeries, newSeries, seriesFacts } from '../../../src/analyze/series.js';

const of = (facts: Fact[], ...kinds: string[]) => facts.filter((f) => kinds.includes(f.kind)).map((f) => `${f.kind} ${f.symbol}`);

/** A file the patch adds, from its lines. */
function addedFile(path: string, lines: string[]): string {
  return [`diff --git a/${path} b/${path}`, 'new file mode 100644', 'index 0000000..2222222', '--- /dev/null', `+++ b/${path}`, `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`), ''].join('\n');
}

const newParentMask = addedFile('drivers/vdpa/newhw/newhw_main.c', [
  '#include <linux/vdpa.h>',
  '#define NEWHW_FEATURES ((1ULL << VIRTIO_F_ANY_LAYOUT) | \\',
  '\t\t\t(1ULL << VIRTIO_F_VERSION_1) | \\',
  '\t\t\t(1ULL << VIRTIO_F_ACCESS_PLATFORM))',
]);

const grownMask = fileDiff('drivers/vhost/vsock.c', {
  at: 30,
  section: 'enum {',
  body: `
 enum {
 \tVHOST_VSOCK_FEATURES = VHOST_FEATURES |
-\t\t\t       (1ULL << VIRTIO_F_VERSION_1)
+\t\t\t       (1ULL << VIRTIO_F_VERSION_1) |
+\t\t\t       (1ULL << VIRTIO_F_ACCESS_PLATFORM)
 };`,
});

test('a bit listed in a mask of a file the patch adds is new-mask-bit, with no bare mention beside it', () => {
  const facts = factsOf(newParentMask);
  assert.deepEqual(of(facts, 'mask-bit-added'), []);
  assert.deepEqual(of(facts, 'new-mask-bit'), ['new-mask-bit VIRTIO_F_ANY_LAYOUT', 'new-mask-bit VIRTIO_F_VERSION_1', 'new-mask-bit VIRTIO_F_ACCESS_PLATFORM']);
  assert.deepEqual(of(facts, 'symbol-added').filter((s) => s.includes('VIRTIO_F_')), []);
});

test('a bit added to a mask that existed, or to a new mask of an existing driver, is still an offer change', () => {
  const facts = factsOf(grownMask);
  assert.deepEqual(of(facts, 'mask-bit-added', 'new-mask-bit'), ['mask-bit-added VIRTIO_F_ACCESS_PLATFORM']);
  // The device's users see the bit appear, whatever the mask is called.
  const backend = fileDiff('drivers/vhost/vsock.c', { at: 36, section: 'enum {', body: `\n };\n+\n+enum {\n+\tVHOST_VSOCK_BACKEND_FEATURES = (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2)\n+};` });
  assert.deepEqual(of(factsOf(backend), 'mask-bit-added', 'new-mask-bit'), ['mask-bit-added VHOST_BACKEND_F_IOTLB_MSG_V2']);
});

test('a bit moved from one mask to another (a rename) is neither added nor removed', () => {
  const facts = factsOf(
    fileDiff('drivers/vdpa/vdpa_sim/vdpa_sim.c', {
      at: 40,
      section: '#include "vdpa_sim.h"',
      body: `
-static u64 vdpasim_features = (1ULL << VIRTIO_F_ANY_LAYOUT) |
-			      (1ULL << VIRTIO_F_VERSION_1);
+#define VDPASIM_FEATURES ((1ULL << VIRTIO_F_ANY_LAYOUT) | \\
+			  (1ULL << VIRTIO_F_VERSION_1))`,
    }),
  );
  assert.deepEqual(of(facts, 'mask-bit-added', 'mask-bit-removed', 'new-mask-bit'), []);
});

test('a mention on a line rewritten at the same depth is no new use; one moved under a new condition is', () => {
  const rewritten = factsOf(
    fileDiff('drivers/vhost/net.c', {
      at: 1600,
      section: 'static int vhost_net_set_features(struct vhost_net *n, u64 features)',
      body: `
 \tif (features & (1ULL << VIRTIO_F_ACCESS_PLATFORM)) {
-\t\tif (vhost_init_device_iotlb(&n->dev, true))
+\t\tif (vhost_init_device_iotlb(&n->dev))
 \t\t\tgoto out_unlock;`,
    }),
  );
  assert.deepEqual(of(rewritten, 'symbol-added'), []);
  const deeper = factsOf(
    fileDiff('drivers/vhost/net.c', {
      at: 1600,
      section: 'static int vhost_net_set_features(struct vhost_net *n, u64 features)',
      body: `
-\tif (vhost_init_device_iotlb(&n->dev, true))
-\t\tgoto out_unlock;
+\tif (n->iotlb_wanted)
+\t\tif (vhost_init_device_iotlb(&n->dev, true))
+\t\t\tgoto out_unlock;`,
    }),
  );
  assert.ok(of(deeper, 'symbol-added').includes('symbol-added vhost_init_device_iotlb'));
  // A new identifier on the line is a new use too.
  const widened = factsOf(
    fileDiff('drivers/vdpa/vdpa_user/vduse_dev.c', {
      at: 1400,
      section: 'static bool features_is_valid(struct vduse_dev_config *config)',
      body: `
-\tif (features & (1ULL << VIRTIO_BLK_F_CONFIG_WCE))
+\tif (config->device_id == VIRTIO_ID_BLOCK && (config->features & (1ULL << VIRTIO_BLK_F_CONFIG_WCE)))
 \t\treturn false;`,
    }),
  );
  assert.ok(of(widened, 'symbol-added').includes('symbol-added VIRTIO_BLK_F_CONFIG_WCE'));
});

test('review: a new parent mask raises what its contents break, not "newly offered" warnings', async () => {
  const engine = await openReview();
  const rules = (diff: string) => new Set(engine.reviewOne(patchOf(diff)).findings.filter((f) => f.severity !== 'note').map((f) => f.ruleId));
  const fresh = rules(newParentMask);
  for (const id of ['backend-offered-feature-added', 'virtio-version-1-legacy-interface', 'virtio-access-platform-dma-api']) assert.ok(!fresh.has(id), `${id} on a new mask`);
  // A legacy-only bit in a new vDPA parent's mask is a question about that mask's validity.
  assert.ok(fresh.has('vdpa-parent-feature-mask-spec-validity'));
  assert.ok(!fresh.has('virtio-legacy-only-feature-bits'));
  // The vhost lesson stands: ACCESS_PLATFORM newly offered by an existing backend.
  const grown = engine.reviewOne(patchOf(grownMask)).findings;
  assert.equal(grown.find((f) => f.ruleId === 'virtio-access-platform-dma-api')?.severity, 'error');
});

test('across files: a bit that moves into another module, or is swapped for its new alias, is offered as before', () => {
  const split = factsOf([
    fileDiff('drivers/vdpa/vdpa_sim/vdpa_sim.c', {
      at: 40,
      section: 'struct vdpasim_dev_attr {',
      body: `
-#define VDPASIM_FEATURES ((1ULL << VIRTIO_F_ANY_LAYOUT) | \\
-			  (1ULL << VIRTIO_F_VERSION_1))
+/* the features now live with each device type */`,
    }),
    fileDiff('drivers/vdpa/vdpa_sim/vdpa_sim_net.c', {
      at: 30,
      section: 'static void vdpasim_net_work(struct work_struct *work)',
      body: `
 #include "vdpa_sim.h"
-#define VDPASIM_NET_FEATURES (1ULL << VIRTIO_NET_F_MAC)
+#define VDPASIM_NET_FEATURES ((1ULL << VIRTIO_F_ANY_LAYOUT) | \\
+			      (1ULL << VIRTIO_F_VERSION_1) | \\
+			      (1ULL << VIRTIO_NET_F_MAC))`,
    }),
  ]);
  assert.deepEqual(of(split, 'mask-bit-added', 'mask-bit-removed', 'new-mask-bit'), []);
  // VHOST_NET_FEATURES with one bit swapped for another.
  const netMask = (was: string, now: string) =>
    fileDiff('drivers/vhost/net.c', { at: 70, section: 'enum {', body: `\n \tVHOST_NET_FEATURES = VHOST_FEATURES |\n-\t\t\t (1ULL << ${was})\n+\t\t\t (1ULL << ${now})\n };` });
  const renamed = factsOf([
    netMask('VIRTIO_F_IOMMU_PLATFORM', 'VIRTIO_F_ACCESS_PLATFORM'),
    fileDiff('include/uapi/linux/virtio_config.h', {
      at: 70,
      body: `
-#define VIRTIO_F_IOMMU_PLATFORM		33
+#define VIRTIO_F_ACCESS_PLATFORM	33
+#define VIRTIO_F_IOMMU_PLATFORM		VIRTIO_F_ACCESS_PLATFORM`,
    }),
  ]);
  assert.deepEqual(of(renamed, 'mask-bit-added', 'mask-bit-removed'), []);
  // Without the alias it is a real swap of one bit for another.
  const swapped = factsOf(netMask('VIRTIO_F_RING_PACKED', 'VIRTIO_F_ACCESS_PLATFORM'));
  assert.deepEqual(of(swapped, 'mask-bit-added', 'mask-bit-removed'), ['mask-bit-added VIRTIO_F_ACCESS_PLATFORM', 'mask-bit-removed VIRTIO_F_RING_PACKED']);
});

test('a new virtio feature bit sent to the virtio TC lists has its spec reservation asked for there', () => {
  const header = fileDiff('include/uapi/linux/virtio_demo.h', { at: 10, body: `\n #define VIRTIO_DEMO_F_A 0\n+#define VIRTIO_DEMO_F_B 1\n` });
  const without = (cc: string[]) => factsOf(header, undefined, { cc }).filter((f) => f.kind === 'feature-without-spec-reference').map((f) => f.symbol);
  assert.deepEqual(without(['kvm@vger.kernel.org']), ['VIRTIO_DEMO_F_B']);
  assert.deepEqual(without(['virtio-dev@lists.oasis-open.org']), []);
  const s = newSeries('k');
  const patch = patchOf(header, { cc: ['virtio-comment@lists.oasis-open.org'] });
  const r = analyzeDiff(patch);
  foldIntoSeries(s, patch, r.files, r.facts);
  assert.deepEqual(seriesFacts(s).filter((f) => f.kind === 'series-feature-without-spec'), []);
});

test('config access before FEATURES_OK: device config in validate() counts; the transport feature registers and a helper\'s own name do not', () => {
  const early = (path: string, section: string, body: string) => of(factsOf(fileDiff(path, { at: 100, section, body })), 'config-access-early');
  assert.deepEqual(
    early('drivers/virtio/virtio_pci_modern_dev.c', 'u64 vp_modern_get_features(struct virtio_pci_modern_device *mdev)', `
 \tu64 features;
+\tvp_iowrite32(0, &cfg->device_feature_select);
+\tfeatures = vp_ioread32(&cfg->device_feature);`),
    [],
  );
  assert.deepEqual(
    early('drivers/vhost/vdpa.c', 'static long vhost_vdpa_get_device_id(struct vhost_vdpa *v, u8 __user *argp)', `
 }
+static int vhost_vdpa_config_validate(struct vhost_vdpa *v,
+				      struct vhost_vdpa_config *c)
+{`),
    [],
  );
  assert.deepEqual(
    early('drivers/net/virtio_net.c', 'static int virtnet_validate(struct virtio_device *vdev)', `
 \tif (!vdev->config->get)
 \t\treturn -EINVAL;
+\tmtu = virtio_cread16(vdev, offsetof(struct virtio_net_config, mtu));`),
    ['config-access-early virtio_cread16'],
  );
});

test('a function\'s signature, prototype or export names it; only a call uses it', () => {
  const uses = (diff: string) => of(factsOf(diff), 'symbol-added').filter((s) => s.endsWith(' virtqueue_demo_break'));
  assert.deepEqual(
    uses(
      fileDiff('drivers/virtio/virtio_ring.c', {
        at: 2000,
        section: 'EXPORT_SYMBOL_GPL(virtqueue_get_vring);',
        body: `
 
+void virtqueue_demo_break(struct virtqueue *_vq)
+{
+	to_vvq(_vq)->broken = true;
+}
+EXPORT_SYMBOL_GPL(virtqueue_demo_break);`,
      }) +
        fileDiff('include/linux/virtio.h', { at: 90, body: `\n void virtqueue_disable_cb(struct virtqueue *vq);\n+void virtqueue_demo_break(struct virtqueue *vq);\n` }),
    ),
    [],
  );
  assert.deepEqual(
    uses(
      fileDiff('drivers/net/virtio_net.c', {
        at: 300,
        section: 'static void virtnet_remove(struct virtio_device *vdev)',
        body: `
 	unregister_netdev(vi->dev);
+	virtqueue_demo_break(vi->cvq);`,
      }),
    ),
    ['symbol-added virtqueue_demo_break'],
  );
});

test('a flag define moved into a uAPI header with its value is no new flag', () => {
  const header = fileDiff('include/uapi/linux/rpmsg_demo.h', { at: 10, body: `\n #include <linux/types.h>\n+#define DEMO_RPMSG_F_NS 0\n+#define DEMO_RPMSG_F_ACK 1\n` });
  const moved = fileDiff('drivers/rpmsg/demo_rpmsg_bus.c', { at: 40, body: `\n #include <linux/rpmsg_demo.h>\n-#define DEMO_RPMSG_F_NS	0 /* name service */\n` });
  assert.deepEqual(of(factsOf([moved, header]), 'flag-bit-added'), ['flag-bit-added DEMO_RPMSG_F_ACK']);
  // Moved with another value, it is a change.
  const renumbered = fileDiff('drivers/rpmsg/demo_rpmsg_bus.c', { at: 40, body: `\n #include <linux/rpmsg_demo.h>\n-#define DEMO_RPMSG_F_NS 2\n` });
  assert.deepEqual(of(factsOf([renumbered, header]), 'flag-bit-added'), ['flag-bit-added DEMO_RPMSG_F_NS', 'flag-bit-added DEMO_RPMSG_F_ACK']);
});

test('a reset swapped for another reset call in the same function keeps the status sequence; one dropped does not', () => {
  const seq = (body: string) =>
    of(factsOf(fileDiff('drivers/virtio/virtio.c', { at: 480, section: 'int register_virtio_device(struct virtio_device *dev)', body })), 'status-sequence-changed');
  assert.deepEqual(
    seq(`
 \t/* We always start by resetting the device, in case a previous
 \t * driver messed it up.  This also tests that code path a little. */
-\tdev->config->reset(dev);
+\tvirtio_reset_device(dev);`),
    [],
  );
  assert.deepEqual(
    seq(`
 \t * driver messed it up.  This also tests that code path a little. */
-\tdev->config->reset(dev);
 \tvirtio_add_status(dev, VIRTIO_CONFIG_S_ACKNOWLEDGE);`),
    ['status-sequence-changed reset'],
  );
});

test('waits: a bounded wait in a new function, or the same wait on a rewritten line, is no new wait; an unbounded one in new code is', () => {
  const waits = (body: string, section = 'static int virtsnd_ctl_msg_send(struct virtio_snd *snd)') => of(factsOf(fileDiff('sound/virtio/virtio_demo.c', { at: 50, section, body })), 'wait-added');
  const fresh = (call: string) => `
 }
+static int virtsnd_demo_wait(struct virtio_snd_msg *msg)
+{
+	return ${call};
+}`;
  assert.deepEqual(waits(fresh('wait_for_completion_interruptible_timeout(&msg->notify, HZ)')), []);
  assert.deepEqual(waits(fresh('wait_for_completion(&msg->notify)') + '\n'), ['wait-added wait_for_completion']);
  assert.deepEqual(waits(`
-	rc = wait_for_completion_timeout(&msg->notify, js);
+	rc = wait_for_completion_timeout(&msg->notify, msecs_to_jiffies(msg_timeout_ms));`), []);
  assert.deepEqual(waits(`
-	wait_for_completion(&msg->notify);
+	rc = wait_for_completion_interruptible_timeout(&msg->notify, js);`), ['wait-added wait_for_completion_interruptible_timeout']);
});

test('an ioctl renamed with its old name kept as an alias of the same request is no new ioctl', () => {
  const header = (newValue: string) =>
    fileDiff('include/uapi/linux/vhost.h', {
      at: 180,
      body: `
 /* VHOST_VSOCK specific defines */
-#define VHOST_VSOCK_SET_RUNNING		_IOW(VHOST_VIRTIO, 0x61, int)
+#define VHOST_SET_RUNNING		${newValue}
+#define VHOST_VSOCK_SET_RUNNING		VHOST_SET_RUNNING`,
    });
  assert.deepEqual(of(factsOf(header('_IOW(VHOST_VIRTIO, 0x61, int)')), 'ioctl-added'), []);
  assert.deepEqual(of(factsOf(header('_IOW(VHOST_VIRTIO, 0x62, int)')), 'ioctl-added'), ['ioctl-added VHOST_SET_RUNNING']);
});

test('bits of a mask the patch deletes whole are no verified withdrawal: a warning that says so, not an error', async () => {
  const dropped = fileDiff('drivers/vhost/vdpa.c', {
    at: 26,
    section: '#include "vhost.h"',
    body: `
 #include "vhost.h"
 
-enum {
-	VHOST_VDPA_FEATURES =
-		(1ULL << VIRTIO_F_VERSION_1) |
-		(1ULL << VIRTIO_F_RING_PACKED),
-};
-
 /* Currently, only network backend w/o multiqueue is supported. */`,
  });
  const removed = factsOf(dropped).filter((f) => f.kind === 'mask-bit-removed');
  assert.deepEqual(removed.map((f) => [f.symbol, !!f.unverified]), [['VIRTIO_F_VERSION_1', true], ['VIRTIO_F_RING_PACKED', true]]);
  const engine = await openReview();
  const finding = engine.reviewOne(patchOf(dropped)).findings.find((f) => f.ruleId === 'virtio-version-1-legacy-interface');
  assert.equal(finding?.severity, 'warning');
  assert.match(finding!.message, /Not verified/);
});
