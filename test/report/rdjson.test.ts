import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, EXAMPLES, fixture } from '../helpers.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const SITE = 'https://notes.example.org/kb';
const SEVERITIES = new Set(['ERROR', 'WARNING', 'INFO']);

interface Diagnostic {
  message: string;
  location: { path: string; range?: { start: { line: number } } };
  severity: string;
  source: { name: string };
  code: { value: string; url: string };
}

function checkDiagnostic(d: Diagnostic) {
  assert.equal(typeof d.message, 'string');
  assert.ok(d.location.path.length > 0 && !d.location.path.startsWith('/'), `relative path: ${d.location.path}`);
  if (d.location.range) assert.ok(Number.isInteger(d.location.range.start.line) && d.location.range.start.line > 0);
  assert.ok(SEVERITIES.has(d.severity), d.severity);
  assert.equal(d.source.name, 'patch-review');
  assert.match(d.code.value, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  assert.match(d.code.url, /^https:\/\//);
}

test('rdjson: one DiagnosticResult, code.value is the rule id and code.url its citation', async () => {
  const r = await runCli(['--format', 'rdjson', '--site-url', SITE, EXAMPLE, fixture('report/series.mbox')]);
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout) as { source: { name: string }; diagnostics: Diagnostic[] };
  assert.equal(doc.source.name, 'patch-review');
  doc.diagnostics.forEach(checkDiagnostic);
  const json = JSON.parse((await runCli(['--format', 'json', EXAMPLE, fixture('report/series.mbox')])).stdout);
  const all = json.patches.flatMap((p: { findings: unknown[] }) => p.findings);
  assert.equal(doc.diagnostics.length, all.length, 'one diagnostic per finding');
  const d = doc.diagnostics.find((x) => x.code.value === 'vhost-access-platform-offer')!;
  assert.equal(d.severity, 'ERROR');
  assert.deepEqual(d.location, { path: 'drivers/vhost/vsock.c', range: { start: { line: 34 } } });
  assert.equal(d.code.url, json.rules['vhost-access-platform-offer'].references[0].url, 'the citation');
  assert.ok(d.message.includes(`${SITE}/entries/vhost-access-platform-offer.html`));
  // A series-level finding still gets a path reviewdog can place.
  const series = doc.diagnostics.find((x) => x.code.value === 'uapi-change-without-docs')!;
  assert.deepEqual(series.location, { path: 'drivers/vhost/vdpa.c' });
  assert.ok(doc.diagnostics.some((x) => x.severity === 'INFO'), 'notes map to INFO');
});

test('rdjsonl: the same diagnostics, one JSON object per line; acknowledged findings are INFO', async () => {
  const waived = readFileSync(EXAMPLE, 'utf8').replace('Signed-off-by: Example', 'Patch-Review-Ack: vhost-access-platform-offer intended\nSigned-off-by: Example');
  const r = await runCli(['--format', 'rdjsonl', '-'], { stdin: Buffer.from(waived) });
  const lines = r.stdout.trimEnd().split('\n');
  const diags = lines.map((l) => JSON.parse(l) as Diagnostic);
  diags.forEach(checkDiagnostic);
  const acked = diags.find((d) => d.code.value === 'vhost-access-platform-offer')!;
  assert.equal(acked.severity, 'INFO');
  assert.match(acked.message, /acknowledged: intended/);
  const rd = JSON.parse((await runCli(['--format', 'rdjson', '-'], { stdin: Buffer.from(waived) })).stdout);
  assert.deepEqual(rd.diagnostics, diags);
  // Nothing found: rdjsonl is empty, rdjson an empty list.
  assert.equal((await runCli(['--format', 'rdjsonl', fixture('report/clean.patch')])).stdout, '');
  assert.deepEqual(JSON.parse((await runCli(['--format', 'rdjson', fixture('report/clean.patch')])).stdout).diagnostics, []);
});
