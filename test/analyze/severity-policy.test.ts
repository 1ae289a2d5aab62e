// The severity policy: a trigger that only says "this was touched" gives a note; the same
// match becomes the entry's warning when the function also has a risky fact of its category.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRules } from '../../src/analyze/rules.js';
import { matchFacts } from '../../src/analyze/match.js';
import { compileSources } from '../../src/knowledge/compile.js';
import type { Fact } from '../../src/model/facts.js';

function rules(fm: string) {
  const text = `---\nid: e0\ntitle: Entry\narea: vdpa\n${fm}\nsummary: Background of the entry, long enough.\nchecklist: ["Is this a question?"]\nconsumers: [QEMU]\nreferences: [{type: commit, id: 0123456789ab}]\n---\nBody.\n`;
  const { entries, problems } = compileSources([{ file: 'vdpa/e0.md', text }]);
  assert.deepEqual(problems, []);
  return compileRules(entries);
}
const f = (x: Partial<Fact>): Fact => ({ kind: 'function-changed', symbol: 'mlx5_vdpa_set_status', file: 'drivers/vdpa/mlx5/net/mlx5_vnet.c', line: 10, ...x });

const ENTRY = "category: reset-and-mapping-lifecycle\nseverity: warning\nsymbols: [set_status]\ntriggers:\n  - {symbolPatterns: ['_set_status$'], facts: [function-changed], files: ['drivers/vdpa/**']}";

test('a function-changed match alone is a note, and names the function first', () => {
  const [hit] = matchFacts([f({})], rules(ENTRY));
  assert.equal(hit!.severity, 'note');
  assert.match(hit!.message, /^This patch changes mlx5_vdpa_set_status\(\) \(drivers\/vdpa\/mlx5\/net\/mlx5_vnet\.c\)\. Background/);
});

test('the same match is a warning when the function drops a reference, and says so first', () => {
  const risky = f({ kind: 'ref-unbalanced', symbol: 'mvdev->cvq', function: 'mlx5_vdpa_set_status', line: 14, detail: 'mlx5_vdpa_set_status() takes a kref reference (kref_get) with no matching put added on mvdev->cvq' });
  const [hit] = matchFacts([f({}), risky], rules(ENTRY));
  assert.equal(hit!.severity, 'warning');
  assert.equal(hit!.line, 14);
  assert.match(hit!.message, /^mlx5_vdpa_set_status\(\) takes a kref reference/);
  assert.ok(hit!.symbols.includes('mvdev->cvq'));
  // A risky fact of another category (a lock) does not raise a lifecycle entry.
  const lock = f({ kind: 'lock-removed', symbol: 'mvdev->reslock', function: 'mlx5_vdpa_set_status' });
  assert.equal(matchFacts([f({}), lock], rules(ENTRY))[0]!.severity, 'note');
});

test('a trigger naming exact identifiers on changed lines keeps its severity', () => {
  const r = rules("category: config-space\nseverity: warning\nsymbols: [__virtio16]\ntriggers:\n  - {symbols: [__virtio16], facts: [symbol-added], files: ['include/uapi/linux/virtio_*.h']}");
  const [hit] = matchFacts([f({ kind: 'symbol-added', symbol: '__virtio16', file: 'include/uapi/linux/virtio_net.h' })], r);
  assert.equal(hit!.severity, 'warning');
});
