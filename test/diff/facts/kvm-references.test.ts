// kvm-stored-unreferenced and kvm-put-under-lock on hunks shaped like reviewed VFIO changes: the
// vfio core handing device->kvm over in open with no get, and a vfio-ap release dropping the VM
// reference under the matrix lock; and the near misses (a get beside the store, the getter
// itself, a put after the unlock, kvm_put_kvm_no_destroy, code outside VFIO).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';

const kinds = (facts: Fact[]) => facts.filter((f) => f.kind === 'kvm-stored-unreferenced' || f.kind === 'kvm-put-under-lock').map((f) => [f.kind, f.symbol, f.function]);

const open = (lines: string) => ({ at: 790, section: 'static int vfio_device_open(struct vfio_device *device,', body: `
 \tmutex_lock(&device->dev_set->lock);
 \tdevice->open_count++;
 \tif (device->open_count == 1) {
${lines}
 \t\tif (device->ops->open_device) {
 \t\t\tret = device->ops->open_device(device);` });

test('the vfio core now keeps the group\'s kvm pointer in the device with no reference taken', () => {
  const facts = factsOf(fileDiff('drivers/vfio/vfio_main.c', open('+\t\tdevice->kvm = device->group->kvm;')));
  assert.deepEqual(kinds(facts), [['kvm-stored-unreferenced', 'device->kvm', 'vfio_device_open']]);
  assert.match(String(facts.find((f) => f.kind === 'kvm-stored-unreferenced')!.detail), /^this patch stores a kvm pointer in device->kvm in vfio_device_open\(\) and no kvm reference is seen taken there .*not verified/);
});

test('near misses for the store: a get beside it, the getter itself, a NULL store, code outside VFIO', () => {
  assert.deepEqual(kinds(factsOf(fileDiff('drivers/vfio/vfio_main.c', open('+\t\tif (kvm_get_kvm_safe(device->group->kvm))\n+\t\t\tdevice->kvm = device->group->kvm;')))), []);
  assert.deepEqual(kinds(factsOf(fileDiff('drivers/vfio/vfio_main.c', { at: 400, section: 'static void vfio_device_get_kvm_safe(struct vfio_device *device, struct kvm *kvm)', body: `
 \tlockdep_assert_held(&device->dev_set->lock);
+\tdevice->kvm = kvm;` }))), []);
  assert.deepEqual(kinds(factsOf(fileDiff('drivers/vfio/vfio_main.c', open('+\t\tdevice->kvm = NULL;')))), []);
  assert.deepEqual(kinds(factsOf(fileDiff('drivers/vhost/vdpa.c', open('+\t\tdevice->kvm = device->group->kvm;')))), []);
});

const release = (body: string) => ({ at: 1300, section: 'static void vfio_ap_mdev_close_device(struct vfio_device *vdev)', body });

test('a vfio-ap close path that now drops the VM reference with the matrix lock held', () => {
  const facts = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', release(`
 \tmutex_lock(&matrix_dev->lock);
 \tif (matrix_mdev->kvm) {
 \t\tkvm_arch_crypto_clear_masks(matrix_mdev->kvm);
+\t\tkvm_put_kvm(matrix_mdev->kvm);
 \t\tmatrix_mdev->kvm = NULL;
 \t}
 \tmutex_unlock(&matrix_dev->lock);`)));
  assert.deepEqual(kinds(facts), [['kvm-put-under-lock', 'kvm_put_kvm', 'vfio_ap_mdev_close_device']]);
  assert.match(String(facts.find((f) => f.kind === 'kvm-put-under-lock')!.detail), /^this patch drops a kvm reference with kvm_put_kvm\(\) in vfio_ap_mdev_close_device\(\) while matrix_dev->lock is seen held \(not verified/);
});

test('near misses for the put: after the unlock, the no-destroy put, a put that only moved in context', () => {
  assert.deepEqual(kinds(factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', release(`
 \tmutex_lock(&matrix_dev->lock);
 \tkvm = matrix_mdev->kvm;
 \tmatrix_mdev->kvm = NULL;
 \tmutex_unlock(&matrix_dev->lock);
+\tif (kvm)
+\t\tkvm_put_kvm(kvm);`)))), []);
  assert.deepEqual(kinds(factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', release(`
 \tmutex_lock(&matrix_dev->lock);
+\tkvm_put_kvm_no_destroy(matrix_mdev->kvm);
 \tmutex_unlock(&matrix_dev->lock);`)))), []);
  assert.deepEqual(kinds(factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', release(`
 \tmutex_lock(&matrix_dev->lock);
 \tkvm_put_kvm(matrix_mdev->kvm);
+\tmatrix_mdev->kvm = NULL;
 \tmutex_unlock(&matrix_dev->lock);`)))), []);
});
