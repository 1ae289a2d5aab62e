// ops-contract-unmet: an ops instance a patch adds or changes, checked against the duties of its
// framework (src/diff/facts/ops-duties.ts), on hunks shaped like new virtio and VFIO drivers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from './uapi/helpers.js';
import type { Fact } from '../../src/model/facts.js';

const unmet = (facts: Fact[]) => facts.filter((f) => f.kind === 'ops-contract-unmet' || f.kind === 'vfio-ops-contract-unmet');

/** A new file: every line added, as `git format-patch` shows a new driver. */
function newFile(path: string, body: string): string {
  const lines = body.replace(/^\n/, '').replace(/\n$/, '').split('\n').map((l) => `+${l}`);
  return [`diff --git a/${path} b/${path}`, 'new file mode 100644', 'index 0000000..2222222', '--- /dev/null', `+++ b/${path}`, `@@ -0,0 +1,${lines.length} @@`, ...lines].join('\n') + '\n';
}

const driver = (members: string) => `
static struct virtio_driver virtio_foo_driver = {
\t.driver.name =\tKBUILD_MODNAME,
\t.id_table =\tid_table,
\t.probe =\tvirtfoo_probe,
${members}
};
module_virtio_driver(virtio_foo_driver);`;

const remove = (body: string) => `
static void virtfoo_remove(struct virtio_device *vdev)
{
\tstruct virtfoo *vf = vdev->priv;

${body}
\tkfree(vf);
}`;

test('ops contract: a new virtio .remove that deletes the virtqueues without a reset', () => {
  const facts = unmet(factsOf(newFile('drivers/virtio/virtio_foo.c', remove('\tcancel_work_sync(&vf->work);\n\tvdev->config->del_vqs(vdev);') + driver('\t.remove =\tvirtfoo_remove,'))));
  assert.deepEqual(facts.map((f) => f.symbol), ['virtfoo_remove']);
  assert.match(facts[0]!.detail!, /^virtfoo_remove\(\), the new \.remove of struct virtio_driver virtio_foo_driver, deletes the virtqueues \(del_vqs\(\)\) without resetting the device/);
  assert.match(facts[0]!.detail!, /not verified/);
});

test('ops contract: a new .remove that resets only after deleting the virtqueues, through a shown helper', () => {
  const helper = `
static void virtfoo_del_vqs(struct virtfoo *vf)
{
\tvf->vdev->config->del_vqs(vf->vdev);
}
`;
  const facts = unmet(factsOf(fileDiff('sound/virtio/virtio_foo.c', { at: 300, body: ['+' + helper, remove('\tvirtfoo_del_vqs(vf);\n\tvirtio_reset_device(vdev);'), driver('\t.remove =\tvirtfoo_remove,')].join('\n').split('\n').map((l) => `+${l}`).join('\n') })));
  assert.equal(facts.length, 1);
  assert.match(facts[0]!.detail!, /deletes the virtqueues \(virtfoo_del_vqs\(\)\) before it resets the device \(virtio_reset_device\(\)\)/);
});

test('ops contract: a new file whose .remove neither resets nor deletes the queues', () => {
  const facts = unmet(factsOf(newFile('drivers/virtio/virtio_foo.c', remove('\tfor_each_online_cpu(cpu)\n\t\thrtimer_cancel(per_cpu_ptr(&vf->timer, cpu));') + driver('\t.remove =\tvirtfoo_remove,'))));
  assert.equal(facts.length, 1);
  assert.match(facts[0]!.detail!, /neither resets the device nor deletes its virtqueues/);
});

test('ops contract near misses: reset first, a helper not shown, an existing remove, a complete instance', () => {
  // The reset comes first: the duty is met.
  assert.deepEqual(unmet(factsOf(newFile('drivers/virtio/virtio_foo.c', remove('\tvirtio_reset_device(vdev);\n\tvdev->config->del_vqs(vdev);') + driver('\t.remove =\tvirtfoo_remove,\n\t.freeze =\tvirtfoo_freeze,\n\t.restore =\tvirtfoo_restore,')))), []);
  // Teardown through a helper the patch does not show: it may reset.
  assert.deepEqual(unmet(factsOf(newFile('drivers/virtio/virtio_foo.c', remove('\tvirtfoo_cleanup_vqs(vf);') + driver('\t.remove =\tvirtfoo_remove,')))), []);
  // A .freeze that refuses (returns an errno) tears nothing down.
  const refuse = `
static int virtfoo_freeze(struct virtio_device *vdev)
{
	dev_err(&vdev->dev, "save/restore not supported.\\n");
	return -EPERM;
}
`;
  assert.deepEqual(unmet(factsOf(newFile('drivers/virtio/virtio_foo.c', refuse + remove('\tvirtio_reset_device(vdev);\n\tvdev->config->del_vqs(vdev);') + driver('\t.remove =\tvirtfoo_remove,\n\t.freeze =\tvirtfoo_freeze,\n\t.restore =\tvirtfoo_restore,')))), []);
  // A remove the patch only touches (not new): changed teardown order is another rule's.
  assert.deepEqual(unmet(factsOf(fileDiff('drivers/virtio/virtio_balloon.c', {
    at: 1000,
    section: 'static void virtballoon_remove(struct virtio_device *vdev)',
    body: `
 \tstruct virtio_balloon *vb = vdev->priv;
 
+\tcancel_work_sync(&vb->report_work);
 \tvdev->config->del_vqs(vdev);
 \tkfree(vb);`,
  }))), []);
});

test('ops contract: a member added without its partner, and a new instance without a required member', () => {
  const freeze = unmet(factsOf(fileDiff('drivers/char/hw_random/virtio-rng.c', {
    at: 200,
    body: `
 static struct virtio_driver virtio_rng_driver = {
 \t.driver.name =\tKBUILD_MODNAME,
 \t.probe =\tvirtrng_probe,
 \t.remove =\tvirtrng_remove,
+#ifdef CONFIG_PM_SLEEP
+\t.freeze =\tvirtrng_freeze,
+#endif
 };`,
  })));
  assert.deepEqual(freeze.map((f) => f.symbol), ['restore']);
  assert.match(freeze[0]!.detail!, /^struct virtio_driver virtio_rng_driver sets \.freeze but not \.restore/);
  const noRemove = unmet(factsOf(newFile('drivers/virtio/virtio_foo.c', driver(''))));
  assert.deepEqual(noRemove.map((f) => f.symbol), ['remove']);
  // The same instance only shown as context, the patch touching none of it: nothing to say.
  assert.deepEqual(unmet(factsOf(fileDiff('drivers/char/hw_random/virtio-rng.c', {
    at: 200,
    body: `
 static struct virtio_driver virtio_rng_driver = {
 \t.driver.name =\tKBUILD_MODNAME,
 \t.probe =\tvirtrng_probe,
 };
+MODULE_ALIAS("virtio:rng");`,
  }))), []);
});

test('ops contract: a VFIO device given iommufd bind and unbind without attach_ioas', () => {
  const ops = (extra: string) => fileDiff('drivers/vfio/pci/foo/main.c', {
    at: 1300,
    body: `
 static const struct vfio_device_ops foo_vfio_pci_ops = {
 \t.name = "foo-vfio-pci",
 \t.open_device = foo_vfio_pci_open_device,
 \t.close_device = vfio_pci_core_close_device,
+\t.bind_iommufd = vfio_iommufd_physical_bind,
+\t.unbind_iommufd = vfio_iommufd_physical_unbind,
${extra} };`,
  });
  const facts = unmet(factsOf(ops('')));
  assert.deepEqual(facts.map((f) => f.symbol), ['attach_ioas']);
  assert.match(facts[0]!.detail!, /^struct vfio_device_ops foo_vfio_pci_ops sets \.bind_iommufd, \.unbind_iommufd but not \.attach_ioas/);
  assert.deepEqual(unmet(factsOf(ops('+\t.attach_ioas = vfio_iommufd_physical_attach_ioas,\n'))), []);
});

test('ops contract: a .freeze added to an existing driver, the hunk opened inside the initializer', () => {
  const facts = unmet(factsOf(fileDiff('drivers/virtio/virtio_input.c', {
    at: 340,
    body: `
 }
 
+static int virtinput_freeze(struct virtio_device *vdev)
+{
+\tstruct virtio_input *vi = vdev->priv;
+
+\tvdev->config->del_vqs(vdev);
+\tvirtio_reset_device(vdev);
+\treturn 0;
+}
+`,
  }, {
    at: 380,
    section: 'static struct virtio_driver virtio_input_driver = {',
    body: `
 \t.probe              = virtinput_probe,
 \t.remove             = virtinput_remove,
+\t.freeze             = virtinput_freeze,
+\t.restore            = virtinput_restore,
 };`,
  })));
  assert.deepEqual(facts.map((f) => [f.symbol, f.function]), [['virtinput_freeze', 'virtinput_freeze']]);
  assert.match(facts[0]!.detail!, /^virtinput_freeze\(\), the new \.freeze of struct virtio_driver virtio_input_driver, deletes the virtqueues \(del_vqs\(\)\) before it resets the device/);
});

test('ops contract: a new probe that unwinds by deleting the virtqueues without a reset; with the reset first it is met', () => {
  const probe = (unwind: string) => `
static int virtfoo_probe(struct virtio_device *vdev)
{
\tint err;

\terr = virtfoo_init_vqs(vdev);
\tif (err)
\t\treturn err;
\tvirtio_device_ready(vdev);
\terr = register_foo(vdev);
\tif (err)
\t\tgoto out_del_vqs;
\treturn 0;
out_del_vqs:
${unwind}
\treturn err;
}
` + driver('\t.remove =\tvirtfoo_remove,');
  const facts = unmet(factsOf(newFile('drivers/virtio/virtio_foo.c', probe('\tvdev->config->del_vqs(vdev);'))));
  assert.deepEqual(facts.map((f) => f.symbol), ['virtfoo_probe']);
  assert.match(facts[0]!.detail!, /^virtfoo_probe\(\), the new \.probe of struct virtio_driver virtio_foo_driver, unwinds a failure by deleting the virtqueues \(del_vqs\(\)\) without resetting the device/);
  assert.deepEqual(unmet(factsOf(newFile('drivers/virtio/virtio_foo.c', probe('\tvirtio_reset_device(vdev);\n\tvdev->config->del_vqs(vdev);')))), []);
});

test('vfio ops contract: a new open_device registers a notifier that the new close_device never unregisters', () => {
  const driverFile = (close: string) => fileDiff('drivers/s390/crypto/vfio_ap_ops.c', {
    at: 1500,
    body: `
 }
 
+static int vfio_ap_mdev_open_device(struct vfio_device *vdev)
+{
+\tstruct ap_matrix_mdev *matrix_mdev = container_of(vdev, struct ap_matrix_mdev, vdev);
+
+\tmatrix_mdev->iommu_notifier.notifier_call = vfio_ap_mdev_iommu_notifier;
+\treturn vfio_register_notifier(vdev, VFIO_IOMMU_NOTIFY, &events, &matrix_mdev->iommu_notifier);
+}
+
+static void vfio_ap_mdev_close_device(struct vfio_device *vdev)
+{
+\tstruct ap_matrix_mdev *matrix_mdev = container_of(vdev, struct ap_matrix_mdev, vdev);
+
${close}
+\tvfio_ap_mdev_reset_queues(matrix_mdev);
+}
+
+static const struct vfio_device_ops vfio_ap_matrix_dev_ops = {
+\t.open_device = vfio_ap_mdev_open_device,
+\t.close_device = vfio_ap_mdev_close_device,
+\t.ioctl = vfio_ap_mdev_ioctl,
+};`,
  });
  const facts = factsOf(driverFile('+\tkvm_put_kvm(matrix_mdev->kvm);')).filter((f) => f.kind === 'vfio-ops-contract-unmet');
  assert.deepEqual(facts.map((f) => [f.symbol, f.function]), [['vfio_register_notifier', 'vfio_ap_mdev_open_device']]);
  assert.match(facts[0]!.detail!, /^vfio_ap_mdev_open_device\(\), the new \.open_device of struct vfio_device_ops vfio_ap_matrix_dev_ops, calls vfio_register_notifier\(\) and vfio_ap_mdev_close_device\(\), its \.close_device, does not release it/);
  // The close that unregisters it meets the duty.
  assert.deepEqual(factsOf(driverFile('+\tvfio_unregister_notifier(vdev, VFIO_IOMMU_NOTIFY, &matrix_mdev->iommu_notifier);')).filter((f) => f.kind === 'vfio-ops-contract-unmet'), []);
});

test('probe order: a new probe that fills and kicks a queue before DRIVER_OK, or registers before it; ready first is met', () => {
  const probe = (body: string) => newFile('drivers/virtio/virtio_foo.c', `
static int virtfoo_probe(struct virtio_device *vdev)
{
\tstruct virtfoo *vf = vdev->priv;

${body}
\treturn 0;
}
` + driver('\t.remove =\tvirtfoo_remove,'));
  const ready = (facts: Fact[]) => facts.filter((f) => f.kind === 'probe-ready-order-unmet');
  const kick = ready(factsOf(probe('\tvirtfoo_fill_rx(vf);\n\tvirtqueue_kick(vf->rx_vq);')));
  assert.deepEqual(kick.map((f) => f.symbol), ['virtqueue_kick']);
  assert.match(kick[0]!.detail!, /^virtfoo_probe\(\), the new \.probe of struct virtio_driver virtio_foo_driver, kicks a virtqueue \(virtqueue_kick\(\)\) and never calls virtio_device_ready\(\) itself/);
  const reg = ready(factsOf(probe('\terr = hwrng_register(&vf->hwrng);\n\tvirtio_device_ready(vdev);')));
  assert.match(reg[0]!.detail!, /registers the device with its subsystem \(hwrng_register\(\)\) before it calls virtio_device_ready\(\)/);
  assert.deepEqual(ready(factsOf(probe('\tvirtio_device_ready(vdev);\n\tvirtqueue_kick(vf->rx_vq);\n\terr = hwrng_register(&vf->hwrng);'))), []);
  // Registering with no ready call of its own: the core sets DRIVER_OK after probe, a pattern too common to flag.
  assert.deepEqual(ready(factsOf(probe('\terr = hwrng_register(&vf->hwrng);'))), []);
});

test('ops contract: a driver split into a new file, its probe and remove moved from the old one, is not new code', () => {
  const body = remove('\tvdev->config->del_vqs(vdev);') + driver('\t.remove =\tvirtfoo_remove,');
  const oldFile = fileDiff('drivers/virtio/virtio_foo_main.c', {
    at: 400,
    body: body.replace(/^\n/, '').split('\n').map((l) => `-${l}`).join('\n'),
  });
  assert.equal(unmet(factsOf(newFile('drivers/virtio/virtio_foo.c', body))).length, 1);
  assert.deepEqual(unmet(factsOf([oldFile, newFile('drivers/virtio/virtio_foo.c', body)])), []);
});
