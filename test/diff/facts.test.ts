import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { codeOf, functionNameOf } from '../../src/diff/c-code.js';
import { analyzeDiff } from '../../src/diff/facts.js';
import { patchFromDiff } from '../../src/ingest/raw-diff.js';
import { parseMail } from '../../src/ingest/mail.js';
import { extractPatch } from '../../src/ingest/extract.js';
import type { Fact } from '../../src/model/facts.js';
import { fixture, EXAMPLES } from '../helpers.js';
import { join } from 'node:path';

function factsOfFile(path: string): Fact[] {
  const r = extractPatch(parseMail(readFileSync(path)), path);
  assert.ok('patch' in r);
  return analyzeDiff(r.patch).facts;
}
function factsOfDiff(diff: string): Fact[] {
  return analyzeDiff(patchFromDiff(diff, 't', 's')).facts;
}
const kinds = (fs: Fact[], kind: string) => fs.filter((f) => f.kind === kind).map((f) => f.symbol);

test('comments and string literals are blanked, code kept, across lines', () => {
  const a = codeOf('x = 1; /* VIRTIO_F_X */ y = "VHOST_Y"; // VHOST_Z', { inBlockComment: false });
  assert.ok(a.code.includes('x = 1;') && a.code.includes('y ='));
  assert.ok(!/VIRTIO_F_X|VHOST_Y|VHOST_Z/.test(a.code));
  const b = codeOf('int a; /* starts', { inBlockComment: false });
  assert.equal(b.state.inBlockComment, true);
  const c = codeOf('still comment VHOST_Q */ int b;', b.state);
  assert.ok(!c.code.includes('VHOST_Q') && c.code.includes('int b;'));
  assert.equal(codeOf(" * a kernel-doc line naming VHOST_SET_OWNER", { inBlockComment: false }).code.trim(), '');
  assert.equal(codeOf("c = '\"'; d = VHOST_OK;", { inBlockComment: false }).code.includes('VHOST_OK'), true);
});

test('function names from hunk sections', () => {
  assert.equal(functionNameOf('static long vhost_vdpa_unlocked_ioctl(struct file *filep,'), 'vhost_vdpa_unlocked_ioctl');
  assert.equal(functionNameOf('static const struct vdpa_config_ops ops = {'), null);
  assert.equal(functionNameOf('if (x) {'), null);
});

test('the crosvm lesson: a bit added to a vhost features enum is a mask-bit-added fact', () => {
  const facts = factsOfFile(join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch'));
  const added = facts.filter((f) => f.kind === 'mask-bit-added');
  assert.deepEqual(added.map((f) => [f.symbol, f.mask, f.line]), [
    ['VIRTIO_F_ACCESS_PLATFORM', 'VHOST_VSOCK_FEATURES', 34],
    ['VHOST_BACKEND_F_IOTLB_MSG_V2', 'VHOST_VSOCK_BACKEND_FEATURES', 38],
  ]);
  // VERSION_1 was re-added on a reformatted line: not a change.
  assert.ok(!facts.some((f) => f.kind === 'mask-bit-removed'));
  assert.deepEqual(kinds(facts, 'function-changed'), ['vhost_vsock_set_features', 'vhost_vsock_dev_ioctl']);
  // -EFAULT after copy_from_user is the idiom, -EOPNOTSUPP is new behaviour.
  assert.deepEqual(kinds(facts, 'error-return-added'), ['EOPNOTSUPP']);
});

test('features mask in a plain diff, and symbols from code only', () => {
  const facts = factsOfDiff(readFileSync(fixture('plain-no-git-header.diff'), 'utf8'));
  assert.deepEqual(facts.filter((f) => f.kind === 'mask-bit-added').map((f) => [f.symbol, f.mask]), [['VIRTIO_F_ACCESS_PLATFORM', 'VHOST_NET_FEATURES']]);
});

test('uAPI defines: value change is an abi-break, a new define compatible; ops calls and function context', () => {
  const facts = factsOfFile(fixture('uapi-vdpa.patch'));
  const changed = facts.find((f) => f.kind === 'macro-value-changed')!;
  assert.equal(changed.symbol, 'VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK');
  assert.equal(changed.compat?.class, 'abi-break');
  assert.deepEqual(kinds(facts, 'macro-added'), ['VHOST_BACKEND_F_IOTLB_PERSIST']);
  assert.deepEqual(kinds(facts, 'uapi-header-changed'), ['vhost_types.h']);
  const call = facts.find((f) => f.kind === 'op-called')!;
  assert.deepEqual([call.symbol, call.function, call.line], ['reset_map', 'vhost_vdpa_reset', 209]);
  // Identifiers in the added comment are not symbols.
  assert.ok(!facts.some((f) => f.kind === 'symbol-added' && f.symbol === 'mappings'));
});

test('ops assignments, module parameters and unbounded waits', () => {
  const diff = [
    'diff --git a/drivers/vdpa/x.c b/drivers/vdpa/x.c',
    '--- a/drivers/vdpa/x.c',
    '+++ b/drivers/vdpa/x.c',
    '@@ -10,4 +10,9 @@ static const struct vdpa_config_ops x_ops = {',
    ' 	.set_map = x_set_map,',
    '+	.reset_map = x_reset_map,',
    ' 	.get_config = x_get_config,',
    ' };',
    '+static bool compat = true;',
    '+module_param(compat, bool, 0444);',
    '+static void x_wait(struct x *x)',
    '+{ wait_for_completion(&x->done); }',
    ' ',
  ].join('\n');
  const facts = factsOfDiff(diff);
  assert.deepEqual(kinds(facts, 'op-assigned'), ['reset_map']);
  assert.deepEqual(kinds(facts, 'module-param-added'), ['compat']);
  const wait = facts.find((f) => f.kind === 'wait-added')!;
  assert.deepEqual([wait.symbol, wait.function], ['wait_for_completion', 'x_wait']);
});

test('damaged hunks and format=flowed produce patch-format facts', () => {
  const facts = factsOfDiff('diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n a\n-b\n+c\nwrapped\n');
  assert.equal(facts.filter((f) => f.kind === 'patch-format-damaged').length, 1);
});

test('an ioctl argument encoded differently is a fact unless the patch documents it', () => {
  const handler = [
    'diff --git a/drivers/vhost/vhost.c b/drivers/vhost/vhost.c',
    '--- a/drivers/vhost/vhost.c',
    '+++ b/drivers/vhost/vhost.c',
    '@@ -10,5 +10,6 @@ long vhost_vring_ioctl(struct vhost_dev *d, unsigned int ioctl, void __user *argp)',
    ' \tcase VHOST_GET_VRING_BASE:',
    ' \t\ts.index = idx;',
    '-\t\ts.num = vq->last_avail_idx;',
    '+\t\ts.num = vq->last_avail_idx | (vq->wrap << 15);',
    '+\t\t/* moved */',
    ' \t\tbreak;',
  ].join('\n');
  const facts = factsOfDiff(handler);
  assert.deepEqual(facts.filter((f) => f.kind === 'ioctl-encoding-changed').map((f) => [f.symbol, f.line]), [['VHOST_GET_VRING_BASE', 12]]);
  const documented = `${handler}\ndiff --git a/include/uapi/linux/vhost.h b/include/uapi/linux/vhost.h\n--- a/include/uapi/linux/vhost.h\n+++ b/include/uapi/linux/vhost.h\n@@ -1,1 +1,2 @@\n #define VHOST_GET_VRING_BASE _IOWR(VHOST_VIRTIO, 0x12, struct vhost_vring_state)\n+/* For packed rings, bit 15 of num carries the wrap counter. */\n`;
  assert.equal(factsOfDiff(documented).filter((f) => f.kind === 'ioctl-encoding-changed').length, 0);
  // The same operation outside an ioctl handler is not an argument encoding.
  assert.equal(factsOfDiff(handler.replace('long vhost_vring_ioctl', 'static long helper')).filter((f) => f.kind === 'ioctl-encoding-changed').length, 0);
});
