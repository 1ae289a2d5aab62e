// The lifecycle-path detectors (dropped failures, what a reset releases or stops waiting for,
// replace paths that assume a current object) on hunk shapes taken from real patches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from './uapi/helpers.js';
import type { Fact } from '../../src/model/facts.js';

/** The facts of one hunk in one file. */
const inFile = (path: string, at: number, section: string | undefined, body: string) => factsOf(fileDiff(path, section === undefined ? { at, body } : { at, section, body }));
const of = (facts: Fact[], kind: string) => facts.filter((f) => f.kind === kind).map((f) => [f.symbol, f.function]);

/** vfio_pci_core_finish_enable() with the given lines added after its first statement. */
const finishEnable = (lines: string) =>
  fileDiff('drivers/vfio/pci/vfio_pci_core.c', { at: 470, section: 'void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev)', body: `\n \tvfio_pci_probe_mmaps(vdev);\n${lines}\n }` });

test('failure ignored: a new failing helper called from an enable path with its result dropped', () => {
  const facts = factsOf([
    finishEnable('+\tvfio_pci_zdev_open(vdev);'),
    fileDiff('drivers/vfio/pci/vfio_pci_zdev.c', {
      at: 137,
      body: `
 
+int vfio_pci_zdev_open(struct vfio_pci_core_device *vdev)
+{
+\tstruct zpci_dev *zdev = to_zpci(vdev->pdev);
+
+\tif (!zdev)
+\t\treturn -ENODEV;
+\treturn 0;
+}`,
    }),
  ]);
  assert.deepEqual(of(facts, 'failure-ignored'), [['vfio_pci_zdev_open', 'vfio_pci_core_finish_enable']]);
  assert.match(facts.find((f) => f.kind === 'failure-ignored')!.detail!, /^vfio_pci_core_finish_enable\(\) calls vfio_pci_zdev_open\(\) and drops its result/);
});

test('failure ignored: the same call with its result checked, or in a data path, is no fact', () => {
  const facts = factsOf([
    finishEnable('+\tret = vfio_pci_zdev_open(vdev);\n+\tif (ret)\n+\t\tgoto out;'),
    fileDiff('drivers/vhost/vhost.c', {
      at: 900,
      section: 'static int fetch_indirect_descs(struct vhost_virtqueue *vq)',
      body: `
 \t\t}
+\t\tpush_split_desc(vq, &desc, head);
 \t}`,
    }),
    fileDiff('drivers/vfio/pci/vfio_pci_zdev.c', {
      at: 137,
      body: `
 
+int vfio_pci_zdev_open(struct vfio_pci_core_device *vdev)
+{
+\treturn -ENODEV;
+}
+static int push_split_desc(struct vhost_virtqueue *vq, struct vring_desc *desc, u16 id)
+{
+\treturn -ENOBUFS;
+}`,
    }),
  ]);
  assert.deepEqual(of(facts, 'failure-ignored'), []);
});

test('failure ignored: a registered debug area used with no check, and one that is checked', () => {
  const body = (check: string) => `
+static int __init vfio_ap_debug_init(void)
+{
+\tmatrix_dev->dbf = debug_register(VFIO_AP_DRV_NAME, 1, 1,
+\t\t\t\t\t DBF_SPRINTF_MAX_ARGS * sizeof(long));
${check}+\tdebug_register_view(matrix_dev->dbf, &debug_sprintf_view);
+\tdebug_set_level(matrix_dev->dbf, dbglvl);
+
+\treturn 0;
+}`;
  const unchecked = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_drv.c', { at: 207, body: body('') }));
  assert.deepEqual(of(unchecked, 'failure-ignored'), [['debug_register', 'vfio_ap_debug_init']]);
  const checked = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_drv.c', { at: 207, body: body('+\tif (!matrix_dev->dbf)\n+\t\treturn -ENOENT;\n') }));
  assert.deepEqual(of(checked, 'failure-ignored'), []);
});

test('reset path: a reset that frees IRQs or unbinds the mm, and one that stops reading the status back', () => {
  const facts = factsOf([
    fileDiff(
      'drivers/vdpa/vdpa_sim/vdpa_sim.c',
      {
        at: 178,
        section: 'static void vdpasim_do_reset(struct vdpasim *vdpasim)',
        body: `
 \tint i;
 
+\tvdpasim_worker_unbind_mm(vdpasim);
+
 \tspin_lock(&vdpasim->iommu_lock);`,
      },
    ),
    fileDiff('drivers/vdpa/ifcvf/ifcvf_base.c', {
      at: 170,
      section: 'void ifcvf_set_status(struct ifcvf_hw *hw, u8 status)',
      body: `
 
 void ifcvf_reset(struct ifcvf_hw *hw)
 {
-\thw->config_cb.callback = NULL;
-\thw->config_cb.private = NULL;
-
 \tifcvf_set_status(hw, 0);
-\t/* flush set_status, make sure VF is stopped, reset */
-\tifcvf_get_status(hw);
 }`,
    }),
  ]);
  assert.deepEqual(of(facts, 'reset-path-changed'), [
    ['vdpasim_worker_unbind_mm', 'vdpasim_do_reset'],
    ['ifcvf_get_status', 'ifcvf_reset'],
  ]);
  assert.match(facts.find((f) => f.symbol === 'ifcvf_get_status')!.detail!, /^ifcvf_reset\(\) no longer calls ifcvf_get_status\(\)/);
});

test('reset path: IRQs freed in remove, or a read-back that only moved, is no fact', () => {
  const facts = factsOf(
    fileDiff(
      'drivers/vdpa/ifcvf/ifcvf_main.c',
      {
        at: 800,
        section: 'static void ifcvf_remove(struct pci_dev *pdev)',
        body: `
 \tvdpa_unregister_device(&adapter->vdpa);
+\tifcvf_free_irq(vf);`,
      },
      {
        at: 900,
        section: 'static int ifcvf_vdpa_reset(struct vdpa_device *vdpa_dev)',
        body: `
-\tifcvf_get_status(vf);
 \tifcvf_stop_datapath(adapter);
+\tifcvf_get_status(vf);`,
      },
    ),
  );
  assert.deepEqual(of(facts, 'reset-path-changed'), []);
});

test('reset path: a reset that gains any call named as a release is a fact; a release renamed in the same reset is not', () => {
  const facts = factsOf([
    fileDiff('drivers/vdpa/vdpa_sim/vdpa_sim.c', {
      at: 140,
      section: 'static void vdpasim_do_reset(struct vdpasim *vdpasim)',
      body: `
 \tfor (i = 0; i < vdpasim->dev_attr.nas; i++)
+\t\tvhost_iotlb_del_range(&vdpasim->iommu[i], 0, ULONG_MAX);
 \tvdpasim->running = true;`,
    }),
    fileDiff('drivers/vdpa/mlx5/net/mlx5_vnet.c', {
      at: 2900,
      section: 'static int mlx5_vdpa_reset(struct vdpa_device *vdev)',
      body: `
 \tteardown_driver(ndev);
-\tmlx5_vdpa_destroy_mr_asid(&ndev->mvdev, 0);
+\tmlx5_vdpa_destroy_mr_resources(&ndev->mvdev);
 \tndev->mvdev.status = 0;`,
    }),
  ]);
  assert.deepEqual(of(facts, 'reset-path-changed'), [['vhost_iotlb_del_range', 'vdpasim_do_reset']]);
  assert.match(facts.find((f) => f.kind === 'reset-path-changed')!.detail!, /^vdpasim_do_reset\(\) now calls vhost_iotlb_del_range\(\) on reset: unless it is set up again/);
});

test('reset path: a queue reset freeing its ring, a helper swapped on the same object, a local buffer freed are no fact', () => {
  const facts = factsOf([
    // A per-queue reset (VIRTIO_F_RING_RESET) frees and re-creates that queue by design.
    fileDiff('drivers/virtio/virtio_pci_modern.c', {
      at: 200,
      section: 'static int vp_modern_reset_vq(struct virtqueue *vq)',
      body: `
 \tvp_modern_set_queue_reset(mdev, vq->index);
+\tlist_del(&info->node);
+\tvring_free(vq);
 \treturn 0;`,
    }),
    // The same object handed to a replacement helper: a rename, not a new release.
    fileDiff('drivers/vhost/vhost.c', {
      at: 640,
      section: 'void vhost_dev_reset_owner(struct vhost_dev *dev, struct vhost_iotlb *umem)',
      body: `
-\tvhost_umem_clean(dev->iotlb);
+\tvhost_iotlb_free(dev->iotlb);
 \tdev->iotlb = NULL;`,
    }),
    // A buffer the reset allocates and frees itself.
    fileDiff('drivers/s390/virtio/virtio_ccw.c', {
      at: 840,
      section: 'static void virtio_ccw_reset(struct virtio_device *vdev)',
      body: `
+\tccw = vc_dma_alloc_struct(vdev, ccw);
 \tccw_io_helper(vcdev, ccw, VIRTIO_CCW_DOING_RESET);
+\tvc_dma_free_struct(vdev, ccw);`,
    }),
    // The same release with its argument rewritten (the helper now takes another struct).
    fileDiff('drivers/vdpa/ifcvf/ifcvf_main.c', {
      at: 500,
      section: 'static int ifcvf_vdpa_reset(struct vdpa_device *vdpa_dev)',
      body: `
 \tif (status_old & VIRTIO_CONFIG_S_DRIVER_OK) {
-\t\tifcvf_free_irq(adapter);
+\t\tifcvf_free_irq(vf);
 \t}`,
    }),
    // A member the patch newly allocates elsewhere, released where the device is reset.
    fileDiff(
      'drivers/vdpa/vdpa_sim/vdpa_sim.c',
      { at: 140, section: 'static void vdpasim_do_reset(struct vdpasim *vdpasim)', body: `
 \tvdpasim->running = true;
+\tvhost_iotlb_del_range(vdpasim->shadow, 0, ULONG_MAX);` },
      { at: 400, section: 'struct vdpasim *vdpasim_create(struct vdpasim_dev_attr *dev_attr)', body: `
 \tvdpasim->dev_attr = *dev_attr;
+\tvdpasim->shadow = vhost_iotlb_alloc(0, 0);` },
    ),
  ]);
  assert.deepEqual(of(facts, 'reset-path-changed'), []);
});

test('replace path: the current object dereferenced unchecked, and an optional callback called unchecked', () => {
  const facts = factsOf([
    fileDiff('drivers/iommu/iommufd/device.c', {
      at: 300,
      body: `
+static struct iommufd_hw_pagetable *
+iommufd_device_do_replace(struct iommufd_device *idev,
+\t\t\t  struct iommufd_hw_pagetable *hwpt)
+{
+\tstruct iommufd_group *igroup = idev->igroup;
+\tstruct iommufd_hw_pagetable *old_hwpt;
+
+\told_hwpt = igroup->hwpt;
+\tif (hwpt->ioas != old_hwpt->ioas)
+\t\treturn NULL;
+\treturn old_hwpt;
+}`,
    }),
    fileDiff('drivers/iommu/iommufd/device.c', {
      at: 712,
      section: 'int iommufd_access_set_ioas(struct iommufd_access *access, u32 ioas_id)',
      body: `
 \t}
 
+\tmutex_unlock(&access->ioas_lock);
+\taccess->ops->unmap(access->data, 0, ULONG_MAX);
+\tmutex_lock(&access->ioas_lock);`,
    }),
  ]);
  assert.deepEqual(of(facts, 'replace-current-unchecked'), [
    ['old_hwpt', 'iommufd_device_do_replace'],
    ['unmap', 'iommufd_access_set_ioas'],
  ]);
});

test('replace path: a checked current object and a guarded callback are no fact', () => {
  const facts = inFile('drivers/iommu/iommufd/device.c', 300, undefined, `
+static int iommufd_device_do_replace(struct iommufd_device *idev)
+{
+\tstruct iommufd_hw_pagetable *old_hwpt;
+
+\told_hwpt = idev->igroup->hwpt;
+\tif (!old_hwpt)
+\t\treturn -EINVAL;
+\tif (old_hwpt->ioas)
+\t\treturn 0;
+\tif (idev->access->ops->unmap)
+\t\tidev->access->ops->unmap(idev->access->data, 0, ULONG_MAX);
+\treturn 0;
+}`);
  assert.deepEqual(of(facts, 'replace-current-unchecked'), []);
});

test('sysfs: a removed attribute group and a dropped backing op are facts; one re-created elsewhere is not', () => {
  const removed = factsOf(
    fileDiff(
      'drivers/s390/crypto/vfio_ap_drv.c',
      {
        at: 104,
        section: 'static int vfio_ap_queue_dev_probe(struct ap_device *apdev)',
        body: `
 \tq->apqn = to_ap_queue(&apdev->device)->qid;
-\tret = sysfs_create_group(&apdev->device.kobj, &vfio_queue_attr_group);
-\tif (ret)
-\t\treturn ret;
 \treturn 0;`,
      },
      {
        at: 620,
        section: 'struct mdev_driver vfio_ccw_mdev_driver = {',
        body: `
 \t.remove = vfio_ccw_mdev_remove,
-\t.get_available = vfio_ccw_get_available,
 };`,
      },
    ),
  );
  assert.deepEqual(of(removed, 'sysfs-attribute-removed'), [['vfio_queue_attr_group', 'vfio_ap_queue_dev_probe']]);
  assert.match(removed.find((f) => f.kind === 'sysfs-attribute-removed')!.detail!, /no longer creates the sysfs attribute group vfio_queue_attr_group/);
  const op = factsOf(fileDiff('drivers/s390/cio/vfio_ccw_ops.c', { at: 620, section: 'struct mdev_driver vfio_ccw_mdev_driver = {', body: '\n \t.remove = vfio_ccw_mdev_remove,\n-\t.get_available = vfio_ccw_get_available,\n };' }));
  assert.match(op.find((f) => f.kind === 'sysfs-attribute-removed')!.detail!, /drops \.get_available = vfio_ccw_get_available, which backs the sysfs attribute available_instances/);
  const moved = factsOf([
    fileDiff('drivers/s390/crypto/vfio_ap_drv.c', { at: 104, section: 'static int vfio_ap_queue_dev_probe(struct ap_device *apdev)', body: '\n-\tret = sysfs_create_group(&apdev->device.kobj, &vfio_queue_attr_group);\n \treturn 0;' }),
    fileDiff('drivers/s390/crypto/vfio_ap_ops.c', { at: 1524, section: 'int vfio_ap_mdev_probe_queue(struct ap_device *apdev)', body: '\n+\tret = sysfs_create_group(&apdev->device.kobj, &vfio_queue_attr_group);\n \treturn 0;' }),
  ]);
  assert.deepEqual(of(moved, 'sysfs-attribute-removed'), []);
});

test('sysfs: a new class is named by its directory and by the variable that holds it', () => {
  const facts = inFile('drivers/vfio/vfio_main.c', 1500, 'static int __init vfio_init(void)', `
+\t/* /sys/class/vfio-dev/vfioX */
+\tvfio.device_class = class_create(THIS_MODULE, "vfio-dev");
 \tif (ret)`);
  const f = facts.find((x) => x.kind === 'sysfs-abi-undocumented')!;
  assert.equal(f.symbol, 'vfio-dev');
  assert.match(f.detail!, /adds the sysfs class vfio-dev \(vfio\.device_class = class_create\)/);
});

test('state tables: a new event cell is named with its state and handler; an unchanged re-indented cell is not', () => {
  const facts = inFile('drivers/s390/cio/vfio_ccw_fsm.c', 373, 'fsm_func_t *vfio_ccw_jumptable[NR_VFIO_CCW_STATES][NR_VFIO_CCW_EVENTS] = {', `
 \t[VFIO_CCW_STATE_STANDBY] = {
 \t\t[VFIO_CCW_EVENT_NOT_OPER]\t= fsm_notoper,
-\t\t[VFIO_CCW_EVENT_IO_REQ]  = fsm_io_error,
+\t\t[VFIO_CCW_EVENT_IO_REQ]\t= fsm_io_error,
+\t\t[VFIO_CCW_EVENT_OPEN]\t\t= fsm_nop,
 \t},`);
  assert.deepEqual(of(facts, 'state-transition-changed'), [['VFIO_CCW_EVENT_OPEN', undefined]]);
  assert.match(facts.find((f) => f.kind === 'state-transition-changed')!.detail!, /sends VFIO_CCW_EVENT_OPEN in VFIO_CCW_STATE_STANDBY to fsm_nop\(\)/);
});

test('size types: an iovec array sized as page pointers, and sizeof(*ptr), which is no fact', () => {
  const alloc = (sizeofArg: string) =>
    factsOf([
      fileDiff('drivers/vhost/scsi.c', {
        at: 80,
        section: 'struct vhost_scsi_cmd {',
        body: `
-\tstruct iovec tvc_resp_iov;
+\tstruct iovec *tvc_resp_iov;`,
      }),
      fileDiff('drivers/vhost/scsi.c', {
        at: 1508,
        section: 'static int vhost_scsi_setup_vq_cmds(struct vhost_virtqueue *vq, int max_cmds)',
        body: `
+\t\ttv_cmd->tvc_resp_iov = kcalloc(UIO_MAXIOV,
+\t\t\t\t\t       ${sizeofArg},
+\t\t\t\t\t       GFP_KERNEL);
+\t\tif (!tv_cmd->tvc_resp_iov)
+\t\t\tgoto out;`,
      }),
    ]);
  const wrong = alloc('sizeof(struct page *)');
  assert.deepEqual(of(wrong, 'alloc-size-mismatch'), [['tvc_resp_iov', 'vhost_scsi_setup_vq_cmds']]);
  assert.match(wrong.find((f) => f.kind === 'alloc-size-mismatch')!.detail!, /tv_cmd->tvc_resp_iov \(a struct iovec array\) with kcalloc\(\) elements of sizeof\(struct page \*\)/);
  assert.deepEqual(of(alloc('sizeof(struct iovec)'), 'alloc-size-mismatch'), []);
  assert.deepEqual(of(alloc('sizeof(*tv_cmd->tvc_resp_iov)'), 'alloc-size-mismatch'), []);
});

test('size types: a cast that is the whole change of a line narrows a size; a new line with a cast does not count', () => {
  const facts = inFile('drivers/vhost/vhost.c', 2074, 'static int translate_desc(struct vhost_virtqueue *vq, u64 addr, u32 len,', `
 \t\t_iov->iov_base = (void __user *)(unsigned long)
 \t\t\t(node->userspace_addr + array_index_nospec(addr - node->start,
-\t\t\t\t\t    node->size));
+\t\t\t\t\t    (unsigned long)node->size));
+\t\tlen = (u32)total_len;`);
  assert.deepEqual(of(facts, 'narrowing-cast-added'), [['node->size', 'translate_desc']]);
});

test('lock scope: a pointer tested before the lock and used under it; tested under the lock is no fact', () => {
  const body = (lockFirst: boolean) => `
 {
${lockFirst ? '+\tmutex_lock(&matrix_dev->lock);\n' : ''}+\tif (matrix_mdev->kvm) {
+\t\tkvm_arch_crypto_clear_masks(matrix_mdev->kvm);
${lockFirst ? '' : '+\t\tmutex_lock(&matrix_dev->lock);\n'}+\t\tmatrix_mdev->kvm->arch.crypto.pqap_hook = NULL;
+\t\tmatrix_mdev->kvm = NULL;
+\t\tmutex_unlock(&matrix_dev->lock);
+\t}`;
  const section = 'static void vfio_ap_mdev_unset_kvm(struct ap_matrix_mdev *matrix_mdev)';
  const outside = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', { at: 1099, section, body: body(false) }));
  assert.deepEqual(of(outside, 'check-outside-lock'), [['matrix_mdev->kvm', 'vfio_ap_mdev_unset_kvm']]);
  assert.match(outside.find((f) => f.kind === 'check-outside-lock')!.detail!, /tests matrix_mdev->kvm before taking matrix_dev->lock \(mutex_lock\)/);
  const inside = factsOf(fileDiff('drivers/s390/crypto/vfio_ap_ops.c', { at: 1099, section, body: body(true) }));
  assert.deepEqual(of(inside, 'check-outside-lock'), []);
});

test('unwind labels: #endif moved below a label puts it under the #if; a moved #endif that crosses no label is no fact', () => {
  const facts = inFile('drivers/virtio/virtio_balloon.c', 959, 'static int virtballoon_probe(struct virtio_device *vdev)', `
 \tkern_unmount(balloon_mnt);
-#endif
 out_del_vqs:
 \tvdev->config->del_vqs(vdev);
+#endif
 out_free_vb:
 \tkfree(vb);`);
  assert.deepEqual(of(facts, 'unwind-label-conditional'), [['out_del_vqs', 'virtballoon_probe']]);
  const noLabel = inFile('drivers/virtio/virtio_balloon.c', 959, 'static int virtballoon_probe(struct virtio_device *vdev)', `
 \tkern_unmount(balloon_mnt);
-#endif
 \tiput(inode);
+#endif
 out_free_vb:`);
  assert.deepEqual(of(noLabel, 'unwind-label-conditional'), []);
});

test('encoding constants: a region offset shift given a new value; a moved define with the same value is no fact', () => {
  const facts = inFile('include/linux/vfio_pci_core.h', 20, undefined, `
-#define VFIO_PCI_OFFSET_SHIFT   40
+#define VFIO_PCI_OFFSET_SHIFT   48
 #define VFIO_PCI_OFFSET_TO_INDEX(off)\t(off >> VFIO_PCI_OFFSET_SHIFT)`);
  assert.deepEqual(of(facts, 'encoding-constant-changed'), [['VFIO_PCI_OFFSET_SHIFT', undefined]]);
  assert.match(facts.find((f) => f.kind === 'encoding-constant-changed')!.detail!, /changes VFIO_PCI_OFFSET_SHIFT from 40 to 48/);
  const same = factsOf(fileDiff('include/linux/vfio_pci_core.h', { at: 20, body: '\n-#define VFIO_PCI_OFFSET_SHIFT   40\n+#define VFIO_PCI_OFFSET_SHIFT\t40' }));
  assert.deepEqual(of(same, 'encoding-constant-changed'), []);
});

test('feature ops: a setter with no features argument leads; a getter is reported after it; a uAPI header is not an ops header', () => {
  const ops = `
 struct mdev_virtio_device_ops {
+\tu64 (*get_mdev_features)(struct mdev_device *mdev);
+\tbool (*set_mdev_feature)(struct mdev_device *mdev);
 \tint (*get_vq_irq)(struct mdev_device *mdev, u16 idx);`;
  const facts = factsOf(fileDiff('include/linux/mdev_virtio_ops.h', { at: 60, body: ops }));
  assert.deepEqual(
    facts.filter((f) => f.kind === 'feature-op-declared').map((f) => f.symbol),
    ['set_mdev_feature', 'get_mdev_features'],
  );
  assert.match(facts.find((f) => f.kind === 'feature-op-declared')!.detail!, /^set_mdev_feature\(\) is a new callback in struct mdev_virtio_device_ops and takes no features argument/);
  const withArg = factsOf(fileDiff('include/linux/mdev_virtio_ops.h', { at: 60, body: ops.replace('set_mdev_feature)(struct mdev_device *mdev)', 'set_mdev_feature)(struct mdev_device *mdev, u64 features)') }));
  assert.ok(!withArg.some((f) => f.kind === 'feature-op-declared' && /no features argument/.test(f.detail ?? '')));
});

test('fallbacks: a generic allocation replaced by an optional op that fails when absent; keeping the fallback is no fact', () => {
  const body = (fallback: boolean) => `
-\thwpt->domain = iommu_domain_alloc(dev->bus);
+\tops = dev_iommu_ops(dev);
+\tif (!ops || !ops->domain_alloc_user) {
+\t\t${fallback ? 'hwpt->domain = iommu_domain_alloc(dev->bus);' : 'rc = -EOPNOTSUPP;'}
+\t\tgoto out_abort;
+\t}
+
+\thwpt->domain = ops->domain_alloc_user(dev, NULL, NULL);`;
  const section = 'iommufd_hw_pagetable_alloc(struct iommufd_ctx *ictx, struct iommufd_ioas *ioas,';
  const facts = factsOf(fileDiff('drivers/iommu/iommufd/hw_pagetable.c', { at: 37, section, body: body(false) }));
  assert.deepEqual(of(facts, 'fallback-removed'), [['domain_alloc_user', 'iommufd_hw_pagetable_alloc']]);
  assert.match(facts.find((f) => f.kind === 'fallback-removed')!.detail!, /fails with -EOPNOTSUPP when the driver has no domain_alloc_user op, where it used iommu_domain_alloc\(\)/);
  assert.deepEqual(of(factsOf(fileDiff('drivers/iommu/iommufd/hw_pagetable.c', { at: 37, section, body: body(true) })), 'fallback-removed'), []);
  // One op replaced by another (parent ops to device ops) loses no generic fallback.
  const opToOp = body(false).replace('iommu_domain_alloc(dev->bus)', 'parent->ops->alloc(dev)');
  assert.deepEqual(of(factsOf(fileDiff('drivers/iommu/iommufd/hw_pagetable.c', { at: 37, section, body: opToOp })), 'fallback-removed'), []);
});
