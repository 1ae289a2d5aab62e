// Issue 19, items 1-2: trigger patterns are checked for super-linear matching when the
// knowledge is compiled, and the shipped base passes the check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { superLinearReason } from '../../src/knowledge/regex-complexity.js';
import { compileSources } from '../../src/knowledge/compile.js';
import { readSources } from '../../src/knowledge/load.js';
import { BUILTIN_KNOWLEDGE } from '../../src/io/paths.js';

test('patterns the old star-height check let through are rejected', () => {
  // Overlapping alternation under a quantifier, adjacent quantifiers, the shipped cubic trigger.
  for (const bad of ['(a|a)*$', '(a|aa)+$', '^(VHOST|\\w|\\s)*;$', 'a*a*a*b', '^\\s*VIRTIO_NET_F_\\w+\\s*,?\\s*\\\\?\\s*$', '(a+)+', '\\w+\\d+x']) {
    assert.ok(superLinearReason(bad), bad);
  }
  for (const ok of ['^VHOST_USER_', 'VIRTIO_F_(ACCESS|IOMMU)_PLATFORM', '\\bwait_for_completion\\(', '^\\s*VIRTIO_NET_F_\\w+\\s*(?:,\\s*)?(?:\\\\\\s*)?$']) {
    assert.equal(superLinearReason(ok), null, ok);
  }
});

test('every trigger pattern of the built-in knowledge base is linear', () => {
  const { entries, problems } = compileSources(readSources(BUILTIN_KNOWLEDGE));
  assert.deepEqual(problems.filter((p) => /unsafe pattern/.test(p.message)), []);
  assert.ok(entries.length > 50);
});

test('an entry with a super-linear pattern is reported and left out of the compiled base', () => {
  const text = `---\nid: redos\ntitle: A demo entry\narea: vhost\ncategory: uapi-abi\nseverity: warning\nsummary: A summary that is long enough to explain why.\nsymbols: [VHOST_DEMO]\ntriggers: [{lines: ['a*a*a*b']}]\nchecklist: ["Does the demo still work for old userspace?"]\nconsumers: [QEMU]\nreferences: [{type: commit, id: 0123456789ab}]\n---\nbody\n`;
  const r = compileSources([{ file: 'vhost/redos.md', text }]);
  assert.equal(r.entries.length, 0);
  assert.match(r.problems.map((p) => p.message).join('\n'), /unsafe pattern "a\*a\*a\*b": polynomial backtracking/);
});

test('the shipped virtio-net trigger stays linear on the crafted line (was 3 s per line)', () => {
  const re = new RegExp('^\\s*VIRTIO_NET_F_\\w+\\s*(?:,\\s*)?(?:\\\\\\s*)?$');
  const line = `VIRTIO_NET_F_X${' '.repeat(1960)}x`;
  const t = performance.now();
  for (let i = 0; i < 100; i++) re.test(line);
  assert.ok(performance.now() - t < 500);
  assert.ok(re.test('\tVIRTIO_NET_F_MTU, \\'));
  assert.ok(re.test('VIRTIO_NET_F_MTU'));
});
