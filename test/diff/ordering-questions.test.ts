// The ordering questions: which interleaving a locking, RCU, barrier or wait change leaves open.
// Hunk shapes follow real virtualization patches; each case has a no-question twin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from './uapi/helpers.js';
import type { Fact } from '../../src/model/facts.js';

const questions = (facts: Fact[]) => facts.filter((f) => f.kind === 'ordering-question').map((f) => [f.symbol, f.function]);
/** The facts of one hunk of `path` inside the function `section` opens. */
const review = (path: string, section: string, body: string, at: number) => factsOf(fileDiff(path, { at, section, body }));
const detail = (facts: Fact[]) => facts.find((f) => f.kind === 'ordering-question')?.detail ?? '';

test('unlocked-access: a field the old code reached under a lock is now reached without it', () => {
  const facts = review('drivers/s390/crypto/vfio_ap_ops.c', 'static int vfio_ap_mdev_group_notifier(struct notifier_block *nb,', `
-\tmutex_lock(&matrix_dev->lock);
 \tmatrix_mdev = container_of(nb, struct ap_matrix_mdev, group_notifier);
 \tif (!data)
-\t\tvfio_ap_mdev_unset_kvm(matrix_mdev);
+\t\tvfio_ap_mdev_unset_kvm(matrix_mdev, matrix_mdev->kvm);
-\tmutex_unlock(&matrix_dev->lock);
 \treturn notify_rc;`, 1183);
  assert.deepEqual(questions(facts), [['matrix_mdev->kvm', 'vfio_ap_mdev_group_notifier']]);
  assert.match(detail(facts), /vfio_ap_mdev_group_notifier\(\) now reaches matrix_mdev->kvm outside matrix_dev->lock/);
});

test('unlocked-access: no question when the section moves into a helper the function now calls', () => {
  const facts = review('drivers/vhost/vsock.c', 'static void vhost_vsock_work(struct vhost_work *work)', `
-\tspin_lock_bh(&vsock->send_pkt_list_lock);
-\tvsock->pending = 0;
-\tspin_unlock_bh(&vsock->send_pkt_list_lock);
+\tvhost_vsock_clear_pending(vsock);
 \tvhost_poll_queue(&vsock->poll);
 }
+
+static void vhost_vsock_clear_pending(struct vhost_vsock *vsock)
+{
+\tspin_lock_bh(&vsock->send_pkt_list_lock);
+\tvsock->pending = 0;
+\tspin_unlock_bh(&vsock->send_pkt_list_lock);
+}`, 200);
  assert.deepEqual(questions(facts), []);
});

test('a lock taken above the hunk on both sides is still held: a removed wait that dropped it raises nothing', () => {
  const facts = review('drivers/s390/crypto/vfio_ap_ops.c', 'static int handle_pqap(struct kvm_vcpu *vcpu)', `
 \tmatrix_mdev = container_of(vcpu->kvm->arch.crypto.pqap_hook, struct ap_matrix_mdev, pqap_hook);
-\twait_event_cmd(matrix_mdev->wait_for_kvm, !matrix_mdev->kvm_busy,
-\t\t       mutex_unlock(&matrix_dev->lock),
-\t\t       mutex_lock(&matrix_dev->lock));
 \tif (!matrix_mdev->kvm)
 \t\tgoto out_unlock;`, 294);
  assert.deepEqual(questions(facts), []);
});

test('lookup-without-reference: an RCU-found pointer used after the read section, pinned only by a module reference', () => {
  const facts = review('drivers/s390/kvm/priv.c', 'static int handle_pqap(struct kvm_vcpu *vcpu)', `
 \tif (!(vcpu->arch.sie_block->eca & ECA_APIE))
 \t\treturn -EOPNOTSUPP;
+\trcu_read_lock();
+\thook = rcu_dereference(vcpu->kvm->arch.crypto.pqap_hook);
+\tif (hook && try_module_get(hook->owner)) {
+\t\trcu_read_unlock();
+\t\tret = hook->hook(vcpu);
+\t\tmodule_put(hook->owner);
+\t\treturn ret;
+\t}
+\trcu_read_unlock();`, 610);
  assert.deepEqual(questions(facts), [['hook', 'handle_pqap']]);
  assert.match(detail(facts), /finds hook with rcu_dereference\(\) under the RCU read section and uses it after/);
});

test('lookup-without-reference: no question when a reference is taken or the object is unlinked under the lock', () => {
  const body = (pin: string) => `
 \tstruct iommufd_object *obj;
+\txa_lock(&ictx->objects);
+\tobj = xa_load(&ictx->objects, id);
+\t${pin}
+\txa_unlock(&ictx->objects);
+\treturn obj->type;`;
  for (const pin of ['refcount_inc(&obj->users);', 'list_del(&obj->node);']) {
    const facts = factsOf(fileDiff('drivers/iommu/iommufd/main.c', { at: 300, section: 'static int iommufd_object_type(struct iommufd_ctx *ictx, u32 id)', body: body(pin) }));
    assert.deepEqual(questions(facts), [], pin);
  }
  const facts = factsOf(fileDiff('drivers/iommu/iommufd/main.c', { at: 300, section: 'static int iommufd_object_type(struct iommufd_ctx *ictx, u32 id)', body: body('') }));
  assert.deepEqual(questions(facts), [['obj', 'iommufd_object_type']]);
});

test('teardown-without-wait: a flush removed from a release path; a flush replaced by another wait is none', () => {
  const removed = review('drivers/vhost/net.c', 'static int vhost_net_release(struct inode *inode, struct file *f)', `
 \tvhost_net_stop(n, &tx_sock, &rx_sock);
-\tvhost_net_flush(n);
 \tvhost_dev_stop(&n->dev);
 \tkfree(n->vqs);`, 1400);
  assert.deepEqual(questions(removed), [['n', 'vhost_net_release']]);
  assert.match(detail(removed), /vhost_net_release\(\) no longer calls vhost_net_flush\(n\) while tearing down/);
  const replaced = review('drivers/vhost/vhost.c', 'static void vhost_worker_free(struct vhost_dev *dev)', `
-\tkthread_stop(worker->task);
+\tvhost_task_stop(worker->vtsk);
 \tkfree(worker);`, 700);
  assert.deepEqual(questions(replaced), []);
});

test('sleep-in-atomic: copy_to_user inside a spinlock; the same copy after the unlock is none', () => {
  const inside = review('drivers/vfio/pci/vfio_pci_core.c', 'static long vfio_pci_ioctl_get_info(struct vfio_pci_core_device *vdev, void __user *arg)', `
 \tspin_lock_irq(&vdev->irqlock);
 \tinfo.flags = vdev->flags;
+\tif (copy_to_user(arg, &info, minsz))
+\t\tret = -EFAULT;
 \tspin_unlock_irq(&vdev->irqlock);`, 900);
  assert.deepEqual(questions(inside), [['copy_to_user', 'vfio_pci_ioctl_get_info']]);
  const after = review('drivers/vfio/pci/vfio_pci_core.c', 'static long vfio_pci_ioctl_get_info(struct vfio_pci_core_device *vdev, void __user *arg)', `
 \tspin_lock_irq(&vdev->irqlock);
 \tinfo.flags = vdev->flags;
 \tspin_unlock_irq(&vdev->irqlock);
+\tif (copy_to_user(arg, &info, minsz))
+\t\tret = -EFAULT;`, 900);
  assert.deepEqual(questions(after), []);
});

test('barrier-dropped: a write barrier removed between two stores; one replaced by another barrier is none', () => {
  const removed = review('drivers/vhost/vhost.c', 'static int vhost_update_used_flags(struct vhost_virtqueue *vq)', `
 \tvq->used->flags = cpu_to_vhost16(vq, vq->used_flags);
-\tsmp_wmb();
 \tvq->log_used = true;`, 2000);
  assert.deepEqual(questions(removed), [['smp_wmb', 'vhost_update_used_flags']]);
  const replaced = review('drivers/vhost/vhost.c', 'static int vhost_update_used_flags(struct vhost_virtqueue *vq)', `
 \tvq->used->flags = cpu_to_vhost16(vq, vq->used_flags);
-\tsmp_wmb();
+\tvhost_wmb(vq);
 \tvq->log_used = true;`, 2000);
  assert.deepEqual(questions(replaced), []);
});

test('lookup-without-reference: an index lookup with no section whose reference the patch moves out of the path', () => {
  const facts = review('drivers/iommu/iommufd/main.c', 'static int iommufd_fops_mmap(struct file *filp, struct vm_area_struct *vma)', `
 \tstruct iommufd_mmap *immap;
 \timmap = mtree_load(&ictx->mt_mmap, vma->vm_pgoff << PAGE_SHIFT);
 \tif (!immap)
 \t\treturn -ENXIO;
-\trc = io_remap_pfn_range(vma, vma->vm_start, immap->mmio_addr >> PAGE_SHIFT, length, vma->vm_page_prot);
-\trefcount_inc(&immap->owner->users);
+\tdesc->action.success_hook = iommufd_mmap_success;
+\tmmap_action_ioremap_full(desc, immap->mmio_addr >> PAGE_SHIFT);
 \treturn rc;`, 540);
  assert.deepEqual(questions(facts), [['immap', 'iommufd_fops_mmap']]);
  assert.match(detail(facts), /finds immap with mtree_load\(\) and uses it with no lock, RCU section or reference visible \(the patch removes refcount_inc/);
  // The same lookup with the reference still taken, or under a lockdep assertion, is none.
  const kept = review('drivers/iommu/iommufd/main.c', 'static int iommufd_fops_mmap(struct file *filp, struct vm_area_struct *vma)', `
 \tlockdep_assert_held(&ictx->mt_lock);
 \timmap = mtree_load(&ictx->mt_mmap, vma->vm_pgoff << PAGE_SHIFT);
+\tmmap_action_ioremap_full(desc, immap->mmio_addr >> PAGE_SHIFT);
 \treturn rc;`, 540);
  assert.deepEqual(questions(kept), []);
});

test('lock-order: a lock newly taken around or inside another; the nesting the old code had is none', () => {
  const nested = review('drivers/s390/crypto/vfio_ap_ops.c', 'static void vfio_ap_mdev_unset_kvm(struct ap_matrix_mdev *matrix_mdev)', `
+\tmutex_lock(&kvm->lock);
 \tmutex_lock(&matrix_dev->lock);
 \tvfio_ap_mdev_reset_queues(matrix_mdev->mdev);
 \tmutex_unlock(&matrix_dev->lock);
+\tmutex_unlock(&kvm->lock);`, 1160);
  assert.deepEqual(questions(nested), [['matrix_dev->lock', 'vfio_ap_mdev_unset_kvm']]);
  assert.match(detail(nested), /now takes matrix_dev->lock while holding kvm->lock/);
  const same = review('drivers/s390/crypto/vfio_ap_ops.c', 'static void vfio_ap_mdev_unset_kvm(struct ap_matrix_mdev *matrix_mdev)', `
 	mutex_lock(&kvm->lock);
 	mutex_lock(&matrix_dev->lock);
-	vfio_ap_mdev_reset_queues(matrix_mdev->mdev);
+	vfio_ap_mdev_reset_queues(matrix_mdev);
 	mutex_unlock(&matrix_dev->lock);
 	mutex_unlock(&kvm->lock);`, 1160);
  assert.deepEqual(questions(same), []);
  const inner = review('drivers/s390/crypto/vfio_ap_ops.c', 'static void vfio_ap_mdev_unset_kvm(struct ap_matrix_mdev *matrix_mdev)', `
 \tmutex_lock(&matrix_dev->lock);
+\tmutex_lock(&kvm->lock);
 \tvfio_ap_mdev_reset_queues(matrix_mdev->mdev);
+\tmutex_unlock(&kvm->lock);
 \tmutex_unlock(&matrix_dev->lock);`, 1160);
  assert.deepEqual(questions(inner), [['kvm->lock', 'vfio_ap_mdev_unset_kvm']]);
});

test('work-never-cancelled: a work item set up with no cancel in the patch; one cancelled in remove is none', () => {
  const probe = {
    at: 3000,
    section: 'static int virtnet_probe(struct virtio_device *vdev)',
    body: `
 \tvi->vdev = vdev;
+\tINIT_WORK(&vi->reset_work, virtnet_reset_work);
 \tvdev->priv = vi;`,
  };
  const alone = factsOf(fileDiff('drivers/net/virtio_net.c', probe));
  assert.deepEqual(questions(alone), [['vi->reset_work', 'virtnet_probe']]);
  const cancelled = factsOf(
    fileDiff('drivers/net/virtio_net.c', probe, {
      at: 3300,
      section: 'static void virtnet_remove(struct virtio_device *vdev)',
      body: `
 \tstruct virtnet_info *vi = vdev->priv;
+\tcancel_work_sync(&vi->reset_work);
 \tunregister_netdev(vi->dev);`,
    }),
  );
  assert.deepEqual(questions(cancelled), []);
});

test('unlocked-access: a lookup the old code made inside an RCU read section now made outside it', () => {
  const facts = review('drivers/vhost/net.c', 'static void handle_tx(struct vhost_net *net)', `
-\trcu_read_lock();
 \tsock = rcu_dereference(vq->private_data);
 \tif (sock)
 \t\tsock->ops->sendmsg(sock, &msg, len);
-\trcu_read_unlock();`, 900);
  assert.deepEqual(questions(facts), [['sock', 'handle_tx']]);
  assert.match(detail(facts), /handle_tx\(\) now finds sock with rcu_dereference\(\) outside the RCU read section/);
});

test('unpublished-then-freed: an RCU pointer replaced and the old object freed with no grace period', () => {
  const body = (between: string) => `
 \told = rcu_dereference_protected(dev->map, lockdep_is_held(&dev->lock));
+\trcu_assign_pointer(dev->map, map);${between}
+\tkfree(old);
 \treturn 0;`;
  const section = 'static int vdev_set_map(struct vdev *dev, struct vmap *map)';
  const racy = factsOf(fileDiff('drivers/vdpa/vdpa_user/vduse_dev.c', { at: 400, section, body: body('') }));
  assert.deepEqual(questions(racy), [['dev->map', 'vdev_set_map']]);
  assert.match(detail(racy), /replaces dev->map with rcu_assign_pointer\(\) and then frees with kfree\(\)/);
  const waited = factsOf(fileDiff('drivers/vdpa/vdpa_user/vduse_dev.c', { at: 400, section, body: body('\n+\tsynchronize_rcu();') }));
  assert.deepEqual(questions(waited), []);
});

test('a lock the patch retires (its member declaration removed) and replaces in each function is no lock removed or access left unlocked', () => {
  // The shape of "vdpa/mlx5: Move mr mutex out of mr struct".
  const header = fileDiff('drivers/vdpa/mlx5/core/mlx5_vdpa.h', {
    at: 34,
    section: 'struct mlx5_vdpa_mr {',
    body: `
 \tbool initialized;
-\tstruct mutex mkey_mtx;
 \tbool user_mr;`,
  });
  const code = fileDiff('drivers/vdpa/mlx5/core/mr.c', {
    at: 600,
    section: 'int mlx5_vdpa_handle_set_map(struct mlx5_vdpa_dev *mvdev, struct vhost_iotlb *iotlb,',
    body: `
-\tmutex_lock(&mr->mkey_mtx);
+\tmutex_lock(&mvdev->mr_mtx);
 \tif (mr->initialized) {
 \t\terr = mlx5_vdpa_update_mr(mvdev, iotlb);
 \t}
-\tmutex_unlock(&mr->mkey_mtx);
+\tmutex_unlock(&mvdev->mr_mtx);`,
  });
  const kinds = (facts: Fact[]) => facts.filter((f) => f.kind === 'lock-removed' || f.kind === 'ordering-question').map((f) => `${f.kind} ${f.symbol}`);
  assert.deepEqual(kinds(factsOf([header, code])), []);
  // With the old lock still declared, the field has changed hands: both are raised.
  assert.deepEqual(kinds(factsOf([code])).sort(), ['lock-removed mr->mkey_mtx', 'ordering-question mr->initialized']);
});
