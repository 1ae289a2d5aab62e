// reset-state-not-cleared on hunks shaped like reviewed ones: a member added to a device struct
// and set from a run-time op while the driver's reset leaves it alone, a vhost queue member set
// from an ioctl with the queue reset only named, and a reset that loses the line clearing a
// member; and the near misses (the reset clears it, the member is set at probe, a brand-new
// struct, a clear moved into a helper) that must stay quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';

const resetState = (facts: Fact[]) => facts.filter((f) => f.kind === 'reset-state-not-cleared').map((f) => [f.symbol, f.function, f.detail]);

const adapter = (member: string) => ({ at: 20, section: 'struct snet {', body: `
 \tstruct vdpa_device vdpa;
 \tu64 negotiated_features;
${member}
 \tint irq;
 };` });

const setVqAddress = (line: string) => ({ at: 101, section: 'static int snet_set_vq_address(struct vdpa_device *vdev, u16 idx, u64 desc_area,', body: `
 \tstruct snet *snet = vdpa_to_snet(vdev);
 
 \tsnet->vqs[idx]->desc_area = desc_area;
${line}
 \treturn 0;
 }` });

const reset = (lines: string) => ({ at: 140, section: 'static int snet_reset_dev(struct snet *snet)', body: `
 \tsnet_write_status(snet, 0);
${lines}
 \tsnet->negotiated_features = 0;
 \treturn 0;
 }` });

test('a member added to a device struct, set by a run-time op, that the reset shown does not clear', () => {
  const facts = factsOf(fileDiff('drivers/vdpa/solidrun/snet_main.c',
    adapter('+\tu64 last_driver_area;'),
    setVqAddress('+\tsnet->last_driver_area = driver_area;'),
    reset('+\tsnet_wait_reset(snet);')));
  assert.deepEqual(resetState(facts).map(([s, f]) => [s, f]), [['last_driver_area', 'snet_set_vq_address']]);
  assert.match(String(resetState(facts)[0]![2]), /^the patch adds struct snet\.last_driver_area and snet_set_vq_address\(\) sets it at run time, but no reset clears it: after a reset \(snet_reset_dev\(\)\).*not verified: only part of snet_reset_dev\(\) is shown/);
});

test('a vhost queue member set from an ioctl, with the queue reset only called: the finding says its body is not shown', () => {
  const facts = factsOf([
    fileDiff('drivers/vhost/vhost.h', { at: 90, section: 'struct vhost_virtqueue {', body: `
 \tu16 last_used_idx;
+\tbool user_wants_suspend;
 \tstruct vhost_iotlb *umem;` }),
    fileDiff('drivers/vhost/vhost.c', { at: 1800, section: 'long vhost_vring_ioctl(struct vhost_dev *d, unsigned int ioctl, void __user *argp)', body: `
 \tcase VHOST_SET_VRING_ENABLE:
+\t\tvq->user_wants_suspend = !s.num;
 \t\tbreak;` }, { at: 2000, section: 'void vhost_dev_cleanup(struct vhost_dev *dev)', body: `
 \tfor (i = 0; i < dev->nvqs; ++i) {
 \t\tvhost_vq_reset(dev, dev->vqs[i]);
 \t}` }),
  ]);
  assert.deepEqual(resetState(facts).map(([s, f]) => [s, f]), [['user_wants_suspend', 'vhost_vring_ioctl']]);
  assert.match(String(resetState(facts)[0]![2]), /not verified: the body of vhost_vq_reset\(\) is not in the patch/);
});

test('a reset that loses the line clearing a member', () => {
  const facts = factsOf(fileDiff('drivers/vdpa/solidrun/snet_main.c', reset('-\tsnet->config_cb.callback = NULL;')));
  assert.deepEqual(resetState(facts).map(([s, f]) => [s, f]), [['callback', 'snet_reset_dev']]);
  assert.match(String(resetState(facts)[0]![2]), /^snet_reset_dev\(\) no longer clears callback/);
});

test('near misses: the reset clears the member, it is set at probe, the struct is new, no reset in sight, statistics, only the PCI core reset called, the clear moved to a helper', () => {
  const quiet = [
    // The reset clears it (in the patch).
    [fileDiff('drivers/vdpa/solidrun/snet_main.c', adapter('+\tu64 last_driver_area;'), setVqAddress('+\tsnet->last_driver_area = driver_area;'), reset('+\tsnet->last_driver_area = 0;'))],
    // Set once at probe: device configuration, not run-time state.
    [fileDiff('drivers/vdpa/solidrun/snet_main.c', adapter('+\tu32 bar_len;'), { at: 300, section: 'static int snet_vdpa_probe_vf(struct pci_dev *pdev)', body: `
 \tsnet->irq = -1;
+\tsnet->bar_len = pci_resource_len(pdev, 0);
 \treturn 0;` }, reset('+\tsnet_wait_reset(snet);'))],
    // A brand-new struct: its driver's reset is written with it.
    [fileDiff('drivers/vdpa/solidrun/snet_main.c', { at: 20, body: `
+struct snet_cursor {
+\tu64 last_driver_area;
+};` }, setVqAddress('+\tsnet->last_driver_area = driver_area;'), reset('+\tsnet_wait_reset(snet);'))],
    // No reset shown or named anywhere in the file.
    [fileDiff('drivers/vdpa/solidrun/snet_main.c', adapter('+\tu64 last_driver_area;'), setVqAddress('+\tsnet->last_driver_area = driver_area;'))],
    // A statistics struct: counters are kept across resets on purpose.
    [fileDiff('drivers/vdpa/solidrun/snet_main.c', { at: 20, section: 'struct snet_vq_stats {', body: `
 \tu64 kicks;
+\tu64 timeouts;
 };` }, setVqAddress('+\tsnet->stats.timeouts++;'), reset('+\tsnet_wait_reset(snet);'))],
    // Only the PCI core's function reset is called: it resets the function, not the driver's members.
    [fileDiff('drivers/vfio/pci/vfio_pci_core.c', { at: 60, section: 'struct vfio_pci_core_device {', body: `
 \tbool reset_works;
+\tbool saw_msix;
 \tbool extended_caps;` }, { at: 300, section: 'static int vfio_pci_set_msi_trigger(struct vfio_pci_core_device *vdev,', body: `
 \tint ret;
+\tvdev->saw_msix = true;
 \tret = pci_try_reset_function(vdev->pdev);` })],
    // The clear leaves the reset for a helper the patch adds it to.
    [fileDiff('drivers/vdpa/solidrun/snet_main.c', reset('-\tsnet->config_cb.callback = NULL;\n+\tsnet_clear_callbacks(snet);'), { at: 200, section: 'static void snet_clear_callbacks(struct snet *snet)', body: `
 {
+\tsnet->config_cb.callback = NULL;
 }` })],
  ];
  for (const diff of quiet) assert.deepEqual(resetState(factsOf(diff)), []);
});

test('a set in a function named for setting up or taking apart the device is not a run-time set; a queue irq setup or a DMA map is', () => {
  const setIn = (fn: string) => factsOf(fileDiff('drivers/vdpa/solidrun/snet_main.c', adapter('+\tu64 last_driver_area;'),
    { at: 101, section: `static int ${fn}(struct snet *snet, u64 driver_area)`, body: `
 \tint ret = 0;
+\tsnet->last_driver_area = driver_area;
 \treturn ret;
 }` }, reset('+\tsnet_wait_reset(snet);')));
  // Role verbs of function-roles.ts and the words of construction: set once for the device's life or torn down.
  for (const fn of ['snet_vdpa_probe_vf', 'snet_unregister_vqs', 'snet_dev_deinit', 'snet_alloc_vqs', 'snet_setup_dev']) assert.deepEqual(resetState(setIn(fn)), [], fn);
  // Run on request while the device is in use: what they set must be cleared by the reset.
  for (const fn of ['snet_setup_vq_irq', 'snet_dma_map', 'snet_set_vq_address']) assert.deepEqual(resetState(setIn(fn)).map(([s, f]) => [s, f]), [['last_driver_area', fn]], fn);
});
