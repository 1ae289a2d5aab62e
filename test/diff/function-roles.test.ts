// Function roles by name: the one list the lifetime, ordering, resource and virtio-sequence
// detectors share to tell a release/remove/reset path from the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRoleVerb, isTeardownName, nameWords, roleOfWords } from '../../src/diff/facts/function-roles.js';

test('a teardown verb counts as a whole word of the name, at any position', () => {
  for (const fn of ['__vhost_dev_cleanup', 'vfio_pci_core_close_device', 'vduse_dev_reset', 'virtnet_remove', 'vhost_vdpa_unsetup_vq_irq', 'iommufd_device_unbind', 'vp_del_vqs_unregister']) {
    assert.equal(isTeardownName(fn), true, fn);
  }
  // The verb inside a longer word is not the verb: "closed", "premapped", "freeze", "resetting".
  for (const fn of ['vsock_is_closed', 'virtqueue_set_dma_premapped', 'virtballoon_freeze', 'vhost_vq_resetting', 'vp_vdpa_probe', '']) {
    assert.equal(isTeardownName(fn), false, fn);
  }
});

test('the first role verb in a name decides its role', () => {
  assert.equal(roleOfWords(nameWords('vhost_vdpa_reset_map')), 'teardown');
  assert.equal(roleOfWords(nameWords('vfio_pin_pages_remote')), 'setup');
  assert.equal(roleOfWords(nameWords('vdpa_unmap_and_register')), 'teardown');
  assert.equal(roleOfWords(nameWords('virtqueue_add_sgs')), null);
});

test('a role verb is a setup or a teardown verb, as a whole word', () => {
  for (const w of ['probe', 'map', 'unregister', 'reset', 'deinit']) assert.equal(isRoleVerb(w), true, w);
  for (const w of ['init', 'alloc', 'resetting', 'vq', '']) assert.equal(isRoleVerb(w), false, w);
});
