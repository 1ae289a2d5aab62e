// guarded-field-unlocked on hunks shaped like reviewed vfio-ap and vfio-ccw changes: a member the
// patch shows written under matrix_dev->lock in one function and written or tested by an added
// line of another function with no lock in view; and the near misses that must stay quiet (the
// new line is under the lock, the function drops a lock its caller took, a setup function, a
// file outside VFIO, a file the patch adds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';

const guarded = (facts: Fact[]) => facts.filter((f) => f.kind === 'guarded-field-unlocked').map((f) => [f.symbol, f.function]);

/** The notifier side: the kvm pointer set under the matrix lock (context the patch shows). */
const setKvm = { at: 1040, section: 'static int vfio_ap_mdev_set_kvm(struct ap_matrix_mdev *matrix_mdev,', body: `
 {
 \tmutex_lock(&matrix_dev->lock);
 \tmatrix_mdev->kvm = kvm;
+\tkvm_get_kvm(kvm);
 \tmutex_unlock(&matrix_dev->lock);
 \treturn 0;
 }` };

const store = (body: string) => ({ at: 610, section: 'static ssize_t assign_domain_store(struct device *dev,', body });

test('a sysfs store that now tests the kvm pointer with no lock, which the notifier sets under matrix_dev->lock', () => {
  const facts = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', store(`
 \tstruct ap_matrix_mdev *matrix_mdev = dev_get_drvdata(dev);
 
+\tif (matrix_mdev->kvm)
+\t\treturn -EBUSY;
 \tret = kstrtoul(buf, 0, &apqi);
 \tif (ret)
 \t\treturn ret;`), setKvm));
  assert.deepEqual(guarded(facts), [['matrix_mdev->kvm', 'assign_domain_store']]);
  const f = facts.find((x) => x.kind === 'guarded-field-unlocked')!;
  assert.match(String(f.detail), /^this patch tests matrix_mdev->kvm in assign_domain_store\(\) with no lock seen held, while the patch reads or writes ->kvm under matrix_dev->lock in vfio_ap_mdev_set_kvm\(\) \(not verified/);
});

test('a release path that now clears a hook member of the kvm outside the lock the notifier holds for it', () => {
  const facts = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c',
    { at: 1040, section: 'static int vfio_ap_mdev_set_kvm(struct ap_matrix_mdev *matrix_mdev,', body: `
 \tmutex_lock(&matrix_dev->lock);
 \tkvm->arch.crypto.pqap_hook = &matrix_mdev->pqap_hook;
+\tmatrix_mdev->kvm = kvm;
 \tmutex_unlock(&matrix_dev->lock);` },
    { at: 1200, section: 'static void vfio_ap_mdev_release(struct mdev_device *mdev)', body: `
 \tstruct ap_matrix_mdev *matrix_mdev = mdev_get_drvdata(mdev);
 
+\tmatrix_mdev->kvm->arch.crypto.pqap_hook = NULL;
 \tvfio_ap_mdev_reset_queues(mdev);` }));
  assert.deepEqual(guarded(facts), [['matrix_mdev->kvm->arch.crypto.pqap_hook', 'vfio_ap_mdev_release']]);
});

test('near misses: the new test under the lock, a function that drops the caller\'s lock, a setup function', () => {
  const underLock = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', store(`
 \tstruct ap_matrix_mdev *matrix_mdev = dev_get_drvdata(dev);
 
+\tmutex_lock(&matrix_dev->lock);
+\tif (matrix_mdev->kvm) {
+\t\tmutex_unlock(&matrix_dev->lock);
+\t\treturn -EBUSY;
+\t}`), setKvm));
  assert.deepEqual(guarded(underLock), []);
  const callerHolds = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', setKvm,
    { at: 1180, section: 'static void vfio_ap_mdev_unset_kvm(struct ap_matrix_mdev *matrix_mdev)', body: `
 \tif (matrix_mdev->kvm) {
+\t\tmutex_unlock(&matrix_dev->lock);
+\t\tkvm_arch_crypto_clear_masks(matrix_mdev->kvm);
+\t\tmutex_lock(&matrix_dev->lock);
+\t\tmatrix_mdev->kvm = NULL;
 \t}` }));
  assert.deepEqual(guarded(callerHolds), []);
  const setup = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', setKvm,
    { at: 340, section: 'static int vfio_ap_mdev_probe(struct mdev_device *mdev)', body: `
 \tmatrix_mdev->mdev = mdev;
+\tmatrix_mdev->kvm = NULL;
 \tvfio_ap_matrix_init(&matrix_dev->info, &matrix_mdev->matrix);` }));
  assert.deepEqual(guarded(setup), []);
});

test('near misses: the same shape outside VFIO code, and in a file the patch adds', () => {
  const body = (path: string) => fileDiff(path, { at: 1040, section: 'static int foo_set_kvm(struct foo *foo, struct kvm *kvm)', body: `
 \tmutex_lock(&foo->lock);
 \tfoo->kvm = kvm;
 \tmutex_unlock(&foo->lock);` }, { at: 1200, section: 'static void foo_release(struct foo *foo)', body: `
 \tfoo_stop(foo);
+\tfoo->kvm = NULL;` });
  assert.deepEqual(guarded(factsOf(body('drivers/s390/crypto/vfio_ap_ops.c'))), [['foo->kvm', 'foo_release']]);
  assert.deepEqual(guarded(factsOf(body('drivers/vhost/foo.c'))), []);
  const added = body('samples/vfio-mdev/foo.c').replace('index 1111111..2222222 100644', 'new file mode 100644\nindex 0000000..2222222').replace('--- a/samples', '--- /dev/null\n--- a/samples').replace(/\n--- a\/samples\/vfio-mdev\/foo.c/, '');
  assert.deepEqual(guarded(factsOf(added)), []);
});

test('near misses: an ops table, an object the function allocates, a helper the patch calls under the lock', () => {
  const locked = { at: 1040, section: 'static int vfio_ap_mdev_set_kvm(struct ap_matrix_mdev *matrix_mdev,', body: `
 \tmutex_lock(&matrix_dev->lock);
 \tmatrix_mdev->kvm = kvm;
 \tq->matrix_mdev = matrix_mdev;
+\tvfio_ap_link_queue(q, matrix_mdev);
 \tinfo->ops = ops;
 \tmutex_unlock(&matrix_dev->lock);` };
  const other = (section: string, body: string) => ({ at: 1200, section, body });
  const facts = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', locked,
    other('static void vfio_ap_link_queue(struct vfio_ap_queue *q, struct ap_matrix_mdev *matrix_mdev)', `
 \tif (!q)
 \t\treturn;
+\tq->matrix_mdev = matrix_mdev;`),
    other('static int vfio_ap_fill_info(struct vfio_ap_info *info)', `
 \tstruct vfio_ap_info *cap;
+\tcap = kzalloc(sizeof(*cap), GFP_KERNEL);
+\tcap->kvm = info->kvm;
+\tif (info->ops->kvm)
+\t\treturn 0;`)));
  assert.deepEqual(guarded(facts), []);
});
