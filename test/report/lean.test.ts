import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EXAMPLES, fixture } from '../helpers.js';
import { FORMAT_NAMES, loadFormatter } from '../../src/report/formatter.js';
import { readInput } from '../../src/ingest/read-input.js';
import { openReview } from '../../src/engine/index.js';
import type { PatchReport, RunSummary } from '../../src/model/report.js';

// A formatter that says it is lean gets reports without hunks, diff text or commit message
// (nor facts) from --jobs workers: its output must not change when they are left out.
test('lean formatters print the same without hunks, diff text, commit message and facts', async () => {
  const engine = await openReview();
  const reports: PatchReport[] = [];
  let summary: RunSummary | null = null;
  for (const name of [join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch'), fixture('report/series.mbox'), fixture('uapi-vdpa.patch')]) {
    summary = await engine.review(readInput({ name }), (r) => void reports.push(r));
  }
  assert.ok(reports.length >= 4 && reports.some((r) => r.findings.length > 0));
  assert.ok(reports.every((r) => r.facts && r.facts.length > 0), 'a report carries its facts unless the run is lean');
  const lean = reports.map(({ facts: _facts, ...r }) => ({ ...r, patch: { ...r.patch, diff: '', commitMessage: '' }, files: r.files.map((f) => ({ ...f, hunks: [] })) }));
  const ctx = { color: false, tool: { name: 'patch-review', version: 'test' }, siteUrl: 'https://example.org', rulesMeta: engine.rulesMeta };
  const print = (fmt: Awaited<ReturnType<NonNullable<Awaited<ReturnType<typeof loadFormatter>>>>>, rs: PatchReport[]) => fmt.begin() + rs.map((r) => fmt.patch(r)).join('') + fmt.end(summary!);
  let leanOnes = 0;
  for (const name of FORMAT_NAMES) {
    const factory = (await loadFormatter(name))!;
    if (!factory(ctx).lean) continue;
    leanOnes++;
    assert.equal(print(factory(ctx), lean), print(factory(ctx), reports), name);
  }
  assert.ok(leanOnes >= 9, `${leanOnes} lean formatters`);
  // And the two that quote hunks are not lean: without hunks their output differs.
  for (const name of ['html', 'email']) {
    const factory = (await loadFormatter(name))!;
    assert.ok(!factory(ctx).lean, name);
    assert.equal(print(factory(ctx), reports), print(factory(ctx), reports), `${name} is deterministic`);
    assert.notEqual(print(factory(ctx), lean), print(factory(ctx), reports), name);
  }
});
