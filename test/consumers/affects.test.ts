// The pure mapping from findings and facts to use sites and verdicts, on hand-made uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consumersAffected, withConsumerUses, formatAffected } from '../../src/consumers/affects.js';
import type { IndexedUse } from '../../src/consumers/types.js';
import type { Fact } from '../../src/model/facts.js';
import type { Finding } from '../../src/model/finding.js';

const use = (u: Partial<IndexedUse> & Pick<IndexedUse, 'symbol' | 'kind'>): IndexedUse => ({ project: 'vmm', version: 'v1', file: 'a.c', line: 1, function: 'f', detail: '', pattern: null, patternDetail: '', ...u });
const finding = (symbols: string[], file: string | null = 'include/uapi/linux/vhost_types.h'): Finding => ({ ruleId: 'r', category: 'uapi-abi', severity: 'warning', title: 't', message: 'm', file, line: 1, symbols, checklist: [], consumers: ['QEMU'], references: [] });
const fact = (f: Partial<Fact> & Pick<Fact, 'kind' | 'symbol'>): Fact => ({ file: 'include/uapi/linux/vhost_types.h', line: 1, ...f });
const index = (uses: IndexedUse[]) => (s: string) => uses.filter((u) => u.symbol === s);

test('a struct member appended: argsz users are safe, sizeof users are to check, builders leave it zero', () => {
  const uses = [
    use({ symbol: 'struct vfio_info', kind: 'struct-build', detail: 'argsz,flags', pattern: 'size-field', patternDetail: '.argsz = sizeof(info)', line: 10 }),
    use({ symbol: 'struct vfio_info', kind: 'struct-size', pattern: 'size-sizeof', line: 20 }),
    use({ symbol: 'struct vfio_info', kind: 'struct-read', detail: 'flags', line: 30 }),
    use({ symbol: 'struct other', kind: 'struct-read', detail: 'flags', line: 40 }),
  ];
  const [a] = consumersAffected([finding(['vfio_info'])], [fact({ kind: 'struct-member-appended', symbol: 'vfio_info', detail: 'member cap_offset appended' })], index(uses));
  assert.deepEqual(a!.map((x) => [x.use.line, x.verdict]), [[20, 'check'], [10, 'safe'], [30, 'safe']]);
  assert.match(a![1]!.why, /argsz field \(\.argsz = sizeof\(info\)\) → an old binary passes the old size, which the kernel must keep accepting/);
});

test('a struct member removed: the sites that use that member break', () => {
  const uses = [use({ symbol: 'struct vhost_x', kind: 'struct-build', detail: 'index,num', line: 5 }), use({ symbol: 'struct vhost_x', kind: 'struct-read', detail: 'index', line: 6 })];
  const [a] = consumersAffected([finding(['vhost_x'])], [fact({ kind: 'struct-member-removed', symbol: 'vhost_x', detail: 'member num removed' })], index(uses));
  assert.equal(formatAffected(a![0]!), 'vmm a.c:5 f: fills num → the member it uses moved or changed');
  assert.equal(a![1]!.verdict, 'breaks'); // reads index at the old offsets of a changed struct
});

test('a new errno: fatal callers break, callers that handle it fall back, the ioctl is read from the fact', () => {
  const uses = [
    use({ symbol: 'VHOST_SET_BACKEND_FEATURES', kind: 'ioctl', pattern: 'errno-fatal', line: 1 }),
    use({ symbol: 'VHOST_SET_BACKEND_FEATURES', kind: 'ioctl', pattern: 'errno-handled', patternDetail: 'ENOTTY', line: 2 }),
    use({ symbol: 'VHOST_SET_BACKEND_FEATURES', kind: 'ioctl', pattern: 'errno-handled', patternDetail: 'EOPNOTSUPP,ENOTTY', line: 3 }),
    use({ symbol: 'VHOST_SET_BACKEND_FEATURES', kind: 'mention', line: 4 }),
  ];
  const f = fact({ kind: 'error-return-added', symbol: 'EOPNOTSUPP', file: 'drivers/vhost/vsock.c', function: 'vhost_vsock_dev_ioctl', detail: 'vhost_vsock_dev_ioctl() (VHOST_SET_BACKEND_FEATURES) can now fail with -EOPNOTSUPP' });
  const [a] = consumersAffected([finding(['EOPNOTSUPP'], 'drivers/vhost/vsock.c')], [f], index(uses));
  assert.deepEqual(a!.map((x) => [x.use.line, x.verdict, x.why]), [
    [1, 'breaks', 'any error is fatal → EOPNOTSUPP fails the call where it worked before'],
    [2, 'breaks', 'handles only ENOTTY → EOPNOTSUPP is treated as a failure'],
    [3, 'safe', 'handles EOPNOTSUPP → falls back'],
  ]);
});

test('a bit no longer offered: setters break; a finding with no matching site keeps the knowledge-base list', () => {
  const uses = [use({ symbol: 'VIRTIO_NET_F_X', kind: 'feature-set', line: 7 }), use({ symbol: '@features:vhost', kind: 'negotiates', pattern: 'features-intersect', patternDetail: 'masks nothing', detail: 'a & b' })];
  const findings = [finding(['VIRTIO_NET_F_X'], 'drivers/vhost/net.c'), finding(['NOTHING_HERE'], 'drivers/vhost/net.c')];
  const affected = consumersAffected(findings, [fact({ kind: 'mask-bit-removed', symbol: 'VIRTIO_NET_F_X', file: 'drivers/vhost/net.c' })], index(uses));
  assert.deepEqual(affected[0]!.map((x) => [x.use.line, x.verdict]), [[7, 'breaks']]);
  const out = withConsumerUses(findings, affected);
  assert.deepEqual(out[1], findings[1]);
  assert.deepEqual(out[0]!.consumers, ['vmm a.c:7 f: sets X → asks for a bit no longer offered (VHOST_SET_FEATURES fails, or the feature is lost)']);
  assert.equal(out[0]!.consumerUses![0]!.verdict, 'breaks');
});

test('backend feature bits do not reach the virtio features negotiation sites', () => {
  const uses = [use({ symbol: '@features:vhost', kind: 'negotiates', pattern: 'features-intersect', patternDetail: 'masks nothing', detail: 'a & b' })];
  const [a] = consumersAffected([finding(['VHOST_BACKEND_F_NEW'], 'drivers/vhost/net.c')], [fact({ kind: 'mask-bit-added', symbol: 'VHOST_BACKEND_F_NEW', file: 'drivers/vhost/net.c' })], index(uses));
  assert.deepEqual(a, []);
  const [b] = consumersAffected([finding(['VIRTIO_F_NEW'], 'drivers/vhost/net.c')], [fact({ kind: 'mask-bit-added', symbol: 'VIRTIO_F_NEW', file: 'drivers/vhost/net.c' })], index(uses));
  assert.equal(b![0]!.verdict, 'breaks');
});

test('a changed value: a consumer\'s own copy of the definition keeps the old one; its users are listed too', () => {
  const uses = [
    use({ symbol: 'VHOST_BACKEND_F_X', kind: 'defines', detail: '0x6', line: 3 }),
    use({ symbol: 'VHOST_BACKEND_F_X', kind: 'feature-set', line: 9 }),
    use({ symbol: 'VHOST_BACKEND_F_X', kind: 'mention', line: 12 }),
  ];
  const lookup = (s: string, definitions?: boolean) => uses.filter((u) => u.symbol === s && (definitions || (u.kind !== 'defines' && u.kind !== 'mention')));
  const f = fact({ kind: 'macro-value-changed', symbol: 'VHOST_BACKEND_F_X', detail: 'VHOST_BACKEND_F_X changed from 0x6 to 0x7', compat: { class: 'abi-break', reason: 'binaries built against the old header still use 0x6' } });
  const [a] = consumersAffected([finding(['VHOST_BACKEND_F_X'])], [f], lookup);
  assert.deepEqual(a!.map((x) => [x.use.line, x.verdict, x.why]), [
    [3, 'breaks', 'defines its own copy (0x6) → keeps the old value until it syncs its headers'],
    [9, 'breaks', 'feature-set with the value from its own copy of the header → binaries built against the old header still use 0x6'],
  ]);
});

test('a feature bit a device offers reaches that device\'s sites and shared ones, not another device\'s', () => {
  const neg = (file: string, line: number) => use({ symbol: '@features:vhost', kind: 'negotiates', pattern: 'features-intersect', patternDetail: 'masks nothing', detail: 'acked & avail', file, line });
  const uses = [neg('src/vhost/worker.rs', 1), neg('src/vhost/vsock.rs', 2), neg('src/vhost_kern/net.rs', 3), neg('drivers/net/virtio/user_dev.c', 4), use({ symbol: 'VIRTIO_F_NEW', kind: 'feature-set', file: 'src/devices/balloon.rs', line: 5 })];
  const [a] = consumersAffected([finding(['VIRTIO_F_NEW'], 'drivers/vhost/vsock.c')], [fact({ kind: 'mask-bit-added', symbol: 'VIRTIO_F_NEW', file: 'drivers/vhost/vsock.c' })], index(uses));
  assert.deepEqual(a!.map((x) => x.use.line).sort(), [1, 2]);
  // A change to shared code (no device in its path) reaches every device's sites.
  const [b] = consumersAffected([finding(['VIRTIO_F_NEW'], 'drivers/vhost/vhost.c')], [fact({ kind: 'mask-bit-added', symbol: 'VIRTIO_F_NEW', file: 'drivers/vhost/vhost.c' })], index(uses));
  assert.deepEqual(b!.map((x) => x.use.line).sort(), [1, 2, 3, 4, 5]);
});

test('sites of one verdict are listed by project, file, then line', () => {
  const fatal = (file: string, line: number) => use({ symbol: 'VHOST_SET_OWNER', kind: 'ioctl', pattern: 'errno-fatal', file, line });
  const uses = [fatal('b.c', 9), fatal('a.c', 30), fatal('a.c', 4), fatal('b.c', 2), fatal('a.c', 17)];
  const f = fact({ kind: 'error-return-added', symbol: 'EBUSY', file: 'drivers/vhost/vhost.c', detail: 'vhost_dev_ioctl() (VHOST_SET_OWNER) can now fail with -EBUSY' });
  const [a] = consumersAffected([finding(['EBUSY'], 'drivers/vhost/vhost.c')], [f], index(uses));
  assert.deepEqual(a!.map((x) => `${x.use.file}:${x.use.line}`), ['a.c:4', 'a.c:17', 'a.c:30', 'b.c:2', 'b.c:9']);
});
