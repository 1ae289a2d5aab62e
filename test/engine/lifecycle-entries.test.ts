// The entries behind the lifecycle, sysfs, size and encoding detectors, through the one engine
// door: each warns with a first sentence that names what the patch did to which symbol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openReview } from '../../src/engine/index.js';
import { fileDiff, patchOf } from '../diff/uapi/helpers.js';

async function warningsOf(diff: string) {
  const engine = await openReview();
  return engine.reviewOne(patchOf(diff)).findings.filter((f) => f.severity === 'warning' || f.severity === 'error');
}

test('a reset that unbinds the owner mm warns under reset-path-release-and-wait, naming the call', async () => {
  const found = await warningsOf(
    fileDiff('drivers/vdpa/vdpa_sim/vdpa_sim.c', {
      at: 178,
      section: 'static void vdpasim_do_reset(struct vdpasim *vdpasim)',
      body: '\n \tint i;\n \n+\tvdpasim_worker_unbind_mm(vdpasim);\n+\n \tspin_lock(&vdpasim->iommu_lock);',
    }),
  );
  const f = found.find((x) => x.ruleId === 'reset-path-release-and-wait');
  assert.ok(f, found.map((x) => x.ruleId).join(','));
  assert.equal(f.category, 'reset-and-mapping-lifecycle');
  assert.match(f.message, /^vdpasim_do_reset\(\) now calls vdpasim_worker_unbind_mm\(\) on reset/);
});

test('a new VFIO IOMMU model and a changed region offset shift are uAPI warnings', async () => {
  const kvm = await warningsOf(
    fileDiff('include/uapi/linux/vfio.h', { at: 52, body: '\n #define VFIO_UNMAP_ALL\t\t\t9\n+#define VFIO_KVM_IOMMU\t\t\t11\n' }),
  );
  assert.ok(kvm.some((x) => x.ruleId === 'vfio-iommu-types-extensions' && x.symbols.includes('VFIO_KVM_IOMMU')), kvm.map((x) => x.ruleId).join(','));
  const shift = await warningsOf(fileDiff('include/linux/vfio_pci_core.h', { at: 20, body: '\n-#define VFIO_PCI_OFFSET_SHIFT   40\n+#define VFIO_PCI_OFFSET_SHIFT   48\n' }));
  const f = shift.find((x) => x.ruleId === 'encoding-constant-changed');
  assert.ok(f && f.category === 'uapi-abi');
  assert.match(f.message, /^The patch changes VFIO_PCI_OFFSET_SHIFT from 40 to 48/);
});
