// A new ioctl whose name says it checks an extension, reports capabilities or switches a mode is
// a feature-negotiation question; any other new ioctl is only the general new-ioctl warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openReview } from '../../src/engine/index.js';
import { fileDiff, patchOf } from '../diff/uapi/helpers.js';

const newIoctl = (name: string, nr: number) =>
  fileDiff('include/uapi/linux/vhost.h', {
    at: 170,
    section: 'struct vhost_vring_state',
    body: `
 /* Get the valid iova range */
 #define VHOST_VDPA_GET_IOVA_RANGE	_IOR(VHOST_VIRTIO, 0x78, struct vhost_vdpa_iova_range)
+
+#define ${name}	_IOW(VHOST_VIRTIO, ${nr}, __u64)
 `,
  });

const rulesFor = async (diff: string) => {
  const engine = await openReview();
  return engine.reviewOne(patchOf(diff)).findings.filter((f) => f.severity !== 'note');
};

test('a new ioctl that switches barriers or checks an extension asks about feature negotiation', async () => {
  for (const name of ['VHOST_SET_STRONG_BARRIERS', 'VHOST_CHECK_EXTENSION', 'VHOST_GET_FEATURES_ARRAY', 'TUNGETSUPPORTEDOFFLOADS']) {
    const found = (await rulesFor(newIoctl(name, 0x90))).find((f) => f.ruleId === 'new-ioctl-for-a-capability');
    assert.ok(found, name);
    assert.equal(found.category, 'feature-negotiation');
    assert.equal(found.severity, 'warning');
    assert.ok(found.symbols.includes(name), `${name}: the finding names the ioctl`);
  }
});

test('a new ioctl for anything else gets the general new-ioctl warning only', async () => {
  for (const name of ['VHOST_VDPA_GET_VRING_GROUP', 'VHOST_NEW_WORKER', 'VHOST_VDPA_SET_GROUP_ASID']) {
    const ids = (await rulesFor(newIoctl(name, 0x91))).map((f) => f.ruleId);
    assert.ok(ids.includes('uapi-new-ioctl'), name);
    assert.ok(!ids.includes('new-ioctl-for-a-capability'), name);
  }
});
