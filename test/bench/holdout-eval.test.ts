// The held-out evaluation's scoring: what counts as a hit, a named concern and a noisy control.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge, summarise, missBreakdown, developPart, readLabels, haveHoldout, loadMails, EVAL_DIR, type HoldoutLabel } from '../../bench/holdout-eval.js';
import type { Finding } from '../../src/model/finding.js';

const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'r',
  category: 'ordering-race',
  severity: 'warning',
  title: 't',
  message: 'Background that names vhost_dev_flush in general. Here: vhost_net_flush drops the mutex before the flush',
  file: 'drivers/vhost/net.c',
  line: 1,
  symbols: ['vhost_net_flush'],
  checklist: [],
  consumers: [],
  references: [],
  ...over,
});

const positive: HoldoutLabel = {
  id: 'x1', message_id: 'm', source: 's', thread_root: 'm', half: 'develop', area: 'vhost',
  kind: 'labeled', category: 'ordering-race', concern: 'c', symbols: ['vhost_net_flush', 'vq->mutex'],
};
const control: HoldoutLabel = { id: 'x2', message_id: 'n', source: 's', thread_root: 'n', half: 'develop', area: 'vhost', kind: 'control' };

test('a hit needs a warning or error of the labelled category', () => {
  assert.equal(judge(positive, [finding({})]).found, true);
  assert.equal(judge(positive, [finding({ severity: 'note' })]).found, false);
  assert.equal(judge(positive, [finding({ category: 'uapi-abi' })]).found, false);
});

test('a hit names the concern only through its specific text, not the entry background', () => {
  assert.equal(judge(positive, [finding({})]).namesConcern, true);
  // The symbol appears only in the entry's general first sentence… which is specific text, so
  // take a label symbol that only the background after the first sentence mentions.
  const other: HoldoutLabel = { ...positive, symbols: ['vhost_poll_flush'] };
  const f = finding({ message: 'A general first sentence. More background on vhost_poll_flush.', symbols: ['vhost_net_release'] });
  assert.equal(judge(other, [f]).namesConcern, false);
  assert.equal(judge(other, [finding({ symbols: ['vhost_poll_flush'] })]).namesConcern, true);
});

test('controls count errors and warnings; summaries add up per category and area', () => {
  const r = [judge(positive, [finding({})]), judge(control, [finding({ severity: 'error' }), finding({})]), judge(control, [])];
  const s = summarise(r);
  assert.equal(s.labelled, 1);
  assert.equal(s.found, 1);
  assert.equal(s.controls, 2);
  assert.equal(s.controlsWithError, 1);
  assert.equal(s.controlWarnings, 1);
  assert.equal(s.byCategory['ordering-race']!.found, 1);
  assert.equal(s.byArea['vhost']!.controls, 2);
});

test('misses are told apart: a warning of another category, notes only, or nothing at all', () => {
  const r = [
    judge(positive, [finding({ category: 'uapi-abi' })]),
    judge(positive, [finding({ severity: 'note' })]),
    judge(positive, []),
    judge(positive, [finding({})]),
    judge(control, []),
  ];
  assert.deepEqual(missBreakdown(r), { misses: 3, warnedInAnotherCategory: 1, notesOnly: 1, nothing: 1 });
});

test('the develop half splits by thread into a design part and a check part, both non-empty', () => {
  const roots = Array.from({ length: 64 }, (_, i) => `root-${i}@example.org`);
  const parts = roots.map(developPart);
  assert.ok(parts.includes('design') && parts.includes('check'));
  assert.deepEqual(roots.map(developPart), parts, 'the split is a fixed function of the thread root');
});

const skip = haveHoldout() ? false : 'eval/labels or ../shared/corpus not found: held-out corpus check skipped';

test('every labelled mail is found in the corpus, and halves never share a thread', { skip }, async () => {
  const dev = readLabels('develop');
  const held = readLabels('test');
  const roots = new Set(dev.map((l) => l.thread_root));
  assert.deepEqual(held.filter((l) => roots.has(l.thread_root)).map((l) => l.id), []);
  const pool = new Map(readFileSync(join(EVAL_DIR, 'candidates.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; half: string }).map((c) => [c.id, c.half]));
  for (const l of [...dev, ...held]) assert.equal(pool.get(l.id), l.half, `${l.id} is in the wrong half`);
  const mails = await loadMails([...dev, ...held]);
  assert.deepEqual([...dev, ...held].filter((l) => !mails.has(l.message_id)).map((l) => l.id), []);
});
