// The syntax-tree reading: use kinds and the compatibility-deciding patterns, on C and Rust the
// tests' own toy VMM fixture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadParsers, languageOf } from '../../src/consumers/parser.js';
import { extractUses } from '../../src/consumers/extract.js';
import { normalizeSymbol } from '../../src/consumers/query.js';
import type { UseSite } from '../../src/consumers/types.js';
import { TOYVMM } from './toyvmm.js';

/** The edge-case fixtures (fixtures/edges), kept out of the toy VMM checkout so its counts stay put. */
const EDGES = join(TOYVMM, '..', 'edges');

async function usesOf(rel: string, root = TOYVMM): Promise<UseSite[]> {
  const parsers = await loadParsers();
  const lang = languageOf(rel)!;
  const tree = parsers.parser(lang).parse(readFileSync(join(root, rel), 'utf8'))!;
  try {
    return extractUses(tree.rootNode, lang, rel);
  } finally {
    tree.delete();
  }
}

const find = (uses: UseSite[], symbol: string, kind?: string, fn?: string) => uses.filter((u) => u.symbol === symbol && (!kind || u.kind === kind) && (!fn || u.function === fn));
const one = (uses: UseSite[], symbol: string, kind?: string, fn?: string) => {
  const all = find(uses, symbol, kind, fn);
  assert.equal(all.length, 1, `one ${kind ?? 'use'} of ${symbol}${fn ? ` in ${fn}` : ''}, got ${JSON.stringify(all)}`);
  return all[0]!;
};

test('C: ioctls with their errno handling, read from the function around them', async () => {
  const uses = await usesOf('src/vhost_backend.c');
  const handled = one(uses, 'VHOST_SET_BACKEND_FEATURES', 'ioctl');
  assert.equal(handled.function, 'toy_set_backend');
  assert.equal(handled.line, 40);
  assert.deepEqual([handled.pattern, handled.patternDetail], ['errno-handled', 'ENOTTY,EOPNOTSUPP']);
  const fatal = one(uses, 'VHOST_SET_VRING_ADDR', 'ioctl');
  assert.deepEqual([fatal.pattern, fatal.function], ['errno-fatal', 'toy_vring_addr']);
});

test('C: features = acked & available with one masked bit, and a file-level allow-list', async () => {
  const uses = await usesOf('src/vhost_backend.c');
  const intersect = one(uses, '@features:vhost', 'negotiates', 'toy_negotiate');
  assert.equal(intersect.line, 25);
  assert.equal(intersect.detail, 'd->acked_features & avail_features');
  assert.deepEqual([intersect.pattern, intersect.patternDetail], ['features-intersect', 'masks VIRTIO_F_ACCESS_PLATFORM']);
  assert.equal(one(uses, 'VIRTIO_F_ACCESS_PLATFORM', 'feature-mask').line, 26);
  const allow = one(uses, '@features:vhost', 'negotiates', 'toy_filtered');
  assert.deepEqual([allow.pattern, allow.patternDetail], ['features-allow-list', 'VIRTIO_F_RING_PACKED,VIRTIO_F_VERSION_1,VIRTIO_RING_F_EVENT_IDX']);
});

test('C: structs built, read and sized, with sizeof versus an argsz field', async () => {
  const uses = await usesOf('src/vhost_backend.c');
  const built = one(uses, 'struct vhost_vring_addr', 'struct-build');
  assert.equal(built.detail, 'desc_user_addr,flags,index');
  assert.equal(built.pattern, null);
  const read = one(uses, 'struct vhost_vring_state', 'struct-read');
  assert.deepEqual([read.detail, read.pattern], ['num', 'size-sizeof']);
  assert.equal(one(uses, 'struct vhost_vring_state', 'struct-build').detail, 'index');
  const argsz = one(uses, 'struct vfio_region_info', 'struct-build');
  assert.deepEqual([argsz.detail, argsz.pattern, argsz.patternDetail], ['argsz,index', 'size-field', '.argsz = sizeof(info)']);
});

test('C: vhost-user messages sent with and without awaiting the reply, and handled', async () => {
  const uses = await usesOf('src/vhost_user.c');
  const awaited = one(uses, 'VHOST_USER_SET_MEM_TABLE', 'sends');
  assert.deepEqual([awaited.function, awaited.pattern], ['toy_send_mem_table', 'reply-awaited']);
  assert.equal(one(uses, 'VHOST_USER_SET_LOG_BASE', 'sends').pattern, 'reply-not-awaited');
  assert.equal(one(uses, 'VHOST_USER_BACKEND_IOTLB_MSG', 'handles').function, 'toy_backend_dispatch');
  assert.equal(one(uses, 'VHOST_USER_PROTOCOL_F_REPLY_ACK', 'feature-test').detail, 'toy_has_feature');
});

test('Rust: impl methods named Type::fn, bindgen paths, errno match arms, struct literals and size_of', async () => {
  const uses = await usesOf('rs/vhost/worker.rs');
  const neg = one(uses, '@features:vhost', 'negotiates');
  assert.deepEqual([neg.function, neg.line, neg.pattern, neg.patternDetail], ['Worker::start', 11, 'features-intersect', 'masks nothing']);
  assert.equal(one(uses, 'VHOST_SET_FEATURES', 'ioctl').pattern, 'errno-fatal');
  const owner = one(uses, 'VHOST_SET_OWNER', 'ioctl');
  assert.deepEqual([owner.pattern, owner.patternDetail], ['errno-handled', 'EBUSY']);
  const built = one(uses, 'struct vhost_vring_state', 'struct-build');
  assert.deepEqual([built.detail, built.pattern], ['index,num', 'size-sizeof']);
  assert.equal(one(uses, 'struct vhost_vring_state', 'struct-size').line, 36);
});

test('Rust: rust-vmm enum names map to the protocol names; allow-list of protocol features', async () => {
  const uses = await usesOf('rs/vhost_user/frontend.rs');
  const sent = one(uses, 'VHOST_USER_SET_VRING_NUM', 'sends');
  assert.deepEqual([sent.function, sent.pattern], ['Frontend::set_vring_num', 'reply-awaited']);
  assert.equal(one(uses, 'VHOST_USER_BACKEND_CONFIG_CHANGE_MSG', 'handles').function, 'Frontend::handle');
  const neg = one(uses, '@features:vhost-user', 'negotiates');
  assert.deepEqual([neg.pattern, neg.patternDetail], ['features-allow-list', 'VHOST_USER_PROTOCOL_F_CONFIG,VHOST_USER_PROTOCOL_F_MQ,VHOST_USER_PROTOCOL_F_REPLY_ACK']);
});

test('C: iommufd size from sizeof into .size, errno handled; vdpa netlink commands and attributes sent and read', async () => {
  const uses = await usesOf('src/iommufd_vdpa.c');
  const map = one(uses, 'IOMMU_IOAS_MAP', 'ioctl');
  assert.deepEqual([map.function, map.pattern, map.patternDetail], ['toy_ioas_map', 'errno-handled', 'EOPNOTSUPP']);
  const built = one(uses, 'struct iommu_ioas_map', 'struct-build');
  assert.deepEqual([built.detail, built.pattern, built.patternDetail], ['flags,ioas_id,length,size,user_va', 'size-field', '.size = sizeof(map)']);
  assert.equal(one(uses, 'VDPA_CMD_DEV_NEW', 'sends').detail, 'toy_nl_msg');
  assert.equal(one(uses, 'VDPA_ATTR_DEV_NAME', 'sends').detail, 'mnl_attr_put_strz');
  assert.equal(one(uses, 'VDPA_ATTR_DEV_NAME', 'handles').function, 'toy_vdpa_dev_show');
  assert.equal(find(uses, 'VDPA_ATTR_DEV_ID', 'handles').length, 2);
});

test('definitions keep the consumer\'s own value: C #define, Rust ioctl macros, consts and rust-vmm enum values', async () => {
  const c = await usesOf('src/vhost_user.c');
  assert.equal(one(c, 'VHOST_USER_TOY_REQUEST', 'defines').detail, '77');
  const rs = await usesOf('rs/vhost/worker.rs');
  assert.equal(one(rs, 'VHOST_SET_FEATURES', 'defines').detail, 'ioctl_iow_nr!(VHOST_SET_FEATURES, VHOST, 0x00, u64)');
  assert.equal(one(rs, 'VIRTIO_F_TOY_BIT', 'defines').detail, '40');
  const fe = await usesOf('rs/vhost_user/frontend.rs');
  assert.equal(one(fe, 'VHOST_USER_SET_VRING_NUM', 'defines').detail, '8');
});

test('Rust: a request number called as a function (vmm-sys-util ioctl_*_nr!) is the ioctl issued', async () => {
  const uses = await usesOf('ioctl_fn.rs', EDGES);
  const set = one(uses, 'VHOST_SET_FEATURES', 'ioctl');
  assert.deepEqual([set.function, set.line, set.detail, set.pattern], ['ToyBackend::set_features', 8, 'ioctl_with_ref', 'errno-fatal']);
  assert.equal(one(uses, 'VHOST_SET_OWNER', 'ioctl').function, 'ToyBackend::set_owner');
  // Listed in a seccomp allow-list: named, not issued.
  assert.equal(find(uses, 'VHOST_SET_FEATURES', 'mention', 'seccomp_rules').length, 1);
  assert.equal(one(uses, 'VHOST_SET_FEATURES', 'defines').line, 3);
});

test('C: ring indexes and masks are no feature negotiation; features & A_NAMED_CONSTANT is an allow-list', async () => {
  const uses = await usesOf('masks.c', EDGES);
  assert.deepEqual(uses.filter((u) => u.kind === 'negotiates' && u.function === 'toy_batch_check'), [], '"PACKED" is no "acked", avail_idx no features');
  const named = one(uses, '@features:virtio', 'negotiates', 'toy_get_features');
  assert.deepEqual([named.pattern, named.patternDetail], ['features-allow-list', 'TOY_SUPPORTED_FEATURES']);
  const intersect = one(uses, '@features:vhost', 'negotiates', 'toy_set_features');
  assert.deepEqual([intersect.detail, intersect.pattern, intersect.patternDetail], ['dev->acked_features & features', 'features-intersect', 'masks nothing']);
});

test('C: a message named in a lock assertion or a trace call is not sent', async () => {
  const uses = await usesOf('backend_handler.c', EDGES);
  assert.deepEqual(find(uses, 'VHOST_USER_SET_VRING_ENABLE', 'sends', 'toy_handle_vring_enable'), []);
  const sent = one(uses, 'VHOST_USER_SET_VRING_ENABLE', 'sends');
  assert.deepEqual([sent.function, sent.detail], ['toy_send_vring_enable', 'toy_send_msg']);
});

test('C: a vdpa netlink command passed to the helper that prepares the message is sent', async () => {
  const uses = await usesOf('vdpa_tool.c', EDGES);
  const cmd = one(uses, 'VDPA_CMD_DEV_NEW', 'sends');
  assert.deepEqual([cmd.function, cmd.line, cmd.detail], ['toy_dev_add', 7, 'toy_socket_cmd_prepare']);
  assert.equal(one(uses, 'VDPA_ATTR_DEV_NAME', 'sends').detail, 'mnl_attr_put_strz');
});

test('features negotiated in a vhost-user library under a "vhost" folder are vhost-user\'s; a VDUSE device\'s are its own', async () => {
  const lib = await usesOf('vhost/backend_socket.c', EDGES);
  assert.equal(one(lib, '@features:vhost-user', 'negotiates').function, 'toy_backend_enable_features');
  assert.deepEqual(find(lib, '@features:vhost'), []);
  const vduse = await usesOf('vhost/vduse_dev.c', EDGES);
  assert.equal(one(vduse, '@features:vduse', 'negotiates').function, 'toy_vduse_features');
});

test('a bit under its old uAPI name (VIRTIO_F_IOMMU_PLATFORM) is recorded as the current one', async () => {
  const uses = await usesOf('old_name.c', EDGES);
  const masked = one(uses, 'VIRTIO_F_ACCESS_PLATFORM', 'feature-mask');
  assert.deepEqual([masked.function, masked.line], ['toy_kernel_features', 4]);
  assert.deepEqual(find(uses, 'VIRTIO_F_IOMMU_PLATFORM'), []);
  // Asked for by its old name, it is found under the current one.
  assert.equal(normalizeSymbol('VIRTIO_F_IOMMU_PLATFORM'), 'VIRTIO_F_ACCESS_PLATFORM');
});

test('C: a request handed to the file\'s own ioctl wrapper is an ioctl issued', async () => {
  const uses = await usesOf('wrapped_calls.c', EDGES);
  const set = one(uses, 'VHOST_VDPA_SET_STATUS', 'ioctl');
  assert.deepEqual([set.function, set.line, set.detail, set.pattern], ['toy_dev_status', 30, 'toy_dev_do', 'errno-fatal']);
  one(uses, 'VHOST_VDPA_GET_STATUS', 'ioctl', 'toy_dev_status');
});

test('C: a message handed to the file\'s own builder is sent; its wait flag or its read of the answer says whether the reply is awaited', async () => {
  const uses = await usesOf('wrapped_calls.c', EDGES);
  const reply = (sym: string) => {
    const u = one(uses, sym, 'sends');
    return [u.pattern, u.patternDetail];
  };
  assert.deepEqual(reply('VHOST_USER_SET_VRING_ENABLE'), ['reply-awaited', '']);
  assert.deepEqual(reply('VHOST_USER_SET_VRING_NUM'), ['reply-not-awaited', '']);
  assert.deepEqual(reply('VHOST_USER_SET_FEATURES'), ['reply-awaited', 'only when logging']);
  assert.deepEqual(reply('VHOST_USER_GET_FEATURES'), ['reply-awaited', 'reads the reply']);
  // `.hdr.request = NAME` in a nested designator sends the message too.
  assert.deepEqual(reply('VHOST_USER_SET_OWNER'), ['reply-not-awaited', '']);
  // A sender that switches on the request reads only some answers: the caller's own code decides.
  assert.deepEqual(reply('VHOST_USER_SET_VRING_BASE'), ['reply-not-awaited', '']);
});

test('C: feature tables picked by name are allow-lists, one negotiation each, for the transport the name says', async () => {
  const uses = await usesOf('wrapped_calls.c', EDGES);
  const kern = one(uses, '@features:vhost', 'negotiates', 'toy_table_for');
  assert.deepEqual([kern.line, kern.detail, kern.pattern, kern.patternDetail], [85, 'bits = toy_kern_feature_bits', 'features-allow-list', 'VIRTIO_F_VERSION_1,VIRTIO_RING_F_EVENT_IDX']);
  const user = one(uses, '@features:vhost-user', 'negotiates', 'toy_table_for');
  assert.deepEqual([user.pattern, user.patternDetail], ['features-allow-list', 'VIRTIO_F_RING_PACKED,VIRTIO_F_VERSION_1,VIRTIO_NET_F_MQ']);
});
