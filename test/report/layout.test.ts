// The short report (issue 16): one finding per rule per patch with every place, a verdict line,
// headlines that name the symbol, checklists and references once per rule per run, wrapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { EXAMPLES, fixture } from '../helpers.js';
import { openReview } from '../../src/engine/index.js';
import { parseMail } from '../../src/ingest/mail.js';
import { extractPatch } from '../../src/ingest/extract.js';
import { textFormatter } from '../../src/report/text.js';
import { terseFormatter } from '../../src/report/terse.js';
import { verdict, headline, placesText, wrap, topReferences, ruleOf } from '../../src/report/layout.js';
import type { PatchReport } from '../../src/model/report.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const engine = await openReview();
const CTX = { color: false, tool: { name: 'patch-review', version: 'test' }, siteUrl: '', rulesMeta: engine.rulesMeta };

async function review(path: string): Promise<PatchReport> {
  const r = extractPatch(parseMail(readFileSync(path)), path);
  assert.ok('patch' in r);
  return engine.reviewOne(r.patch);
}

test('one finding per rule per patch, listing every place it fired', async () => {
  const r = await review(EXAMPLE);
  const rules = r.findings.map((f) => f.ruleId);
  assert.equal(new Set(rules).size, rules.length, 'no rule twice in a patch');
  const backend = r.findings.find((f) => f.ruleId === 'vhost-backend-features')!;
  assert.ok(backend.places!.length >= 2, 'fired at several lines');
  assert.deepEqual(backend.places![0], { file: backend.file, line: backend.line }, "the finding's own place first");
});

test('verdict line: the worst the patch does and what it did', async () => {
  const r = await review(EXAMPLE);
  // The worst finding's lead fact: a feature bit newly offered by vhost-vsock, in one clause.
  assert.match(verdict(r.findings), /^breaks userspace: (VIRTIO_F_ACCESS_PLATFORM|VHOST_BACKEND_F_IOTLB_MSG_V2) added to VHOST_VSOCK_(BACKEND_)?FEATURES[^.]*($|;)/);
  assert.equal(verdict([]), 'no findings');
  const acked = r.findings.map((f) => ({ ...f, acknowledged: { reason: 'x' } }));
  assert.match(verdict(acked), /^no open findings \(\d+ acknowledged\)$/);
});

test('headlines name a symbol of the finding and the consequence', async () => {
  const r = await review(EXAMPLE);
  for (const f of r.findings) {
    const h = headline(f, ruleOf(engine.rulesMeta, f));
    assert.ok(f.symbols.some((s) => h.includes(s)), `${f.ruleId}: ${h}`);
    assert.ok(h.endsWith(engine.rulesMeta.get(f.ruleId)!.title), `${f.ruleId}: the rule's title says the consequence`);
  }
});

test('places: grouped by file, runs of lines as ranges', () => {
  assert.equal(placesText([{ file: 'a.c', line: 9 }, { file: 'a.c', line: 3 }, { file: 'a.c', line: 4 }, { file: 'a.c', line: 5 }, { file: 'b.h', line: 1 }, { file: null, line: null }]), 'a.c:9, 3-5; b.h:1; (patch)');
});

test('wrap: never past the width, except a word longer than a line', () => {
  const lines = wrap('word '.repeat(60).trim(), 40, '  x ', '    ');
  assert.ok(lines.length > 1 && lines.every((l) => l.length <= 40));
  assert.ok(lines.slice(1).every((l) => l.startsWith('    w')));
});

test('references that fit the line come first', async () => {
  const r = await review(EXAMPLE);
  const f = r.findings[0]!;
  const rule = ruleOf(engine.rulesMeta, f);
  for (const ref of topReferences(f, 2, rule, 80)) assert.ok(ref.url.length <= 80 || rule.references.every((x) => x.url.length > 80));
});

test('text: short by default, checklists once per rule per run, 100 columns off a terminal', async () => {
  const r = await review(EXAMPLE);
  const text = textFormatter(CTX);
  const first = text.patch(r);
  const again = text.patch(r);
  assert.ok(first.split('\n').every((l) => [...l].length <= 100), 'no line over 100 columns');
  assert.ok(first.includes('- [ ] '), 'checklist questions the first time');
  assert.ok(!again.includes('- [ ] ') && !again.includes('see: '), 'not again for the same rules in the same run');
  // At most three questions for an error, two for a warning.
  const blocks = first.split(/\n(?=  (?:error|warning) )/).slice(1);
  for (const b of blocks) assert.ok((b.match(/- \[ \] /g) ?? []).length <= (b.startsWith('  error') ? 3 : 2), b);
  const verbose = textFormatter({ ...CTX, verbose: true }).patch(r);
  const questions = r.findings.reduce((n, f) => n + engine.rulesMeta.get(f.ruleId)!.checklist.length, 0);
  assert.equal((verbose.match(/- \[ \] /g) ?? []).length, questions, '--verbose shows every question');
  const narrow = textFormatter({ ...CTX, width: 60 }).patch(r);
  // Only a word longer than a line (a link, a path) may run past the width, on a line of its own.
  assert.ok(narrow.split('\n').every((l) => [...l].length <= 60 || /^\s+(see: )?\S+$/.test(l)));
});

test('text: notes one line each; acknowledged findings counted, shown with --verbose', async () => {
  const r = await review(fixture('uapi-vdpa.patch'));
  const notes = r.findings.filter((f) => f.severity === 'note');
  const out = textFormatter(CTX).patch(r);
  assert.equal(out.split('\n').filter((l) => l.startsWith('  note    ')).length, notes.length);
  const acked: PatchReport = { ...r, findings: r.findings.map((f, i) => (i === 0 ? { ...f, acknowledged: { reason: 'intended' } } : f)) };
  assert.match(textFormatter(CTX).patch(acked), /1 acknowledged finding not shown/);
  assert.match(textFormatter({ ...CTX, verbose: true }).patch(acked), /acknowledged:\s+intended/);
});

test('terse: one line per finding at warning or above, naming the symbol; notes with --verbose', async () => {
  const r = await review(fixture('uapi-vdpa.patch'));
  const lines = terseFormatter(CTX).patch(r).trimEnd().split('\n');
  const serious = r.findings.filter((f) => f.severity !== 'note');
  assert.equal(lines.length, serious.length);
  for (const [i, f] of serious.entries()) {
    assert.ok(lines[i]!.includes(`[${f.ruleId}]`));
    assert.ok(f.symbols.some((s) => lines[i]!.includes(s)), lines[i]);
  }
  assert.equal(terseFormatter({ ...CTX, verbose: true }).patch(r).trimEnd().split('\n').length, r.findings.length);
});

test('every formatter takes rule text from the rule metadata, not from the finding', async () => {
  const r = await review(EXAMPLE);
  // Findings stripped of their rule's text: what is printed must still carry it.
  const bare: PatchReport = { ...r, findings: r.findings.map((f) => ({ ...f, title: 'STALE', checklist: ['STALE?'], references: [] })) };
  const f = r.findings[0]!;
  const rule = engine.rulesMeta.get(f.ruleId)!;
  const { FORMAT_NAMES, loadFormatter } = await import('../../src/report/formatter.js');
  for (const name of FORMAT_NAMES) {
    const fmt = (await loadFormatter(name))!({ ...CTX, verbose: true });
    const out = fmt.begin() + fmt.patch(bare);
    assert.ok(!out.includes('STALE'), `${name} printed the finding's own rule text`);
  }
  const text = textFormatter({ ...CTX, verbose: true }).patch(bare).replace(/\s+/g, ' ');
  assert.ok(text.includes(rule.title) && rule.checklist.every((q) => text.includes(q.replace(/\s+/g, ' '))), 'title and checklist from rulesMeta');
});
