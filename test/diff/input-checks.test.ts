// The guards of functions userspace reaches: which requests they reject, before and after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from './uapi/helpers.js';
import type { Fact } from '../../src/model/facts.js';
import { shapeOfCond, widensAcceptedMask } from '../../src/diff/facts/input-checks.js';

const of = (facts: Fact[]) => facts.filter((f) => f.kind === 'input-check-changed' || f.kind === 'error-return-removed').map((f) => [f.kind, f.symbol, f.function]);

const offloadGuard = (was: string, now: string) =>
  factsOf(
    fileDiff('drivers/net/tap.c', {
      at: 980,
      section: 'static long tap_ioctl(struct file *file, unsigned int cmd,',
      body: `
 \tcase TUNSETOFFLOAD:
-\t\tif (arg & ~(${was}))
+\t\tif (arg & ~(${now}))
 \t\t\treturn -EINVAL;`,
    }),
  );

test('an ioctl that accepts more offload flags refuses nothing it accepted: no guard change; one that accepts fewer is one, named with both conditions', () => {
  assert.deepEqual(of(offloadGuard('TUN_F_CSUM | TUN_F_TSO4 | TUN_F_UFO', 'TUN_F_CSUM | TUN_F_TSO4 | TUN_F_UFO | TUN_F_USO4 | TUN_F_USO6')), []);
  const narrowed = offloadGuard('TUN_F_CSUM | TUN_F_TSO4 | TUN_F_UFO', 'TUN_F_CSUM | TUN_F_TSO4');
  assert.deepEqual(of(narrowed), [['input-check-changed', 'EINVAL', 'tap_ioctl']]);
  assert.match(narrowed.find((f) => f.kind === 'input-check-changed')!.detail!, /^tap_ioctl\(\) now fails with -EINVAL when \(arg&~\(TUN_F_CSUM\|TUN_F_TSO4\)\) instead of when .*TUN_F_UFO/);
});

test('a guard deleted from a handler is reported; one moved into a helper, a renamed one and an allocation check are not', () => {
  const deleted = factsOf(
    fileDiff('drivers/vdpa/mlx5/net/mlx5_vnet.c', {
      at: 1500,
      section: 'static int mlx5_vdpa_get_vq_state(struct vdpa_device *vdev, u16 idx, struct vdpa_vq_state *state)',
      body: `
 \tstruct mlx5_vdpa_virtqueue *mvq = &ndev->vqs[idx];
-\tif (!mvq->initialized)
-\t\treturn -EAGAIN;
-
 \terr = query_virtqueue(ndev, mvq, &attr);`,
    }),
  );
  assert.deepEqual(of(deleted), [['error-return-removed', 'EAGAIN', 'mlx5_vdpa_get_vq_state']]);
  const moved = factsOf(
    fileDiff(
      'drivers/vhost/vhost.c',
      {
        at: 1600,
        section: 'long vhost_vring_ioctl(struct vhost_dev *d, unsigned int ioctl, void __user *argp)',
        body: `
 \tr = get_user(idx, idxp);
-\tif (idx >= d->nvqs)
-\t\treturn -ENOBUFS;
+\tr = vhost_get_vq_from_user(d, argp, &vq, &idx);`,
      },
      {
        at: 1580,
        section: 'static int vhost_get_vq_from_user(struct vhost_dev *d, void __user *argp,',
        body: `
 \tr = get_user(idx, idxp);
+\tif (idx >= d->nvqs)
+\t\treturn -ENOBUFS;`,
      },
    ),
  );
  assert.deepEqual(of(moved), []);
  // One hunk each: a renamed variable in the test, and an allocation failure that goes away.
  const unchanged: [string, string, string][] = [
    ['drivers/vfio/mdev/vfio_mdev.c', 'static int vfio_mdev_open(void *device_data)', '-\tif (unlikely(!parent->ops->open))\n+\tif (unlikely(!ops->open))\n \t\treturn -EINVAL;'],
    ['drivers/vhost/vhost.c', 'static int vhost_worker_ioctl(struct vhost_dev *dev)', '-\tworker = kzalloc(sizeof(*worker), GFP_KERNEL);\n-\tif (!worker)\n-\t\treturn -ENOMEM;\n+\tworker = vhost_worker_create(dev);'],
  ];
  for (const [path, section, body] of unchanged) assert.deepEqual(of(factsOf(fileDiff(path, { at: 50, section, body }))), [], section);
});

test('a guard in a guest driver function no user request reaches is no fact', () => {
  const facts = factsOf(
    fileDiff('drivers/virtio/virtio_ring.c', {
      at: 700,
      section: 'static int virtqueue_add_split(struct virtqueue *_vq,',
      body: `
-\tif (total_sg > vq->split.vring.num)
+\tif (total_sg >= vq->split.vring.num)
 \t\treturn -ENOSPC;`,
    }),
  );
  assert.deepEqual(of(facts), []);
});

test('a condition shape names no variable and keeps the test', () => {
  assert.equal(shapeOfCond('(!parent->ops->open)'), shapeOfCond('(!ops->open)'));
  assert.equal(shapeOfCond('(!(f & (1ULL << VIRTIO_F_IOMMU_PLATFORM)))'), shapeOfCond('(!(f & (1ULL << VIRTIO_F_ACCESS_PLATFORM)))'));
  assert.notEqual(shapeOfCond('(idx > vq->num)'), shapeOfCond('(idx >= vq->num)'));
  assert.notEqual(shapeOfCond('(arg & ~(A | B))'), shapeOfCond('(arg & ~(A | B | C))'));
});

test('a complemented mask that only gains constants widens what is accepted; any other rewrite does not', () => {
  assert.equal(widensAcceptedMask('(arg & ~(A | B))', '(arg & ~(A | B | C))'), true);
  assert.equal(widensAcceptedMask('(arg & ~(A | B))', '(arg & ~(A))'), false);
  assert.equal(widensAcceptedMask('(arg & ~(A | B))', '(arg & ~(A | B) || x > C)'), false);
  assert.equal(widensAcceptedMask('(arg & (A | B))', '(arg & (A | B | C))'), false);
});

test('a function is a handler by the ops member the patch puts it in, or by its sysfs attribute', () => {
  const body = `
 \tif (copy_from_user(&s, argp, sizeof(s)))
 \t\treturn -EFAULT;
+\tif (s.num > 64)
+\t\treturn -EBUSY;`;
  const errnos = (...hunks: Parameters<typeof fileDiff>[1][]) => factsOf(fileDiff('drivers/vhost/foo.c', ...hunks)).filter((f) => f.kind === 'error-return-added').map((f) => [f.symbol, f.function]);
  // Not a handler by name, and nothing in the patch says userspace calls it.
  assert.deepEqual(errnos({ at: 40, section: 'static long foo_dispatch(struct file *f, unsigned long arg)', body }), []);
  // The same function, once the patch shows it as a file operation.
  const fops = { at: 200, section: 'static const struct file_operations foo_fops = {', body: `
 \t.owner = THIS_MODULE,
 \t.unlocked_ioctl = foo_dispatch,` };
  assert.deepEqual(errnos({ at: 40, section: 'static long foo_dispatch(struct file *f, unsigned long arg)', body }, fops), [['EBUSY', 'foo_dispatch']]);
  // A sysfs attribute's methods, named in its definition.
  const section = 'static ssize_t limit_set(struct device *d, struct device_attribute *a, const char *buf, size_t n)';
  assert.deepEqual(errnos({ at: 40, section, body }), []);
  const attr = { at: 300, section: 'static struct attribute *foo_attrs[] = {', body: `
+static DEVICE_ATTR(limit, 0644, limit_get, limit_set);` };
  assert.deepEqual(errnos({ at: 40, section, body }, attr), [['EBUSY', 'limit_set']]);
});
