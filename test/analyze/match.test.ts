import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSources } from '../../src/knowledge/compile.js';
import { compileRules } from '../../src/analyze/rules.js';
import { matchFacts, applyWaivers } from '../../src/analyze/match.js';
import { openReview } from '../../src/engine/index.js';
import type { Fact } from '../../src/model/facts.js';
import type { Patch } from '../../src/model/patch.js';
import type { IngestItem } from '../../src/ingest/read-input.js';

function rulesFrom(...frontmatters: string[]) {
  return compileRules(entriesFrom(...frontmatters));
}
function entriesFrom(...frontmatters: string[]) {
  const sources = frontmatters.map((fm, i) => ({ file: `vhost/e${i}.md`, text: `---\nid: e${i}\ntitle: Entry ${i}\narea: vhost\n${fm}\nsummary: A summary long enough for the schema.\nchecklist: ["Is this a question?"]\nconsumers: [QEMU]\nreferences: [{type: commit, id: 0123456789ab}]\n---\nBody.\n` }));
  const { entries, problems } = compileSources(sources);
  assert.deepEqual(problems, []);
  return entries;
}
const fact = (over: Partial<Fact>): Fact => ({ kind: 'symbol-added', symbol: 'X', file: 'drivers/vhost/net.c', line: 10, text: '', ...over });

test('default triggers fire on any mention but never above warning', () => {
  const rules = rulesFrom('category: uapi-abi\nseverity: error\nsymbols: [VHOST_SET_OWNER]');
  const f = matchFacts([fact({ symbol: 'VHOST_SET_OWNER' })], rules);
  assert.equal(f.length, 1);
  assert.equal(f[0]!.severity, 'warning');
  assert.deepEqual(matchFacts([fact({ symbol: 'VHOST_SET_OWNER_X' })], rules), []);
});

test('explicit triggers: every condition must hold; per-trigger severity', () => {
  const rules = rulesFrom(
    "category: feature-negotiation\nseverity: error\nsymbols: [VIRTIO_F_ACCESS_PLATFORM]\ntriggers:\n  - {symbols: [VIRTIO_F_ACCESS_PLATFORM], facts: [mask-bit-added], files: ['drivers/vhost/**'], severity: error}\n  - {symbols: [VIRTIO_F_ACCESS_PLATFORM], severity: note}",
  );
  const hit = matchFacts([fact({ kind: 'mask-bit-added', symbol: 'VIRTIO_F_ACCESS_PLATFORM', detail: 'added to VHOST_NET_FEATURES' })], rules);
  assert.equal(hit[0]!.severity, 'error');
  // The first sentence says what the patch does; the entry's background follows.
  assert.match(hit[0]!.message, /^Added to VHOST_NET_FEATURES\./);
  const elsewhere = matchFacts([fact({ kind: 'mask-bit-added', symbol: 'VIRTIO_F_ACCESS_PLATFORM', file: 'drivers/net/virtio_net.c' })], rules);
  assert.equal(elsewhere[0]!.severity, 'note');
});

test('pattern, line and notFiles conditions', () => {
  const rules = rulesFrom(
    "category: ordering-race\nseverity: warning\nsymbols: [VHOST_USER_SET_VRING_ENABLE]\ntriggers:\n  - {symbolPatterns: ['^VHOST_USER_SET_VRING_'], lines: ['need_reply|REPLY_ACK'], notFiles: ['docs/**']}",
  );
  assert.equal(matchFacts([fact({ symbol: 'VHOST_USER_SET_VRING_ENABLE', text: 'msg.flags |= need_reply;', file: 'hw/virtio/vhost-user.c' })], rules).length, 1);
  assert.equal(matchFacts([fact({ symbol: 'VHOST_USER_SET_VRING_ENABLE', text: 'plain', file: 'hw/virtio/vhost-user.c' })], rules).length, 0);
  assert.equal(matchFacts([fact({ symbol: 'VHOST_USER_SET_VRING_ENABLE', text: 'REPLY_ACK', file: 'docs/interop/vhost-user.rst' })], rules).length, 0);
});

test('a function condition: the fact must be inside a function whose name matches', () => {
  // The shape of vdpa-reset-map-and-compat-reset: a mapping change warns inside a reset or
  // release path, and is a note in the .set_map handler or outside any function.
  const rules = rulesFrom(
    "category: reset-and-mapping-lifecycle\nseverity: warning\nsymbols: [reset_map]\ntriggers:\n  - {facts: [mapping-lifecycle-changed], functions: ['reset|release'], severity: warning}\n  - {facts: [mapping-lifecycle-changed], severity: note}",
  );
  const at = (fn?: string) => matchFacts([fact({ kind: 'mapping-lifecycle-changed', symbol: 'vhost_iotlb_reset', file: 'drivers/vdpa/vdpa_sim/vdpa_sim.c', ...(fn ? { function: fn } : {}) })], rules)[0]!.severity;
  assert.deepEqual([at('vdpasim_do_reset'), at('vdpasim_set_map'), at()], ['warning', 'note', 'note']);
});

test('one finding per entry and patch, at the most severe place, every place listed; symbols gathered', () => {
  const rules = rulesFrom("category: uapi-abi\nseverity: warning\nsymbols: [A, B]\ntriggers:\n  - {symbols: [A], severity: note}\n  - {symbols: [B], severity: warning}");
  const f = matchFacts([fact({ symbol: 'A', line: 5 }), fact({ symbol: 'B', line: 9 }), fact({ symbol: 'A', file: 'other.c', line: 1 })], rules);
  assert.equal(f.length, 1);
  const net = f[0]!;
  assert.deepEqual([net.file, net.severity, net.line, [...net.symbols].sort()], ['drivers/vhost/net.c', 'warning', 9, ['A', 'B']]);
  assert.deepEqual(net.places, [
    { file: 'drivers/vhost/net.c', line: 9 },
    { file: 'drivers/vhost/net.c', line: 5 },
    { file: 'other.c', line: 1 },
  ]);
});

test('waivers mark findings acknowledged with the reason', () => {
  const rules = rulesFrom('category: uapi-abi\nseverity: warning\nsymbols: [A]');
  const f = applyWaivers(matchFacts([fact({ symbol: 'A' })], rules), [{ key: 'Patch-Review-Ack', value: 'e0 intended and negotiated' }]);
  assert.deepEqual(f[0]!.acknowledged, { reason: 'intended and negotiated' });
});

function patch(subject: string, index: number | null, total: number | null, diff: string, extra: Partial<Patch> = {}): IngestItem {
  return {
    kind: 'patch',
    patch: { source: subject, subject, rawSubject: subject, prefix: { tags: [], version: 1, index, total, rfc: false, reply: false }, messageId: index === 1 ? 'first@x' : `${subject}@x`, inReplyTo: index && index > 1 ? 'first@x' : null, references: index && index > 1 ? ['first@x'] : [], author: 'a', date: '', commitMessage: 'Message.', trailers: [], diff, transport: { flowed: false, damagedEncoding: false }, ...extra },
  };
}
const uapiDiff = 'diff --git a/include/uapi/linux/vhost.h b/include/uapi/linux/vhost.h\n--- a/include/uapi/linux/vhost.h\n+++ b/include/uapi/linux/vhost.h\n@@ -1,1 +1,2 @@\n #define VHOST_A 1\n+#define VHOST_B 2\n';
const docDiff = 'diff --git a/Documentation/userspace-api/vhost.rst b/Documentation/userspace-api/vhost.rst\n--- a/Documentation/userspace-api/vhost.rst\n+++ b/Documentation/userspace-api/vhost.rst\n@@ -1,1 +1,2 @@\n a\n+b\n';

test('series-level facts are judged on the last patch of a series', async () => {
  const engine = await openReview({ project: null, entries: entriesFrom("category: documentation-missing\nseverity: warning\nsymbols: [series]\ntriggers:\n  - {facts: [series-uapi-without-docs]}") });
  async function* items(list: IngestItem[]) {
    yield* list;
  }
  const seen: [string, number][] = [];
  await engine.review(items([patch('one', 1, 2, uapiDiff), patch('two', 2, 2, docDiff)]), (r) => {
    seen.push([r.patch.subject, r.findings.length]);
  });
  assert.deepEqual(seen, [['one', 0], ['two', 0]], 'documented in the series: nothing');
  seen.length = 0;
  await engine.review(items([patch('one', 1, 2, uapiDiff), patch('two', 2, 2, uapiDiff.replace(/VHOST_B/g, 'VHOST_C'))]), (r) => {
    seen.push([r.patch.subject, r.findings.length]);
  });
  assert.deepEqual(seen, [['one', 0], ['two', 1]], 'undocumented: reported once, on the last patch');
  const summary = await engine.review(items([{ kind: 'skipped', source: 's', reason: 'reply', subject: 'Re: x', messageId: null, prefix: { tags: [], version: 1, index: null, total: null, rfc: false, reply: true } }, patch('solo', null, null, uapiDiff)]), () => {});
  assert.deepEqual([summary.patches, summary.skipped.reply, summary.findings.warning], [1, 1, 1]);
});

test('a place-only fact is a note even in a trigger that also takes specific facts, unless the function carries a risky fact', () => {
  const rules = rulesFrom("category: ordering-race\nseverity: warning\nsymbols: [virtio_device_ready]\ntriggers:\n  - {symbols: [virtio_device_ready], facts: [function-changed, symbol-removed], severity: warning}");
  const changed = fact({ kind: 'function-changed', symbol: 'virtio_device_ready', file: 'include/linux/virtio_config.h' });
  assert.equal(matchFacts([changed], rules)[0]!.severity, 'note');
  assert.equal(matchFacts([fact({ kind: 'symbol-removed', symbol: 'virtio_device_ready', function: 'virtnet_restore_up' })], rules)[0]!.severity, 'warning');
  const barrier = fact({ kind: 'barrier-changed', symbol: 'vq->broken', function: 'virtio_device_ready', file: 'include/linux/virtio_config.h' });
  assert.equal(matchFacts([changed, barrier], rules)[0]!.severity, 'warning');
});
