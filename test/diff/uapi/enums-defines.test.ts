import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf, headersDir, only, summary } from './helpers.js';

const H = 'include/uapi/linux/demo.h';

test('an enumerator added before a __MAX sentinel is compatible, and the sentinel moves', () => {
  const facts = factsOf(
    fileDiff(H, {
      section: 'enum demo_attr {',
      body: `
 \tDEMO_ATTR_NAME,\t\t/* string */
 \tDEMO_ATTR_ID,
+\tDEMO_ATTR_QUEUES,\t/* u32 */
 
 \t/* new attributes go above this line */
 \t__DEMO_ATTR_MAX,
 };`,
    }),
  );
  assert.deepEqual(summary(facts, 'enum-value-added', 'enum-value-changed', 'sentinel-moved'), [
    // Appended just before the sentinel: only the sentinel moves, no old value does.
    ['sentinel-moved', '__DEMO_ATTR_MAX', 'compatible'],
    ['enum-value-added', 'DEMO_ATTR_QUEUES', 'compatible'],
  ]);
});

test('an implicit enumerator inserted in the middle renumbers what follows; explicit values do not move', () => {
  const implicit = factsOf(
    fileDiff(H, {
      section: 'enum demo_state {',
      body: `
 \tDEMO_STOP,
+\tDEMO_PAUSE,
 \tDEMO_RUN,
 \tDEMO_RESUME,
 };`,
    }),
  );
  assert.deepEqual(summary(implicit, 'enum-value-added', 'enum-value-changed'), [
    ['enum-value-changed', 'DEMO_RUN', 'abi-break'],
    ['enum-value-added', 'DEMO_PAUSE', 'compatible'],
  ]);
  assert.match(implicit.find((f) => f.kind === 'enum-value-changed')!.detail!, /renumbered .* and so is every implicitly numbered value after it/);
  const explicit = factsOf(
    fileDiff(H, {
      section: 'enum demo_state {',
      body: `
 \tDEMO_STOP = 0,
+\tDEMO_PAUSE = 4,
 \tDEMO_RUN = 1,
 \tDEMO_RESUME = 2,
 };`,
    }),
  );
  assert.deepEqual(summary(explicit, 'enum-value-added', 'enum-value-changed'), [['enum-value-added', 'DEMO_PAUSE', 'compatible']]);
});

test('enumerators removed, or given another explicit value, break binaries', () => {
  const facts = factsOf(
    fileDiff(H, {
      section: 'enum demo_cmd {',
      body: `
 \tDEMO_CMD_A = 1,
-\tDEMO_CMD_B = 2,
-\tDEMO_CMD_C = 3,
+\tDEMO_CMD_C = 0x30,
 };`,
    }),
  );
  assert.deepEqual(summary(facts, 'enum-value-removed', 'enum-value-changed'), [
    ['enum-value-changed', 'DEMO_CMD_C', 'abi-break'],
    ['enum-value-removed', 'DEMO_CMD_B', 'abi-break'],
  ]);
});

test('an anonymous enum whose end the hunk does not show: the added value is undecidable', () => {
  const facts = factsOf(
    fileDiff(H, {
      section: 'enum {',
      body: `
 \tDEMO_EVENT_A,
 \tDEMO_EVENT_B,
+\tDEMO_EVENT_C,
 
 /* nothing more shown */`,
    }),
  );
  const added = facts.find((f) => f.kind === 'enum-value-added')!;
  assert.equal(added.compat!.class, 'abi-break');
  assert.match(added.compat!.reason, /does not show what follows/);
});

test('multi-line #define: a value change across continuation lines is one change; respelling the same number is none', () => {
  const facts = factsOf(
    fileDiff(H, {
      at: 20,
      body: `
 #define DEMO_ALL_FLAGS (DEMO_F_A | \\
-\t\t\tDEMO_F_B)
+\t\t\tDEMO_F_B | \\
+\t\t\tDEMO_F_C)
-#define DEMO_F_MASK 0x4
+#define DEMO_F_MASK (1 << 2)
-#define DEMO_SIZE   16  /* bytes */
+#define DEMO_SIZE 16 /* in bytes */
-#define DEMO_RW_FLAGS (DEMO_F_R | DEMO_F_W | \\
-		       DEMO_F_X)
+#define DEMO_RW_FLAGS (DEMO_F_R | DEMO_F_W)
-#define DEMO_PROTO_VERSION 33
+#define DEMO_PROTO_VERSION 34`,
    }),
  );
  assert.deepEqual(summary(facts, 'macro-value-changed', 'macro-added', 'macro-removed'), [
    ['macro-value-changed', 'DEMO_ALL_FLAGS', 'compatible'],
    ['macro-value-changed', 'DEMO_RW_FLAGS', 'abi-break'],
    ['macro-value-changed', 'DEMO_PROTO_VERSION', 'compatible-if-negotiated'],
  ]);
  const [grown, shrunk] = only(facts, 'macro-value-changed');
  assert.equal(grown!.detail, 'DEMO_ALL_FLAGS gains DEMO_F_C');
  assert.match(shrunk!.detail!, /from \(DEMO_F_R \| DEMO_F_W \| DEMO_F_X\) to \(DEMO_F_R \| DEMO_F_W\)/);
});

test('renames: a break unless the old name stays as an alias; sentinel defines move', () => {
  const facts = factsOf(
    fileDiff(H, {
      at: 30,
      body: `
 #define DEMO_CID_ANY 1
-#define DEMO_CID_RESERVED 2
+#define DEMO_CID_LOCAL 2
-#define DEMO_OLD_NAME 7
+#define DEMO_NEW_NAME 7
+#define DEMO_OLD_NAME DEMO_NEW_NAME
-#define DEMO_QUEUES_MAX 8
+#define DEMO_QUEUES_MAX 16`,
    }),
  );
  assert.deepEqual(summary(facts, 'macro-removed', 'macro-value-changed', 'sentinel-moved'), [
    ['macro-removed', 'DEMO_CID_RESERVED', 'abi-break'],
    ['macro-value-changed', 'DEMO_OLD_NAME', 'compatible'],
    ['sentinel-moved', 'DEMO_QUEUES_MAX', 'behaviour-change'],
  ]);
  assert.match(facts.find((f) => f.kind === 'macro-removed')!.detail!, /renamed to DEMO_CID_LOCAL/);
});

test('ioctl changes: number, direction and size break; a same-size argument spelling or an alias does not', () => {
  const facts = factsOf(
    fileDiff('include/uapi/linux/vhost.h', {
      at: 40,
      body: `
 #define VHOST_VIRTIO 0xAF
-#define VHOST_DEMO_A _IOW(VHOST_VIRTIO, 0x50, int)
+#define VHOST_DEMO_A _IOW(VHOST_VIRTIO, 0x50, __s32)
-#define VHOST_DEMO_B _IOW(VHOST_VIRTIO, 0x51, __u32)
+#define VHOST_DEMO_B _IOWR(VHOST_VIRTIO, 0x51, __u64)
-#define VHOST_DEMO_C _IOW(VHOST_VIRTIO, 0x52, int)
+#define VHOST_DEMO_GENERIC _IOW(VHOST_VIRTIO, 0x52, int)
+#define VHOST_DEMO_C VHOST_DEMO_GENERIC`,
    }),
  );
  const changed = only(facts, 'ioctl-changed').map((f) => [f.symbol, f.compat!.class, f.detail]);
  assert.deepEqual(changed, [
    ['VHOST_DEMO_A', 'compatible', 'VHOST_DEMO_A changed: argument int → __s32 (same size)'],
    ['VHOST_DEMO_B', 'abi-break', 'VHOST_DEMO_B changed: direction write → read-write, argument __u32 → __u64 (4 → 8 bytes)'],
    ['VHOST_DEMO_C', 'compatible', 'VHOST_DEMO_C becomes an alias of VHOST_DEMO_GENERIC, the same request (_IOW(VHOST_VIRTIO, 0x52, int))'],
  ]);
  // VHOST_DEMO_GENERIC takes the number the alias keeps: not a reuse.
  assert.deepEqual(only(facts, 'ioctl-number-reused'), []);
});

test('a define moved to another uAPI header of the patch is compatible', () => {
  const facts = factsOf([
    fileDiff('include/uapi/linux/vhost.h', { at: 5, body: `\n #include <linux/vhost_types.h>\n-#define VHOST_BACKEND_F_DEMO 0x3\n` }),
    fileDiff('include/uapi/linux/vhost_types.h', { at: 9, body: `\n #define VHOST_TYPES 1\n+#define VHOST_BACKEND_F_DEMO 0x3\n` }),
  ]);
  const removed = facts.find((f) => f.kind === 'macro-removed')!;
  assert.equal(removed.compat!.class, 'compatible');
  assert.match(removed.detail!, /moved to include\/uapi\/linux\/vhost_types.h/);
});

test('flag bits: a VFIO-style flag after a flags member, checked or not by its handler; feature bit numbers', () => {
  const header = fileDiff('include/uapi/linux/vfio.h', {
    section: 'struct vfio_demo_info {',
    body: `
 \t__u32 argsz;
 \t__u32 flags;
 #define VFIO_DEMO_RESET\t(1 << 0)
+#define VFIO_DEMO_CAPS\t(1 << 1)
 \t__u32 num_regions;
 };`,
  });
  const feature = fileDiff('include/uapi/linux/virtio_demo.h', { at: 12, body: `\n #define VIRTIO_DEMO_F_A 0\n+#define VIRTIO_DEMO_F_B 1\n` });
  const handler = (check: boolean) =>
    fileDiff('drivers/vfio/demo.c', {
      at: 100,
      section: 'static long demo_ioctl(struct file *f, unsigned int cmd, unsigned long arg)',
      body: `
 \tif (copy_from_user(&info, argp, sizeof(info)))
 \t\treturn -EFAULT;
${check ? ' \tif (info.flags & ~(VFIO_DEMO_RESET | VFIO_DEMO_CAPS))\n \t\treturn -EINVAL;\n' : ''}+\tif (info.flags & VFIO_DEMO_CAPS)
+\t\tdemo_caps(dev);
 \treturn 0;`,
    });
  const unchecked = factsOf([header, feature, handler(false)]);
  assert.deepEqual(summary(unchecked, 'flag-bit-added'), [
    ['flag-bit-added', 'VFIO_DEMO_CAPS', 'behaviour-change'],
    ['flag-bit-added', 'VIRTIO_DEMO_F_B', 'compatible'],
  ]);
  assert.match(unchecked.find((f) => f.kind === 'flag-bit-added')!.detail!, /demo_ioctl\(\) uses it, but no check that rejects unknown bits is visible/);
  const checked = factsOf([header, handler(true)]);
  // A handler that rejects unknown bits lets userspace probe: the new flag is compatible.
  assert.deepEqual(summary(checked, 'flag-bit-added'), [['flag-bit-added', 'VFIO_DEMO_CAPS', 'compatible']]);
  const alone = factsOf(header).find((f) => f.kind === 'flag-bit-added')!;
  assert.match(alone.detail!, /no handler using it is in this patch/);
  // The flag define inside the struct is not a struct member.
  assert.deepEqual(summary(unchecked, 'struct-member-inserted', 'struct-member-appended'), []);
});

test('ioctl numbers against the catalogue: same number, GET/SET pairs, other drivers on the same magic, per-fd families', () => {
  const hdrs = headersDir({
    'vhost.h': `#define VHOST_VIRTIO 0xAF
#define VHOST_GET_DEMO _IOR(VHOST_VIRTIO, 0x60, __u64)
#define VHOST_VDPA_DEMO _IOW(VHOST_VIRTIO, 0x70, __u32)
`,
    'other/fsl_demo.h': `#define FSL_DEMO_MAGIC 0xAF
#define FSL_DEMO_GET _IOWR(FSL_DEMO_MAGIC, 0x71, struct fsl_demo)
`,
    'vfio.h': `#define VFIO_TYPE (';')
#define VFIO_BASE 100
#define VFIO_DEVICE_DEMO _IO(VFIO_TYPE, VFIO_BASE + 5)
`,
  });
  const add = (line: string, path = 'include/uapi/linux/vhost.h') => factsOf(fileDiff(path, { at: 50, body: `\n #define DEMO_CONTEXT 1\n+${line}\n` }), { headersDir: hdrs });
  const same = only(add('#define VHOST_VDPA_NEW _IOW(VHOST_VIRTIO, 0x70, unsigned int)'), 'ioctl-number-reused');
  assert.deepEqual(summary(same), [['ioctl-number-reused', 'VHOST_VDPA_NEW', 'abi-break']]);
  assert.match(same[0]!.detail!, /same request number as VHOST_VDPA_DEMO .*type 0xaf, nr 0x70/);
  assert.deepEqual(only(add('#define VHOST_SET_DEMO _IOW(VHOST_VIRTIO, 0x60, __u64)'), 'ioctl-number-reused'), []);
  assert.deepEqual(only(add('#define VHOST_VDPA_OTHER _IOR(VHOST_VIRTIO, 0x71, __u32)'), 'ioctl-number-reused'), []);
  const dir = only(add('#define VHOST_VDPA_READ _IOR(VHOST_VIRTIO, 0x70, __u32)'), 'ioctl-number-reused');
  assert.deepEqual(summary(dir), [['ioctl-number-reused', 'VHOST_VDPA_READ', 'behaviour-change']]);
  // A container ioctl and a device ioctl are issued on different fds: sharing a number is not reuse.
  assert.deepEqual(only(add('#define VFIO_IOMMU_DEMO _IO(VFIO_TYPE, VFIO_BASE + 5)', 'include/uapi/linux/vfio.h'), 'ioctl-number-reused'), []);
  const fd = only(add('#define VFIO_DEVICE_OTHER _IO(VFIO_TYPE, VFIO_BASE + 5)', 'include/uapi/linux/vfio.h'), 'ioctl-number-reused');
  assert.deepEqual(summary(fd), [['ioctl-number-reused', 'VFIO_DEVICE_OTHER', 'abi-break']]);
  assert.match(fd[0]!.detail!, /type 0x3b, nr 0x69/);
  // Two new ioctls of one patch that collide with each other.
  const pair = factsOf(fileDiff('include/uapi/linux/vhost.h', { at: 50, body: `\n #define DEMO_CONTEXT 1\n+#define VHOST_X_ONE _IO(VHOST_VIRTIO, 0x90)\n+#define VHOST_X_TWO _IO(VHOST_VIRTIO, 0x90)\n` }), { headersDir: hdrs });
  assert.deepEqual(summary(pair, 'ioctl-number-reused'), [['ioctl-number-reused', 'VHOST_X_ONE', 'abi-break']]);
});
