// indexVirtioSpec on our own small fixture, then on the real v1.4-cs01 sources when
// ../shared is present. Assertions are about numbers, labels, titles and counts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError } from '../../src/model/errors.js';
import { DEVICE_INDEPENDENT } from '../../src/spec/types.js';
import { indexVirtioSpec } from '../../src/spec/virtio-spec.js';
import { fixturesDir, realVirtioDir, skipWithoutShared, virtioFixture } from './helpers.js';

describe('indexVirtioSpec on the fixture', () => {
  const ix = indexVirtioSpec(virtioFixture);
  const byNumber = (n: string) => ix.sections.find((s) => s.number === n);

  it('reads the files in document order and the revision', () => {
    assert.equal(ix.revision, 'widget-fixture-1');
    assert.deepEqual(ix.files, ['virtio.tex', 'macros.tex', 'body.tex', 'device-types/widget/description.tex']);
  });

  it('numbers sections as the published document would, with stripped titles and labels', () => {
    assert.deepEqual(
      ix.sections.map((s) => s.number),
      ['1', '1.1', '1.1.1', '1.1.2', '1.2', '2', '2.1', '2.1.1', '2.1.2', '2.1.2.1', '2.1.2.1.1', '3', '3.1', '4', '4.1', 'A', 'A.1'],
    );
    assert.equal(byNumber('1.1')?.title, 'Device Status Field');
    assert.equal(byNumber('1.1')?.label, 'sec:Widgets / Device Status Field');
    assert.equal(byNumber('1.1.1')?.title, 'Driver Requirements: Device Status Field');
    assert.equal(byNumber('1.1.1')?.normative, 'driver');
    assert.equal(byNumber('4.1')?.title, 'Clause 1: Driver Conformance');
    assert.equal(byNumber('A')?.appendix, true);
    assert.equal(byNumber('2.1')?.file, 'device-types/widget/description.tex');
    assert.equal(byNumber('2.1')?.line, 1);
  });

  it('collects normative blocks with the statements they hold', () => {
    assert.equal(ix.counts.normativeSections, 3);
    const drv = ix.normativeBlocks.find((b) => b.number === '1.1.1')!;
    assert.equal(drv.kind, 'driver');
    assert.equal(drv.title, 'Device Status Field');
    assert.equal(drv.label, 'drivernormative:Widgets / Device Status Field');
    assert.equal(drv.section, '1.1');
    // Comments, notes, listings and lower-case words are not statements.
    assert.deepEqual(
      drv.statements.map((s) => s.keyword),
      ['MUST NOT', 'SHOULD', 'MAY', 'MUST'],
    );
    assert.deepEqual(
      drv.statements.map((s) => s.line),
      [14, 15, 15, 20],
    );
    const dev = ix.normativeBlocks.find((b) => b.kind === 'device')!;
    assert.match(dev.statements[0]!.text, /in 1\.1\.$/, 'a \\ref prints the section number');
    assert.equal(ix.counts.mustStatements, 3);
    assert.equal(ix.counts.mustNotStatements, 1);
    assert.equal(ix.counts.normativeStatements, 6);
  });

  it('lists feature bits per device type, legacy ones marked', () => {
    const bits = Object.fromEntries(ix.featureBits.map((b) => [b.name, b]));
    assert.equal(bits.VIRTIO_WIDGET_F_SPIN?.bit, 0);
    assert.equal(bits.VIRTIO_WIDGET_F_HUM?.bit, 2, 'an \\item without brackets');
    assert.equal(bits.VIRTIO_WIDGET_F_GLOW?.section, '2.1.2');
    assert.equal(bits.VIRTIO_WIDGET_F_OLD?.legacy, true);
    assert.equal(bits.VIRTIO_WIDGET_F_OLD?.section, '2.1.2.1');
    assert.equal(bits.VIRTIO_F_WOBBLE?.deviceType, DEVICE_INDEPENDENT);
    assert.equal(bits.VIRTIO_F_OLDSPIN?.legacy, true);
    assert.equal(ix.counts.featureBits, 9);
    assert.deepEqual(ix.deviceTypes, [
      { key: 'widget', title: 'Widget Device', id: 1, section: '2.1', label: 'sec:Device Types / Widget Device', featurePrefix: 'VIRTIO_WIDGET_F_' },
    ]);
  });

  it('reads the feature-bit allocation, status bits and device ids', () => {
    assert.deepEqual(
      ix.reservedRanges.map((r) => [r.from, r.to, r.kind]),
      [
        [0, 9, 'device-specific'],
        [10, 15, 'device-independent'],
        [16, 19, 'future'],
        [20, null, 'device-specific'],
      ],
    );
    assert.deepEqual(
      ix.statusBits.map((s) => [s.name, s.value]),
      [
        ['READY', 1],
        ['BROKEN', 128],
      ],
    );
    assert.deepEqual(ix.deviceIds, [
      { id: 0, name: 'reserved (invalid)' },
      { id: 1, name: 'widget' },
      { id: 2, name: 'gadget box' },
    ]);
  });

  it('reports problems in the sources it can see', () => {
    assert.ok(ix.issues.some((i) => /missing-part/.test(i)), 'a missing \\input inside the document');
    assert.ok(!ix.issues.some((i) => /generated-setup/.test(i)), 'inputs before \\begin{document} do not matter');
    assert.ok(ix.issues.some((i) => /VIRTIO_F_ODD/.test(i)), 'a device-independent bit in the device-type range');
  });

  it('rejects a directory that is not the spec sources', () => {
    assert.throws(() => indexVirtioSpec(fixturesDir), (e: unknown) => e instanceof InputError && /virtio\.tex/.test(e.message));
    assert.throws(() => indexVirtioSpec(`${fixturesDir}/nope`), InputError);
  });
});

describe('indexVirtioSpec on virtio v1.4-cs01', { skip: skipWithoutShared }, () => {
  const started = performance.now();
  const ix = indexVirtioSpec(realVirtioDir);
  const elapsed = performance.now() - started;
  const byNumber = (n: string) => ix.sections.find((s) => s.number === n);

  it('indexes the whole document quickly', () => {
    assert.ok(elapsed < 5000, `took ${Math.round(elapsed)} ms`);
    assert.equal(ix.revision, 'virtio-v1.4-cs01');
  });

  it('finds the 308 normative sections and over 1,100 MUST statements in them', () => {
    assert.equal(ix.counts.normativeSections, 308);
    assert.equal(ix.counts.deviceNormativeSections + ix.counts.driverNormativeSections, 308);
    assert.ok(ix.counts.mustStatements > 1100, `${ix.counts.mustStatements}`);
    const all = ix.normativeBlocks.flatMap((b) => b.statements);
    assert.ok(all.filter((s) => s.keywords.includes('MUST')).every((s) => /\bMUST\b/.test(s.text)));
  });

  it('numbers chapters and sections like the published document', () => {
    assert.deepEqual(
      ix.sections.filter((s) => s.level === 'chapter').map((s) => `${s.number} ${s.title}`),
      [
        '1 Introduction',
        '2 Basic Facilities of a Virtio Device',
        '3 General Initialization And Device Operation',
        '4 Virtio Transport Options',
        '5 Device Types',
        '6 Reserved Feature Bits',
        '7 Conformance',
        'A virtio_queue.h',
        'B Creating New Device Types',
        'C Creating New Transports',
        'D Acknowledgements',
        'E Revision History',
      ],
    );
    assert.equal(byNumber('2.1')?.title, 'Device Status Field');
    assert.equal(byNumber('2.1')?.label, 'sec:Basic Facilities of a Virtio Device / Device Status Field');
    assert.equal(byNumber('2.1.1')?.label, 'drivernormative:Basic Facilities of a Virtio Device / Device Status Field');
    assert.equal(byNumber('5.1')?.title, 'Network Device');
    // A label broken over two lines in the source.
    assert.ok(ix.sections.some((s) => s.label === 'sec:Basic Facilities of a Virtio Device / Notifications'));
    const deep = ix.sections.filter((s) => s.level === 'subparagraph');
    assert.ok(deep.length > 0 && deep.every((s) => s.number.split('.').length === 6));
  });

  it('lists feature bits per device type and the device-independent ones', () => {
    const find = (n: string) => ix.featureBits.find((b) => b.name === n);
    assert.deepEqual([find('VIRTIO_NET_F_CSUM')?.bit, find('VIRTIO_NET_F_CSUM')?.deviceType], [0, 'net']);
    assert.equal(find('VIRTIO_BLK_F_BARRIER')?.legacy, true);
    assert.equal(find('VIRTIO_CRYPTO_F_REVISION_1')?.bit, 0);
    assert.deepEqual([find('VIRTIO_F_VERSION_1')?.bit, find('VIRTIO_F_VERSION_1')?.deviceType], [32, DEVICE_INDEPENDENT]);
    assert.equal(find('VIRTIO_F_ACCESS_PLATFORM')?.bit, 33);
    assert.equal(ix.deviceTypes.length, 23);
    assert.deepEqual(
      ix.deviceTypes.filter((d) => ['net', 'blk', 'vsock'].includes(d.key)).map((d) => [d.key, d.id, d.featurePrefix]),
      [
        ['net', 1, 'VIRTIO_NET_F_'],
        ['blk', 2, 'VIRTIO_BLK_F_'],
        ['vsock', 19, 'VIRTIO_VSOCK_F_'],
      ],
    );
  });

  it('reads the allocation ranges, status bits and device ids', () => {
    const kindOf = (bit: number) => ix.reservedRanges.find((r) => bit >= r.from && (r.to === null || bit <= r.to))?.kind;
    assert.equal(kindOf(0), 'device-specific');
    assert.equal(kindOf(28), 'device-independent');
    assert.equal(kindOf(45), 'future');
    assert.equal(kindOf(200), 'future');
    assert.deepEqual(
      ix.statusBits.map((s) => `${s.name}=${s.value}`),
      ['ACKNOWLEDGE=1', 'DRIVER=2', 'DRIVER_OK=4', 'FEATURES_OK=8', 'SUSPEND=16', 'DEVICE_NEEDS_RESET=64', 'FAILED=128'],
    );
    assert.equal(ix.deviceIds.find((d) => d.id === 19)?.name, 'Socket device');
  });
});
