// --jobs: small mails go to the workers in batches, big ones are analysed on the main thread
// (a worker's heap is small); either way each result is the one a single thread gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../helpers.js';
import { openReview } from '../../src/engine/index.js';
import { analyzeInParallel } from '../../src/engine/parallel.js';
import { readInput, type IngestItem, type RawMailItem } from '../../src/ingest/read-input.js';
import type { AnalyzedPatch, UnitRequest } from '../../src/engine/unit.js';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('mails at or over the size limit are analysed on the main thread, the rest by workers, all in input order', async () => {
  const mbox = fixture('report/series.mbox');
  const mails = (await all(readInput({ name: mbox }, { rawMail: true }))).filter((i): i is RawMailItem => i.kind === 'mail');
  assert.ok(mails.length >= 3, `${mbox} has ${mails.length} mails`);
  const sizes = mails.map((m) => m.raw.length).sort((a, b) => a - b);
  const limit = sizes[Math.floor(sizes.length / 2)]!;
  const engine = await openReview();
  // One thread, mail by mail: the reference.
  const expected = mails.map((m, seq) => engine.analyze({ seq, raw: m.raw, source: m.source }));
  let here = 0;
  const got: AnalyzedPatch[] = [];
  const skipped: string[] = [];
  async function* items(): AsyncGenerator<IngestItem | RawMailItem> {
    yield* mails;
  }
  await analyzeInParallel(
    items(),
    2,
    { knowledgeDirs: [], ctx: {}, lean: false },
    (s) => void skipped.push(s.source),
    async (r) => void got.push(r),
    (req: UnitRequest) => {
      here++;
      return engine.analyze(req);
    },
    limit,
  );
  assert.equal(here, mails.filter((m) => m.raw.length >= limit).length);
  assert.ok(here > 0 && here < mails.length);
  const want = expected.filter((r): r is Extract<typeof r, AnalyzedPatch> => 'findings' in r);
  assert.deepEqual(
    got.map((r) => [r.patch.subject, r.findings]),
    want.map((r) => [r.patch.subject, r.findings]),
  );
  assert.equal(got.length + skipped.length, mails.length);
});
