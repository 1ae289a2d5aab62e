// The review engine: one door for every caller. These tests go through openReview as the CLI,
// the hook, the site and the bench do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EXAMPLES, fixture } from '../helpers.js';
import { openReview } from '../../src/engine/index.js';
import { SeriesTracker } from '../../src/engine/series-tracker.js';
import { readInput } from '../../src/ingest/read-input.js';
import { newSeries, seriesKeyOf } from '../../src/analyze/series.js';
import type { PatchReport } from '../../src/model/report.js';
import type { Patch } from '../../src/model/patch.js';

const SERIES = fixture('report/series.mbox');
const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');

async function collect(engine: Awaited<ReturnType<typeof openReview>>, name: string, rawMail = false): Promise<PatchReport[]> {
  const out: PatchReport[] = [];
  await engine.review(rawMail ? readInput({ name }, { rawMail: true }) : readInput({ name }), (r) => void out.push(r));
  return out;
}

async function patchesOf(name: string): Promise<Patch[]> {
  const out: Patch[] = [];
  for await (const i of readInput({ name })) if (i.kind === 'patch') out.push(i.patch);
  return out;
}

test('a series in an mbox: one key under its cover letter, judged on its last patch', async () => {
  const engine = await openReview();
  const reports = await collect(engine, SERIES);
  assert.equal(reports.length, 2);
  const keys = reports.map((r) => r.series?.key);
  assert.equal(keys[0], '<20260305080000.4242-0-dev@example.org>|v1|2'.replace(/[<>]/g, ''));
  assert.equal(keys[1], keys[0]);
  assert.equal(reports[0]!.series?.coverLetter, '[PATCH 0/2] vhost: add a widget query');
  assert.ok(!reports[0]!.findings.some((f) => f.ruleId === 'uapi-change-without-docs'), 'not judged before the last patch');
  assert.ok(reports[1]!.findings.some((f) => f.ruleId === 'uapi-change-without-docs'), 'judged on the last patch');
});

test('the hook and the stream use the same key and the same judgement', async () => {
  const patches = await patchesOf(SERIES);
  // Without the cover letter in view (the hook sees one file at a time), patch 1/2 keys on itself.
  const tracker = new SeriesTracker();
  const places = patches.map((p) => tracker.add(p, newSeries('')));
  assert.equal(places[0]!.info.key, seriesKeyOf(patches[0]!));
  assert.deepEqual(places.map((p) => p.judge), [false, false], 'contributions of no patch: seen stays 0');
  const engine = await openReview();
  const series = newSeries(seriesKeyOf(patches[0]!));
  const one = patches.map((p) => engine.reviewOne(p, series));
  assert.equal(series.seen, 2);
  assert.ok(one[1]!.findings.some((f) => f.ruleId === 'uapi-change-without-docs'));
  assert.equal(one[1]!.series, undefined, 'the caller keeps the series');
  // Alone, the last patch cannot be judged as a series.
  assert.ok(!engine.reviewOne(patches[1]!).findings.some((f) => f.ruleId === 'uapi-change-without-docs'));
});

test('a report carries its facts, once; a lean run leaves them out', async () => {
  const engine = await openReview();
  const [full] = await collect(engine, EXAMPLE);
  assert.ok(full!.facts && full!.facts.some((f) => f.symbol === 'VIRTIO_F_ACCESS_PLATFORM'), 'facts of the diff stage');
  engine.lean = true;
  const [lean] = await collect(engine, EXAMPLE);
  assert.equal(lean!.facts, undefined);
  assert.deepEqual(lean!.findings, full!.findings);
});

test('rule metadata is resolved once per rule and is what the findings carry', async () => {
  const engine = await openReview();
  const [r] = await collect(engine, EXAMPLE);
  const f = r!.findings[0]!;
  const meta = engine.rulesMeta.get(f.ruleId)!;
  assert.equal(meta.title, f.title);
  assert.ok(f.message.includes(meta.summary), 'the message carries the rule summary after what the patch does');
  assert.deepEqual(meta.checklist, f.checklist);
  assert.ok(meta.references.length > 0 && meta.references.every((ref) => /^https?:\/\//.test(ref.url)), 'references have URLs');
  assert.equal(engine.rulesMeta.get(f.ruleId), meta, 'built once');
  assert.equal(engine.rulesMeta.get('no-such-rule'), undefined);
});

test('verdict: the fail level, and waivers never fail', async () => {
  const engine = await openReview();
  const [r] = await collect(engine, EXAMPLE);
  assert.equal(engine.failOn, 'error');
  assert.ok(engine.verdict(r!.findings).fails);
  assert.deepEqual(engine.verdict(r!.findings, 'never'), { fails: false, blocking: [] });
  const errors = r!.findings.filter((f) => f.severity === 'error');
  assert.deepEqual(engine.verdict(r!.findings).blocking, errors);
  assert.equal(engine.verdict(errors.map((f) => ({ ...f, acknowledged: { reason: 'intended' } }))).fails, false);
});

test('worker threads give the same reports as one thread', async () => {
  const one = await collect(await openReview(), SERIES);
  const engine = await openReview({ jobs: 2 });
  assert.equal(engine.jobs, 2);
  const two = await collect(engine, SERIES, true);
  assert.deepEqual(two.map((r) => [r.series, r.findings, r.facts?.length]), one.map((r) => [r.series, r.findings, r.facts?.length]));
});

test('bad settings are one-line errors naming the setting', async () => {
  await assert.rejects(openReview({ failOn: 'sometimes' }), /--fail-on must be one of error, warning, note, never/);
  await assert.rejects(openReview({ jobs: '0' }), /--jobs must be a whole number from 1 to 64/);
  await assert.rejects(openReview({ headersDir: '/no/such/headers' }), /\/no\/such\/headers: header directory does not exist/);
});
