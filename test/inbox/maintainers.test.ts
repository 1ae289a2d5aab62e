// `who` and the tree's MAINTAINERS: the sections whose F: patterns cover a patch's files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMaintainers, patternMatches, sectionsFor } from '../../src/inbox/maintainers.js';

const TEXT = [
  'Descriptions of section entries and preferred order',
  '	M: Mail patches to: FullName <address@domain>',
  '',
  'VIRTIO HOST (VHOST)',
  'M:	Michael S. Tsirkin <mst@example.org>',
  'R:	Eugenio Pérez <eperezma@example.org>',
  'L:	kvm@vger.kernel.org',
  'F:	drivers/vhost/',
  'F:	include/uapi/linux/vhost.h',
  'X:	drivers/vhost/scsi.c',
  '',
  'VIRTIO AND VHOST VSOCK DRIVER',
  'M:	Stefano Garzarella <sgarzare@example.org>',
  'F:	drivers/vhost/vsock.c',
  'F:	include/linux/virtio_vsock.h',
  '',
  'NETWORKING [GENERAL]',
  'M:	Someone <net@example.org>',
  'F:	net/',
  '',
].join('\n');

test('F: patterns: directories cover what is below them, globs stay within a path segment', () => {
  assert.ok(patternMatches('drivers/vhost/', 'drivers/vhost/vsock.c'));
  assert.ok(patternMatches('include/uapi/linux/vhost.h', 'include/uapi/linux/vhost.h'));
  assert.ok(patternMatches('include/linux/virtio*.h', 'include/linux/virtio_vsock.h'));
  assert.ok(!patternMatches('include/linux/virtio*.h', 'include/linux/sub/virtio_vsock.h'));
  assert.ok(!patternMatches('net/', 'drivers/net/virtio_net.c'));
});

test('the sections covering a patch, most specific first; X: excludes', () => {
  const sections = parseMaintainers(TEXT);
  assert.deepEqual(sections.map((s) => s.name), ['VIRTIO HOST (VHOST)', 'VIRTIO AND VHOST VSOCK DRIVER', 'NETWORKING [GENERAL]']);
  assert.deepEqual(sectionsFor(sections, ['drivers/vhost/vsock.c']).map((s) => s.name), ['VIRTIO AND VHOST VSOCK DRIVER', 'VIRTIO HOST (VHOST)']);
  assert.deepEqual(sectionsFor(sections, ['drivers/vhost/scsi.c']).map((s) => s.name), []);
  const vhost = sections[0]!;
  assert.deepEqual(vhost.people, [{ role: 'maintainer', who: 'Michael S. Tsirkin <mst@example.org>' }, { role: 'reviewer', who: 'Eugenio Pérez <eperezma@example.org>' }]);
});
