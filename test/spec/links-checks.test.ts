// Label resolution, published links and the two patch checks, on the fixtures and,
// when ../shared is present, on the real documents.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkFeatureBitAgainstSpec, checkVhostUserId, featureDeviceType } from '../../src/spec/checks.js';
import { findSpecSection, publishedSpecUrl, resolveSpecLabel, VIRTIO_SPEC_HTML } from '../../src/spec/spec-links.js';
import { DEVICE_INDEPENDENT } from '../../src/spec/types.js';
import { indexVhostUser } from '../../src/spec/vhost-user.js';
import { indexVirtioSpec } from '../../src/spec/virtio-spec.js';
import { realVhostUser, realVirtioDir, skipWithoutShared, vhostUserFixture, virtioFixture } from './helpers.js';

const kinds = (c: { kind: string }[]) => c.map((x) => x.kind).sort();

describe('resolveSpecLabel and links (fixture)', () => {
  const ix = indexVirtioSpec(virtioFixture);

  it('accepts labels with or without the sec: prefix and with any whitespace', () => {
    const want = { number: '1.1', title: 'Device Status Field', label: 'sec:Widgets / Device Status Field' };
    assert.deepEqual(resolveSpecLabel(ix, 'sec:Widgets / Device Status Field'), want);
    assert.deepEqual(resolveSpecLabel(ix, 'Widgets / Device Status Field'), want);
    assert.deepEqual(resolveSpecLabel(ix, ' Widgets /\n  Device Status Field '), want);
    assert.equal(resolveSpecLabel(ix, 'drivernormative:Widgets / Device Status Field')?.number, '1.1.1');
    assert.equal(resolveSpecLabel(ix, 'widgets / device status field'), undefined, 'labels are case-sensitive');
    assert.equal(resolveSpecLabel(ix, 'Widgets / Nothing'), undefined);
    assert.equal(resolveSpecLabel(ix, ''), undefined);
  });

  it('finds sections by number or label', () => {
    assert.equal(findSpecSection(ix, 'A.1')?.title, 'More');
    assert.equal(findSpecSection(ix, 'Extra / More')?.number, 'A.1');
    assert.equal(findSpecSection(ix, '9.9'), undefined);
  });

  it('links into the published HTML with a text fragment', () => {
    assert.equal(publishedSpecUrl('sec:Widgets / Device Status Field', ix), `${VIRTIO_SPEC_HTML}#:~:text=1.1-,Device%20Status%20Field`);
    assert.equal(publishedSpecUrl('1.1.1', ix), `${VIRTIO_SPEC_HTML}#:~:text=1.1.1-,Driver%20Requirements%3A%20Device%20Status%20Field`);
    assert.equal(publishedSpecUrl('sec:Basic Facilities of a Virtio Device / Device-Reset'), `${VIRTIO_SPEC_HTML}#:~:text=Device%2DReset`);
    assert.equal(publishedSpecUrl('2.1'), VIRTIO_SPEC_HTML);
  });
});

describe('checkFeatureBitAgainstSpec (fixture)', () => {
  const ix = indexVirtioSpec(virtioFixture);

  it('says nothing when the patch agrees with the spec', () => {
    assert.deepEqual(checkFeatureBitAgainstSpec(ix, 'VIRTIO_WIDGET_F_SPIN', 0), []);
    assert.deepEqual(checkFeatureBitAgainstSpec(ix, 'VIRTIO_WIDGET_F_NEW', 25), []);
    assert.deepEqual(checkFeatureBitAgainstSpec(ix, 'VIRTIO_F_NEW', 13), []);
    // The spec's own odd placement is the spec's business, not the patch's.
    assert.deepEqual(checkFeatureBitAgainstSpec(ix, 'VIRTIO_F_ODD', 3), []);
  });

  it('flags a known name with another bit, and a bit another name of the same type holds', () => {
    const moved = checkFeatureBitAgainstSpec(ix, 'VIRTIO_WIDGET_F_SPIN', 4);
    assert.deepEqual(kinds(moved), ['name-bit-mismatch']);
    assert.equal(moved[0]!.existing?.value, 0);
    const taken = checkFeatureBitAgainstSpec(ix, 'VIRTIO_WIDGET_F_NEW', 1);
    assert.deepEqual(kinds(taken), ['bit-taken']);
    assert.equal(taken[0]!.existing?.name, 'VIRTIO_WIDGET_F_GLOW');
    const legacy = checkFeatureBitAgainstSpec(ix, 'VIRTIO_WIDGET_F_NEW', 3);
    assert.equal(legacy[0]!.existing?.legacy, true);
    assert.match(legacy[0]!.message, /legacy/);
  });

  it('flags bits in ranges the allocation keeps for something else', () => {
    const transport = checkFeatureBitAgainstSpec(ix, 'VIRTIO_WIDGET_F_NEW', 12);
    assert.deepEqual(kinds(transport), ['device-independent-range']);
    assert.equal(transport[0]!.existing?.name, 'VIRTIO_F_WOBBLE');
    assert.deepEqual(kinds(checkFeatureBitAgainstSpec(ix, 'VIRTIO_WIDGET_F_NEW', 17)), ['reserved-range']);
    assert.deepEqual(kinds(checkFeatureBitAgainstSpec(ix, 'VIRTIO_F_NEW', 5)), ['device-specific-range']);
  });

  it('compares names of unknown device types only with the device-independent bits', () => {
    assert.equal(featureDeviceType(ix, 'VIRTIO_GADGET_F_X'), undefined);
    assert.deepEqual(checkFeatureBitAgainstSpec(ix, 'VIRTIO_GADGET_F_X', 0), []);
    assert.deepEqual(kinds(checkFeatureBitAgainstSpec(ix, 'VHOST_F_THING', 10)), ['bit-taken']);
  });
});

describe('checkVhostUserId (fixture)', () => {
  const ix = indexVhostUser(vhostUserFixture);

  it('flags ids taken in the same direction and renumbered messages', () => {
    const taken = checkVhostUserId(ix, 'message', 'front-end', 'VHOST_USER_TOY_NEW', 3);
    assert.deepEqual(kinds(taken), ['id-taken']);
    assert.equal(taken[0]!.existing?.name, 'VHOST_USER_TOY_LOG');
    assert.deepEqual(checkVhostUserId(ix, 'message', 'front-end', 'VHOST_USER_TOY_NEW', 9), []);
    assert.deepEqual(checkVhostUserId(ix, 'message', 'back-end', 'VHOST_USER_TOY_NEW', 3), [], 'ids are per direction');
    assert.deepEqual(kinds(checkVhostUserId(ix, 'message', 'front-end', 'VHOST_USER_TOY_GET', 7)), ['name-id-mismatch']);
    assert.deepEqual(checkVhostUserId(ix, 'message', 'back-end', 'VHOST_USER_SLAVE_TOY_PING', 1), [], 'a previous name is the same message');
  });

  it('flags protocol-feature bits already in use', () => {
    const taken = checkVhostUserId(ix, 'protocol-feature', undefined, 'VHOST_USER_PROTOCOL_F_NEW', 1);
    assert.deepEqual(kinds(taken), ['id-taken']);
    assert.equal(taken[0]!.existing?.name, 'VHOST_USER_PROTOCOL_F_REPLY_ACK');
    assert.deepEqual(checkVhostUserId(ix, 'protocol-feature', undefined, 'VHOST_USER_PROTOCOL_F_NEW', 2), []);
    assert.deepEqual(kinds(checkVhostUserId(ix, 'protocol-feature', undefined, 'VHOST_USER_PROTOCOL_F_TOY_LOG', 5)), ['name-id-mismatch']);
  });
});

describe('links and checks on the real documents', { skip: skipWithoutShared }, () => {
  const ix = indexVirtioSpec(realVirtioDir);
  const vu = indexVhostUser(realVhostUser);

  it('resolves knowledge-base style labels', () => {
    assert.deepEqual(resolveSpecLabel(ix, 'Basic Facilities of a Virtio Device / Device Status Field'), {
      number: '2.1',
      title: 'Device Status Field',
      label: 'sec:Basic Facilities of a Virtio Device / Device Status Field',
    });
    assert.equal(resolveSpecLabel(ix, 'sec:Reserved Feature Bits')?.number, '6');
    assert.equal(publishedSpecUrl('sec:Reserved Feature Bits', ix), `${VIRTIO_SPEC_HTML}#:~:text=6-,Reserved%20Feature%20Bits`);
  });

  it('checks feature bits against the v1.4 assignments', () => {
    assert.deepEqual(checkFeatureBitAgainstSpec(ix, 'VIRTIO_NET_F_CSUM', 0), []);
    assert.deepEqual(checkFeatureBitAgainstSpec(ix, 'VIRTIO_F_IOMMU_PLATFORM', 33), [], 'the old name of ACCESS_PLATFORM');
    assert.deepEqual(checkFeatureBitAgainstSpec(ix, 'VIRTIO_RING_F_EVENT_IDX', 29), [], "the kernel's name");
    assert.deepEqual(kinds(checkFeatureBitAgainstSpec(ix, 'VIRTIO_NET_F_NEW_THING', 5)), ['bit-taken']);
    assert.deepEqual(kinds(checkFeatureBitAgainstSpec(ix, 'VIRTIO_NET_F_NEW_THING', 33)), ['device-independent-range']);
    assert.deepEqual(kinds(checkFeatureBitAgainstSpec(ix, 'VIRTIO_F_NEW_THING', 45)), ['reserved-range']);
    assert.deepEqual(kinds(checkFeatureBitAgainstSpec(ix, 'VIRTIO_BLK_F_NEW_THING', 0)), ['bit-taken']);
    assert.equal(featureDeviceType(ix, 'VIRTIO_F_VERSION_1'), DEVICE_INDEPENDENT);
    assert.equal(featureDeviceType(ix, 'VIRTIO_SND_F_CTLS'), 'sound');
  });

  it('checks vhost-user ids against QEMU 10.2.2', () => {
    assert.deepEqual(kinds(checkVhostUserId(vu, 'message', 'front-end', 'VHOST_USER_NEW_THING', 43)), ['id-taken']);
    assert.deepEqual(checkVhostUserId(vu, 'message', 'front-end', 'VHOST_USER_NEW_THING', 44), []);
    assert.deepEqual(checkVhostUserId(vu, 'message', 'back-end', 'VHOST_USER_BACKEND_NEW_THING', 9), []);
    assert.deepEqual(kinds(checkVhostUserId(vu, 'protocol-feature', undefined, 'VHOST_USER_PROTOCOL_F_NEW_THING', 19)), ['id-taken']);
  });
});
