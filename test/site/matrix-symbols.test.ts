import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entry } from '../../src/knowledge/entry.js';
import { buildMatrix, compareVersions, familyOf } from '../../src/site/matrix.js';
import { buildSymbolCatalogue } from '../../src/site/symbols.js';
import { parseVhostUser } from '../../src/spec/vhost-user.js';

function entry(id: string, fields: Partial<Entry>): Entry {
  return {
    id,
    title: `Title of ${id}`,
    area: 'vhost',
    category: 'feature-negotiation',
    severity: 'warning',
    summary: 'A summary long enough for the schema.',
    symbols: ['VHOST_SET_FEATURES'],
    checklist: ['Is this a question long enough?'],
    consumers: ['QEMU'],
    references: [{ type: 'commit', id: '0123456789ab' }],
    file: `vhost/${id}.md`,
    body: '',
    ...fields,
  };
}

test('versions sort by product, then numerically', () => {
  const v = ['QEMU 8.2', 'Linux 6.17', 'late 2025', 'Linux 4.19', 'Linux 4.8', 'Linux 2.6.33', 'QEMU 6.0', 'virtio 1.1'];
  assert.deepEqual([...v].sort(compareVersions), ['Linux 2.6.33', 'Linux 4.8', 'Linux 4.19', 'Linux 6.17', 'QEMU 6.0', 'QEMU 8.2', 'virtio 1.1', 'late 2025']);
});

test('feature families and how each is negotiated', () => {
  assert.equal(familyOf('VHOST_BACKEND_F_IOTLB_PERSIST')?.name, 'vhost backend feature');
  assert.equal(familyOf('VHOST_USER_PROTOCOL_F_REPLY_ACK')?.name, 'vhost-user protocol feature');
  assert.equal(familyOf('VHOST_USER_F_PROTOCOL_FEATURES')?.name, 'vhost-user feature');
  assert.equal(familyOf('VHOST_F_LOG_ALL')?.name, 'vhost feature');
  assert.equal(familyOf('VIRTIO_NET_F_MRG_RXBUF')?.name, 'virtio feature');
  assert.equal(familyOf('VIRTIO_F_VERSION_1')?.name, 'virtio feature');
  assert.equal(familyOf('VIRTIO_TRANSPORT_F_START'), undefined);
  assert.equal(familyOf('VHOST_VRING_F_LOG'), undefined);
  assert.equal(familyOf('VRING_DESC_F_NEXT'), undefined);
});

test('matrix: history items that name a bit become introduced/changed cells', () => {
  const entries = [
    entry('backend', {
      symbols: ['VHOST_BACKEND_F_IOTLB_MSG_V2', 'VHOST_BACKEND_F_IOTLB_BATCH', 'VHOST_BACKEND_F_UNUSED'],
      since: 'Linux 4.19',
      history: [
        { version: 'Linux 5.9', change: 'IOTLB_BATCH added for vhost-vdpa', commit: '0123456789ab' },
        { version: 'Linux 4.19', change: 'message format v2 selected by VHOST_BACKEND_F_IOTLB_MSG_V2', commit: '0123456789ab' },
        { version: 'Linux 5.11', change: 'vsock implements VHOST_BACKEND_F_IOTLB_MSG_V2 too', commit: '0123456789ab' },
        { version: 'Linux 5.12', change: 'nothing about a bit here', commit: '0123456789ab' },
      ],
    }),
    entry('other', {
      symbols: ['VHOST_SET_FEATURES'],
      history: [{ version: 'QEMU 8.0', change: 'QEMU acks VHOST_BACKEND_F_IOTLB_BATCH', commit: '0123456789ab' }],
    }),
  ];
  const m = buildMatrix(entries);
  assert.deepEqual(m.columns, ['Linux 4.19', 'Linux 5.9', 'Linux 5.11', 'QEMU 8.0']);
  const row = (bit: string) => m.rows.find((r) => r.bit === bit)!;
  // since = the first version: introduced even without the word "added".
  assert.deepEqual(
    row('VHOST_BACKEND_F_IOTLB_MSG_V2').events.map((e) => [e.version, e.kind]),
    [
      ['Linux 4.19', 'introduced'],
      ['Linux 5.11', 'changed'],
    ],
  );
  // Named by its distinctive suffix in its own entry, and in full by another entry.
  assert.deepEqual(
    row('VHOST_BACKEND_F_IOTLB_BATCH').events.map((e) => [e.version, e.kind, e.entry.id]),
    [
      ['Linux 5.9', 'introduced', 'backend'],
      ['QEMU 8.0', 'changed', 'other'],
    ],
  );
  assert.equal(row('VHOST_BACKEND_F_IOTLB_BATCH').cells.length, m.columns.length);
  assert.deepEqual(
    row('VHOST_BACKEND_F_IOTLB_BATCH').cells.map((c) => c.length),
    [0, 1, 0, 1],
  );
  assert.match(row('VHOST_BACKEND_F_IOTLB_BATCH').negotiation.text, /VHOST_SET_BACKEND_FEATURES/);
  assert.deepEqual(m.withoutHistory, ['VHOST_BACKEND_F_UNUSED']);
});

test('symbol catalogue: kinds, coverage, vhost-user facts, related names, unique slugs', () => {
  const rst = [
    'Front-end message types',
    '-----------------------',
    '',
    '``VHOST_USER_GET_FEATURES``',
    '  :id: 1',
    '  :equivalent ioctl: ``VHOST_GET_FEATURES``',
    '  :request payload: N/A',
    '  :reply payload: ``u64``',
    '',
    '  Gets the features.',
    '',
    '``VHOST_USER_SET_BACKEND_REQ_FD`` (previous name ``VHOST_USER_SET_SLAVE_REQ_FD``)',
    '  :id: 21',
    '  :equivalent ioctl: N/A',
    '  :request payload: N/A',
    '  :reply payload: N/A',
    '',
    '  Sets the channel.',
    '',
  ].join('\n');
  const vu = parseVhostUser(rst);
  const entries = [
    entry('a', {
      symbols: ['VHOST_GET_FEATURES', 'VHOST_SET_FEATURES', 'vhost_dev_ioctl', 'EINVAL', 'VHOST_USER_GET_FEATURES', 'git am'],
      triggers: [{ symbols: ['reset_map'], facts: ['op-called'] }],
    }),
    entry('b', { symbols: ['VHOST_SET_FEATURES', 'vhost_set_features', 'VHOST_USER_SET_SLAVE_REQ_FD'], severity: 'error' }),
  ];
  const cat = buildSymbolCatalogue(entries, { headers: null, vhostUser: vu, scope: [{ name: 'VHOST_SET_OWNER', area: 'vhost', kind: 'ioctl', source: 'vhost.h' }] });
  assert.deepEqual([...cat.keys()].sort(), [
    'VHOST_GET_FEATURES',
    'VHOST_SET_FEATURES',
    'VHOST_SET_OWNER',
    'VHOST_USER_GET_FEATURES',
    'VHOST_USER_SET_BACKEND_REQ_FD',
    'VHOST_USER_SET_SLAVE_REQ_FD',
    'reset_map',
  ]);
  assert.equal(cat.get('reset_map')!.kind, 'op');
  assert.equal(cat.get('VHOST_SET_OWNER')!.kind, 'ioctl');
  assert.equal(cat.get('VHOST_SET_OWNER')!.entries.length, 0);
  assert.deepEqual(
    cat.get('VHOST_SET_FEATURES')!.entries.map((e) => e.id),
    ['b', 'a'],
    'most severe first',
  );
  const msg = cat.get('VHOST_USER_GET_FEATURES')!;
  assert.equal(msg.kind, 'message');
  assert.equal(msg.message!.id, 1);
  assert.ok(msg.related.includes('VHOST_GET_FEATURES'), 'its equivalent ioctl');
  assert.ok(cat.get('VHOST_GET_FEATURES')!.related.includes('VHOST_USER_GET_FEATURES'), 'and back');
  assert.equal(cat.get('VHOST_GET_FEATURES')!.related[0], 'VHOST_SET_FEATURES', 'the GET/SET counterpart first');
  assert.equal(cat.get('VHOST_USER_SET_SLAVE_REQ_FD')!.previousNameOf, 'VHOST_USER_SET_BACKEND_REQ_FD');

  const clash = buildSymbolCatalogue([entry('c', { symbols: ['VIRTIO_F_X', 'virtio_f_x'], triggers: [{ symbols: ['virtio_f_x'], facts: ['op-assigned'] }] })], { headers: null, vhostUser: null, scope: [] });
  const slugs = [...clash.values()].map((s) => s.slug.toLowerCase());
  assert.equal(new Set(slugs).size, 2, 'slugs differ even ignoring case');
});
