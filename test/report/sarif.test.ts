import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { runCli, ROOT, EXAMPLES, fixture } from '../helpers.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const SITE = 'https://notes.example.org/kb';

/**
 * The SARIF 2.1.0 JSON schema as published with Microsoft's SARIF SDK (@microsoft/jest-sarif),
 * or a copy named by SARIF_SCHEMA. Without either, schema validation is skipped.
 */
function schemaPath(): string | null {
  const shipped = join(ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
  if (existsSync(shipped)) return shipped;
  const env = process.env['SARIF_SCHEMA'];
  return env && existsSync(env) ? env : null;
}
const SCHEMA = schemaPath();

async function sarif(args: string[], stdin?: Buffer) {
  const r = await runCli(['--format', 'sarif', '--site-url', SITE, ...args], stdin ? { stdin } : {});
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return JSON.parse(r.stdout);
}

test('sarif validates against the SARIF 2.1.0 schema', { skip: SCHEMA ? false : 'SARIF 2.1.0 schema not found: install @microsoft/jest-sarif (dev dependency) or set SARIF_SCHEMA=/path/to/sarif-2.1.0-rtm.5.json' }, async () => {
  // The schema is draft-04; Ajv 8 reads it once its "$schema"/"id" are in the current spelling.
  const raw = JSON.parse(readFileSync(SCHEMA!, 'utf8'));
  delete raw.$schema;
  raw.$id = raw.id;
  delete raw.id;
  // One of the schema's patterns (the language tag) is not valid with the u flag.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
  const validate = ajv.compile(raw);
  const waived = readFileSync(EXAMPLE, 'utf8').replace('Signed-off-by: Example', 'Patch-Review-Ack: vhost-access-platform-offer intended\nSigned-off-by: Example');
  for (const doc of [await sarif([EXAMPLE, fixture('uapi-vdpa.patch'), fixture('report/series.mbox')]), await sarif(['-'], Buffer.from(waived)), await sarif(['--fail-on', 'never', fixture('rename-mode-binary.diff')])]) {
    const ok = validate(doc);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 3), null, 1));
  }
  // The validator is not vacuous: a wrong level is refused.
  const bad = await sarif([EXAMPLE]);
  bad.runs[0].results[0].level = 'fatal';
  assert.equal(validate(bad), false);
});

test('sarif: stable rule ids with metadata, relative paths, severity mapping', async () => {
  const doc = await sarif([EXAMPLE, fixture('uapi-vdpa.patch')]);
  assert.equal(doc.version, '2.1.0');
  const run = doc.runs[0];
  const rules = run.tool.driver.rules as { id: string; shortDescription: { text: string }; fullDescription: { text: string }; helpUri: string; help: { markdown: string } }[];
  assert.equal(run.tool.driver.name, 'patch-review');
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length, 'one rule per id');
  for (const res of run.results) {
    assert.equal(rules[res.ruleIndex]!.id, res.ruleId, 'ruleIndex points at the rule');
    for (const loc of res.locations ?? []) {
      const uri: string = loc.physicalLocation.artifactLocation.uri;
      assert.ok(!uri.startsWith('/') && !uri.includes('://'), `relative path: ${uri}`);
      assert.equal(loc.physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
    }
    assert.match(Object.values(res.partialFingerprints)[0] as string, /^[0-9a-f]{32}$/);
  }
  const vsock = run.results.find((r: { ruleId: string }) => r.ruleId === 'vhost-access-platform-offer');
  assert.equal(vsock.level, 'error');
  assert.deepEqual(vsock.locations[0].physicalLocation.artifactLocation.uri, 'drivers/vhost/vsock.c');
  assert.equal(vsock.locations[0].physicalLocation.region.startLine, 34);
  const rule = rules.find((r) => r.id === 'vhost-access-platform-offer')!;
  assert.equal(rule.helpUri, `${SITE}/entries/vhost-access-platform-offer.html`);
  assert.match(rule.shortDescription.text, /ACCESS_PLATFORM/);
  assert.ok(!rule.fullDescription.text.includes('Here:'), 'the full description is the rule, not this patch');
  assert.match(rule.help.markdown, /- \[ \] /);
  const levels = new Set(run.results.map((r: { level: string }) => r.level));
  assert.ok(levels.has('warning') && levels.has('note'), 'warning and note map to their SARIF levels');
  // Every result of a rule comes from the same entry: the same short description.
  const again = await sarif([fixture('uapi-vdpa.patch')]);
  const a = rules.find((r) => r.id === 'uapi-macro-removed-or-changed')!;
  const b = again.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'uapi-macro-removed-or-changed');
  assert.deepEqual(a, b, 'rule metadata does not depend on the other patches in the run');
});

test('sarif: fingerprints survive a line shift; waivers become accepted in-source suppressions', async () => {
  const text = readFileSync(EXAMPLE, 'utf8');
  const shifted = text.replace('@@ -30,7 +30,12 @@', '@@ -130,7 +130,12 @@');
  const one = (await sarif(['-'], Buffer.from(text))).runs[0].results;
  const two = (await sarif(['-'], Buffer.from(shifted))).runs[0].results;
  const pick = (rs: { ruleId: string }[]) => rs.find((r) => r.ruleId === 'vhost-access-platform-offer') as unknown as { partialFingerprints: object; locations: { physicalLocation: { region: { startLine: number } } }[] };
  assert.notEqual(pick(one).locations[0]!.physicalLocation.region.startLine, pick(two).locations[0]!.physicalLocation.region.startLine);
  assert.deepEqual(pick(one).partialFingerprints, pick(two).partialFingerprints);

  const waived = text.replace('Signed-off-by: Example', 'Patch-Review-Ack: vhost-access-platform-offer crosvm masks the bit since 2022\nSigned-off-by: Example');
  const res = (await sarif(['-'], Buffer.from(waived))).runs[0].results;
  const acked = res.find((r: { ruleId: string }) => r.ruleId === 'vhost-access-platform-offer');
  assert.deepEqual(acked.suppressions, [{ kind: 'inSource', status: 'accepted', justification: 'crosvm masks the bit since 2022' }]);
  assert.ok(res.filter((r: { suppressions?: unknown }) => !r.suppressions).length > 0, 'other results stay unsuppressed');
});

test('sarif: a series-level finding is placed on the patch\'s first file, without a line', async () => {
  const doc = await sarif(['--fail-on', 'never', fixture('report/series.mbox')]);
  const series = doc.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'uapi-change-without-docs');
  assert.ok(series, 'the series finding is there');
  assert.equal(series.properties.scope, 'patch');
  assert.equal(series.locations[0].physicalLocation.artifactLocation.uri, 'drivers/vhost/vdpa.c');
  assert.equal(series.locations[0].physicalLocation.region, undefined);
});
