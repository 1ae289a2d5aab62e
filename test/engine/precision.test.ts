// Issue 14's precision: an entry warns when its fact is risky for the symbol it is about, not
// whenever a patch touches that symbol. Through the engine, with the built-in knowledge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openReview } from '../../src/engine/index.js';
import { fileDiff, patchOf, headersDir, type HunkSpec } from '../diff/uapi/helpers.js';
import type { Finding } from '../../src/model/finding.js';

const engine = await openReview();
const review = (diff: string, extra = {}): Finding[] => engine.reviewOne(patchOf(diff, extra)).findings;
const severityOf = (findings: Finding[], rule: string) => findings.find((f) => f.ruleId === rule)?.severity;
/** The severity of `rule` on a one-file patch. */
const judged = (rule: string, path: string, hunk: HunkSpec) => severityOf(review(fileDiff(path, hunk)), rule);

test('a driver that starts testing a defined feature bit gets a note; one that drops a check gets a warning', () => {
  assert.equal(
    judged('virtio-feature-semantics-frozen', 'drivers/virtio/virtio_balloon.c', {
      at: 900,
      section: 'static int virtballoon_migratepage(struct balloon_dev_info *vb_dev_info,',
      body: `
 \tballoon_page_insert(vb_dev_info, newpage);
+\tif (!virtio_has_feature(vb->vdev, VIRTIO_BALLOON_F_DEFLATE_ON_OOM))
+\t\tadjust_managed_page_count(page, 1);
 \tvb_dev_info->isolated_pages--;`,
    }),
    'note',
  );
  assert.equal(
    judged('virtio-feature-semantics-frozen', 'drivers/virtio/virtio_balloon.c', {
      at: 800,
      section: 'static unsigned long virtio_balloon_shrinker_scan(struct shrinker *shrinker,',
      body: `
-\tif (virtio_has_feature(vb->vdev, VIRTIO_BALLOON_F_FREE_PAGE_HINT))
-\t\tpages_freed = shrink_free_pages(vb, pages_to_free);
+\tpages_freed = shrink_free_pages(vb, pages_to_free);`,
    }),
    'warning',
  );
});

test('a vdpa parent reading a provisioned attribute gets a note; the netlink core a warning', () => {
  assert.equal(
    judged('vdpa-netlink-device-provisioning', 'drivers/vdpa/mlx5/net/mlx5_vnet.c', {
      at: 3200,
      section: 'static int mlx5_vdpa_dev_add(struct vdpa_mgmt_dev *v_mdev, const char *name,',
      body: `
 \tmvdev->max_vqs = max_vqs;
+\tif (add_config->mask & BIT_ULL(VDPA_ATTR_DEV_FEATURES))
+\t\tdevice_features &= add_config->device_features;`,
    }),
    'note',
  );
  assert.equal(
    judged('vdpa-netlink-device-provisioning', 'drivers/vdpa/vdpa.c', {
      at: 600,
      section: 'static int vdpa_nl_cmd_dev_add_set_doit(struct sk_buff *skb, struct genl_info *info)',
      body: `
 \tname = nla_data(nl_attrs[VDPA_ATTR_DEV_NAME]);
+\tif (nl_attrs[VDPA_ATTR_DEV_FEATURES]) {
+\t\tconfig.device_features = nla_get_u64(nl_attrs[VDPA_ATTR_DEV_FEATURES]);
+\t\tconfig.mask |= BIT_ULL(VDPA_ATTR_DEV_FEATURES);
+\t}`,
    }),
    'warning',
  );
});

test('a driver calling virtio_device_ready gets a note; dropping the call a warning', () => {
  assert.equal(
    judged('virtio-device-status-init-sequence', 'drivers/gpio/gpio-virtio.c', {
      at: 500,
      section: 'static int virtio_gpio_probe(struct virtio_device *vdev)',
      body: `
 \tret = virtio_gpio_alloc_vqs(vgpio, vdev);
+\tvirtio_device_ready(vdev);
 \treturn devm_gpiochip_add_data(dev, &vgpio->gc, vgpio);`,
    }),
    'note',
  );
  assert.equal(
    judged('virtio-device-status-init-sequence', 'drivers/virtio/virtio_input.c', {
      at: 280,
      section: 'static int virtinput_probe(struct virtio_device *vdev)',
      body: `
-\tvirtio_device_ready(vdev);
 \tvi->ready = true;`,
    }),
    'warning',
  );
});

test('a bit added to a list QEMU passes through is a pass-through fact, not a backend offering it', () => {
  const lists = [
    fileDiff('hw/net/vhost_net.c', {
      at: 40,
      body: `
 static const int kernel_feature_bits[] = {
     VIRTIO_F_NOTIFY_ON_EMPTY,
     VIRTIO_RING_F_INDIRECT_DESC,
     VIRTIO_F_VERSION_1,
+    VIRTIO_F_RING_RESET,
     VHOST_INVALID_FEATURE_BIT
 };`,
    }),
    fileDiff('net/vhost-vdpa.c', {
      at: 60,
      body: `
 const int vdpa_feature_bits[] = {
     VIRTIO_F_ANY_LAYOUT,
+    VIRTIO_F_IN_ORDER,
     VIRTIO_NET_F_CSUM,`,
    }),
  ];
  for (const diff of lists) {
    const report = engine.reviewOne(patchOf(diff));
    assert.deepEqual(report.facts?.filter((f) => f.kind.startsWith('mask-bit')), [], diff);
    assert.equal(report.facts?.filter((f) => f.kind === 'feature-passthrough-changed').length, 1);
    assert.ok(!report.findings.some((f) => f.ruleId === 'backend-offered-feature-added'));
  }
  // A kernel backend's offer is still one.
  assert.equal(
    judged('backend-offered-feature-added', 'drivers/vhost/net.c', {
      at: 60,
      body: `
 enum {
 \tVHOST_NET_FEATURES = VHOST_FEATURES |
+\t\t\t (1ULL << VIRTIO_F_RING_RESET) |
 \t\t\t (1ULL << VHOST_NET_F_VIRTIO_NET_HDR) |`,
    }),
    'warning',
  );
});

test('an entry raises severity only for its own symbols: a struct break elsewhere is not a ring-setup error', () => {
  const header = (struct: string) =>
    fileDiff('include/uapi/linux/vhost_types.h', {
      at: 30,
      body: `
 struct ${struct} {
 \t__u64 a;
-\t__u64 b;
+\t__u32 b;
 \t__u64 c;
 };`,
    });
  const ring = fileDiff('drivers/vhost/vhost.c', {
    at: 1700,
    section: 'static long vhost_vring_set_num(struct vhost_dev *d,',
    body: `
 \tif (copy_from_user(&s, argp, sizeof s))
 \t\treturn -EFAULT;
-\tif (!s.num || s.num > 0xffff || (s.num & (s.num - 1)))
+\tif (!s.num || s.num > 0x8000 || (s.num & (s.num - 1)))
 \t\treturn -EINVAL;`,
  });
  const unrelated = review(header('vhost_iotlb_msg') + ring);
  assert.ok(['error', 'warning'].includes(severityOf(unrelated, 'uapi-struct-layout-break')!), 'the break itself is reported');
  assert.equal(severityOf(unrelated, 'vhost-vring-setup'), 'note', 'the ring-setup entry stays a note: the broken struct is not one of its symbols');
  assert.ok(!unrelated.find((f) => f.ruleId === 'vhost-vring-setup')!.symbols.includes('vhost_iotlb_msg'));
  // The ring-setup struct itself is the entry's own symbol.
  const own = review(header('vhost_vring_state') + ring);
  assert.notEqual(severityOf(own, 'vhost-vring-setup'), 'note');
});

test('an extensible struct is judged whole, from the installed headers: appending to an argsz/size struct is a note', async () => {
  const iommufd = `struct iommu_hwpt_alloc {\n\t__u32 size;\n\t__u32 flags;\n\t__u32 dev_id;\n\t__u32 pt_id;\n\t__u32 out_hwpt_id;\n\t__u32 __reserved;\n\t__u32 data_type;\n\t__u32 data_len;\n\t__aligned_u64 data_uptr;\n};\n#define IOMMU_HWPT_ALLOC _IO(';', 0x89)\n`;
  const vfio = `struct vfio_device_info {\n\t__u32\targsz;\n\t__u32\tflags;\n\t__u32\tnum_regions;\n\t__u32\tnum_irqs;\n\t__u32\tcap_offset;\n};\n#define VFIO_DEVICE_GET_INFO _IO(';', 107)\n`;
  const withHeaders = await openReview({ headersDir: headersDir({ 'iommufd.h': iommufd, 'vfio.h': vfio }) });
  const judge = (diff: string, eng = withHeaders) => eng.reviewOne(patchOf(diff)).findings;
  // The hunks show the end of each struct but not its leading size member.
  const appendIommufd = fileDiff('include/uapi/linux/iommufd.h', {
    at: 400,
    section: 'struct iommu_hwpt_alloc {',
    body: `
 \t__u32 data_len;
 \t__aligned_u64 data_uptr;
+\t__u32 fault_id;
+\t__u32 __reserved2;
 };`,
  });
  const appendVfio = fileDiff('include/uapi/linux/vfio.h', {
    at: 216,
    section: 'struct vfio_device_info {',
    body: `
 \t__u32\tnum_irqs;
 \t__u32\tcap_offset;
+\t__u32\tpad;
 };`,
  });
  for (const diff of [appendIommufd, appendVfio]) {
    const found = judge(diff).find((f) => f.ruleId === 'uapi-struct-member-appended');
    assert.equal(found?.severity, 'note', diff);
    assert.equal(found?.compatClass, 'compatible');
  }
  // Without the headers, nothing shows that the struct is versioned: not a note.
  const blind = await openReview({ headersDir: headersDir() });
  assert.notEqual(judge(appendIommufd, blind).find((f) => f.ruleId === 'uapi-struct-member-appended')?.severity, 'note');
  // An insertion before the end, or a change of the size member, moves what follows.
  const insert = fileDiff('include/uapi/linux/vfio.h', {
    at: 214,
    section: 'struct vfio_device_info {',
    body: `
 \t__u32\tnum_regions;
 \t__u32\tnum_irqs;
+\t__u32\tnew_field;
 \t__u32\tcap_offset;`,
  });
  const retyped = fileDiff('include/uapi/linux/vfio.h', {
    at: 205,
    body: `
 struct vfio_device_info {
-\t__u32\targsz;
+\t__u64\targsz;
 \t__u32\tflags;`,
  });
  for (const diff of [insert, retyped]) {
    const breaks = judge(diff).find((f) => f.ruleId === 'uapi-struct-layout-break');
    assert.equal(breaks?.compatClass, 'abi-break', diff);
    assert.notEqual(breaks?.severity, 'note');
  }
});

test('a module parameter warns on the host side only; socket-state changes warn as vsock semantics on vsock paths only', () => {
  const param = (path: string) =>
    review(
      fileDiff(path, {
        at: 30,
        body: `
 static bool use_va = true;
+module_param(use_va, bool, 0444);
+MODULE_PARM_DESC(use_va, "Enable/disable the device's ability to use VA");`,
      }),
    );
  assert.equal(severityOf(param('drivers/vhost/net.c'), 'module-param-not-negotiation'), 'warning');
  assert.equal(severityOf(param('drivers/vdpa/vdpa_sim/vdpa_sim.c'), 'module-param-not-negotiation'), 'note');
  assert.equal(severityOf(param('drivers/virtio/virtio_mem.c'), 'module-param-not-negotiation'), 'note');
  const poll = (path: string, fn: string) =>
    review(
      fileDiff(path, {
        at: 500,
        section: `static __poll_t ${fn}(struct file *file, struct socket *sock, poll_table *wait)`,
        body: `
 \tif (sk->sk_shutdown & RCV_SHUTDOWN)
-\t\tmask |= EPOLLRDHUP;
+\t\tmask |= EPOLLHUP;
 \treturn mask;`,
      }),
    );
  assert.equal(severityOf(poll('net/vmw_vsock/af_vsock.c', 'vsock_poll'), 'vsock-socket-semantics'), 'warning');
  assert.equal(severityOf(poll('drivers/net/tun.c', 'tun_chr_poll'), 'vsock-socket-semantics'), undefined);
});

test('a new virtio feature bit warns for a spec reference only when the commit message gives none', () => {
  const bit = fileDiff('include/uapi/linux/virtio_blk.h', { at: 40, body: `\n #define VIRTIO_BLK_F_SECURE_ERASE\t16\n+#define VIRTIO_BLK_F_DEMO\t17\n` });
  const silent = engine.reviewOne(patchOf(bit, { commitMessage: 'Add the demo feature.\n' })).findings;
  assert.equal(severityOf(silent, 'virtio-uapi-feature-needs-spec'), 'warning');
  assert.match(silent.find((f) => f.ruleId === 'virtio-uapi-feature-needs-spec')!.message, /^VIRTIO_BLK_F_DEMO is defined in include\/uapi\/linux\/virtio_blk\.h/);
  const cited = engine.reviewOne(patchOf(bit, { commitMessage: 'Add the demo feature, as in the virtio specification section 5.2.3.\n' })).findings;
  assert.equal(severityOf(cited, 'virtio-uapi-feature-needs-spec'), 'note');
});
