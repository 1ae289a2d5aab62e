// Issue 7, the "use" half: the committed section catalogue, references that name the
// section, spec-derived facts from a user's spec index, and --spec-index end to end.
import assert from 'node:assert/strict';
import { patchFromDiff } from '../../src/ingest/raw-diff.js';
import { describe, it, before, after } from 'node:test';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSources } from '../../src/knowledge/load.js';
import { BUILTIN_KNOWLEDGE } from '../../src/io/paths.js';
import { compileSources } from '../../src/knowledge/compile.js';
import { resolveReference } from '../../src/knowledge/entry.js';
import { analyzeDiff, type DiffContext } from '../../src/diff/facts.js';
import type { Patch } from '../../src/model/patch.js';
import type { Finding } from '../../src/model/finding.js';
import {
  buildSectionCatalogue,
  citedSpecLabels,
  compareCatalogues,
  isUnchanged,
  parseCatalogue,
  readCatalogue,
  SECTION_CATALOGUE_FILE,
} from '../../src/spec/section-catalogue.js';
import { VIRTIO_SPEC_HTML, resolveSpecLabel } from '../../src/spec/spec-links.js';
import { indexVirtioSpec } from '../../src/spec/virtio-spec.js';
import { indexVhostUser } from '../../src/spec/vhost-user.js';
import { attachSpecStatements, specStatementLookup } from '../../src/analyze/spec-statements.js';
import { realVirtioDir, skipWithoutShared, vhostUserFixture, virtioFixture } from '../spec/helpers.js';
import { runCli } from '../helpers.js';
import { lintKnowledge } from '../../src/knowledge/lint.js';

const entries = compileSources(readSources(BUILTIN_KNOWLEDGE)).entries;
const catalogueText = readFileSync(join(BUILTIN_KNOWLEDGE, SECTION_CATALOGUE_FILE), 'utf8');

describe('knowledge/spec-sections.json', () => {
  it('holds a number and a title for every cited label, and nothing else', () => {
    const raw = JSON.parse(catalogueText) as Record<string, unknown>;
    assert.deepEqual(Object.keys(raw).sort(), ['sections', 'specVersion']);
    const cat = parseCatalogue(catalogueText, SECTION_CATALOGUE_FILE);
    assert.deepEqual(Object.keys(cat.sections).sort(), citedSpecLabels(entries), 'exactly the labels the entries cite');
    for (const [label, s] of Object.entries(raw['sections'] as Record<string, Record<string, unknown>>)) {
      assert.deepEqual(Object.keys(s).sort(), ['number', 'title'], label);
      assert.match(s['number'] as string, /^(?:\d+|[A-Z])(?:\.\d+)*$/, label);
      // A title, not a sentence of the spec.
      assert.ok((s['title'] as string).length < 120 && !/\b(MUST|SHOULD)\b/.test(s['title'] as string), label);
    }
  });

  it('is in sync with the spec the entries cite', { skip: skipWithoutShared }, () => {
    const index = indexVirtioSpec(realVirtioDir);
    const { catalogue, unresolved } = buildSectionCatalogue(index, citedSpecLabels(entries));
    assert.deepEqual(unresolved, []);
    const changes = compareCatalogues(readCatalogue(BUILTIN_KNOWLEDGE), catalogue);
    assert.ok(isUnchanged(changes), `stale: ${JSON.stringify(changes)} (run kb spec-sections --spec DIR --write)`);
  });

  it('rejects a catalogue that carries more than numbers and titles', () => {
    assert.throws(() => parseCatalogue('{"specVersion":"v1","sections":{"x":{"number":"1","title":"T","text":"The driver MUST"}}}', 'f'), /exactly a number and a title/);
    assert.throws(() => parseCatalogue('[]', 'f'), /needs specVersion/);
  });

  it('regenerates from a spec and reports what changed', () => {
    const index = indexVirtioSpec(virtioFixture);
    const { catalogue, unresolved } = buildSectionCatalogue(index, ['sec:Widgets / Device Status Field', 'Widgets / Feature Bits', 'sec:Nowhere']);
    assert.deepEqual(unresolved, ['sec:Nowhere']);
    assert.equal(catalogue.specVersion, 'widget-fixture-1');
    assert.deepEqual(catalogue.sections['Widgets / Feature Bits'], { number: '1.2', title: 'Feature Bits' });
    const old = { specVersion: 'widget-fixture-1', sections: { 'sec:Widgets / Device Status Field': { number: '9.9', title: 'Old' }, gone: { number: '1', title: 'G' } } };
    const ch = compareCatalogues(old, catalogue);
    assert.deepEqual(ch.added, ['Widgets / Feature Bits']);
    assert.deepEqual(ch.removed, ['gone']);
    assert.deepEqual(ch.changed.map((c) => [c.label, c.to.number]), [['sec:Widgets / Device Status Field', '1.1']]);
  });
});

describe('resolveReference names the spec section', () => {
  const cat = parseCatalogue(catalogueText, SECTION_CATALOGUE_FILE);
  const label = 'sec:Basic Facilities of a Virtio Device / Device Status Field';
  const known = cat.sections[label]!;

  it('prefixes the number to the catalogue title and links to the section', () => {
    assert.ok(known, 'the catalogue has the Device Status Field (cited by virtio-device-status-init-sequence)');
    const r = resolveReference({ type: 'spec', id: label });
    assert.equal(r.title, `§${known.number} ${known.title}`);
    assert.ok(r.url.startsWith(`${VIRTIO_SPEC_HTML}#:~:text=${known.number}-,`), r.url);
  });

  it("keeps the entry's own title, numbered", () => {
    assert.equal(resolveReference({ type: 'spec', id: label, title: 'The status byte' }).title, `§${known.number} The status byte`);
  });

  it('falls back to the label for a section the catalogue does not know', () => {
    const r = resolveReference({ type: 'spec', id: 'sec:Not / Catalogued' });
    assert.equal(r.title, undefined);
    assert.equal(r.url, `${VIRTIO_SPEC_HTML}#:~:text=Catalogued`);
  });

  it('agrees with the spec itself', { skip: skipWithoutShared }, () => {
    assert.equal(resolveSpecLabel(indexVirtioSpec(realVirtioDir), label)?.number, known.number);
  });
});

const patchOf = (diff: string): Patch => patchFromDiff(diff, 't', 's');

function fileDiff(path: string, section: string, lines: string[]): string {
  const old = lines.filter((l) => !l.startsWith('+')).length;
  const neu = lines.filter((l) => !l.startsWith('-')).length;
  return `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -10,${old} +10,${neu} @@ ${section}\n${lines.join('\n')}\n`;
}

const WIDGET_HEADER = fileDiff('include/uapi/linux/virtio_widget.h', '', [
  ' #define VIRTIO_WIDGET_F_SPIN 0',
  '+#define VIRTIO_WIDGET_F_CLASH 1', // VIRTIO_WIDGET_F_GLOW's bit
  '+#define VIRTIO_WIDGET_F_FUTURE 17', // in the range kept for future extensions
  '+#define VIRTIO_WIDGET_F_FINE 25', // device-specific and free
  '+#define VIRTIO_WIDGET_F_SHIFTED (VIRTIO_WIDGET_F_FINE + 1)', // 26, free: resolved, not flagged
  '+#define VIRTIO_SND_PCM_F_WHATEVER 1', // not a feature bit of a known device type
]);

describe('spec-check fact producers', () => {
  const spec: DiffContext['spec'] = { virtio: indexVirtioSpec(virtioFixture), vhostUser: indexVhostUser(vhostUserFixture) };
  const facts = (diff: string, ctx: DiffContext = { spec }) => analyzeDiff(patchOf(diff), ctx).facts.filter((f) => f.kind.startsWith('spec-'));

  it('flags a virtio feature bit that clashes or sits in a reserved range, not a fine one', () => {
    const got = facts(WIDGET_HEADER);
    assert.deepEqual(got.map((f) => f.symbol).sort(), ['VIRTIO_WIDGET_F_CLASH', 'VIRTIO_WIDGET_F_FUTURE']);
    const clash = got.find((f) => f.symbol === 'VIRTIO_WIDGET_F_CLASH')!;
    assert.equal(clash.kind, 'spec-feature-bit-conflict');
    assert.equal(clash.file, 'include/uapi/linux/virtio_widget.h');
    assert.equal(clash.line, 11);
    assert.match(clash.detail!, /VIRTIO_WIDGET_F_GLOW/);
    assert.match(clash.detail!, /2\.1\.2.*\(sec:Device Types \/ Widget Device \/ Feature bits\)$/);
    assert.match(got.find((f) => f.symbol === 'VIRTIO_WIDGET_F_FUTURE')!.detail!, /1\.2\) reserves for future extensions \(sec:Widgets \/ Feature Bits\)$/);
  });

  it('flags a device-type bit in the device-independent range', () => {
    const got = facts(fileDiff('include/uapi/linux/virtio_widget.h', '', ['+#define VIRTIO_WIDGET_F_LOW 12']));
    assert.equal(got.length, 1);
    assert.match(got[0]!.detail!, /device-independent/);
  });

  it('says nothing without a spec index, or outside uAPI headers', () => {
    assert.deepEqual(facts(WIDGET_HEADER, {}), []);
    assert.deepEqual(facts(fileDiff('drivers/virtio/virtio_widget.c', '', ['+#define VIRTIO_WIDGET_F_CLASH 1'])), []);
  });

  it('flags a vhost-user message id that collides, not one that is free', () => {
    const got = facts(
      fileDiff('hw/virtio/vhost-user.c', 'typedef enum VhostUserRequest {', [
        '     VHOST_USER_TOY_MAP = 5,',
        '+    VHOST_USER_TOY_CLASH = 2,',
        '+    VHOST_USER_TOY_FREE = 6,',
        '     VHOST_USER_MAX',
        ' } VhostUserRequest;',
        ' ',
        ' typedef enum VhostUserBackendRequest {',
        '+    VHOST_USER_BACKEND_TOY_BUMP = 1,',
        '+    VHOST_USER_BACKEND_TOY_NUDGE = 2,',
        ' } VhostUserBackendRequest;',
      ]),
    );
    assert.deepEqual(got.map((f) => [f.kind, f.symbol]), [
      ['spec-vhost-user-id-conflict', 'VHOST_USER_TOY_CLASH'],
      ['spec-vhost-user-id-conflict', 'VHOST_USER_BACKEND_TOY_BUMP'],
      ['spec-vhost-user-id-conflict', 'VHOST_USER_BACKEND_TOY_BUMP'],
    ]);
    assert.match(got[0]!.detail!, /front-end vhost-user message id 2 is already VHOST_USER_TOY_SET_FD/);
    assert.match(got[1]!.detail!, /"Back-end message types"/);
  });

  it('flags a protocol-feature bit that collides, in C and in rust-vmm', () => {
    const c = facts(fileDiff('subprojects/libvhost-user/libvhost-user.h', '', ['+#define VHOST_USER_PROTOCOL_F_TOY_NEW 1', '+#define VHOST_USER_PROTOCOL_F_TOY_OK 2']));
    assert.deepEqual(c.map((f) => f.symbol), ['VHOST_USER_PROTOCOL_F_TOY_NEW']);
    assert.match(c[0]!.detail!, /already VHOST_USER_PROTOCOL_F_REPLY_ACK/);
    const rust = facts(
      fileDiff('vhost/src/vhost_user/message.rs', 'pub struct VhostUserProtocolFeatures: u64 {', ['+        const TOY_BIT0 = 0x0000_0001;', '+        const TOY_BIT5 = 0x0000_0020;']),
    );
    assert.deepEqual(rust.map((f) => f.symbol), ['VHOST_USER_PROTOCOL_F_TOY_BIT0']);
  });

  it('ignores a definition that only moved', () => {
    const got = facts(fileDiff('hw/virtio/vhost-user.c', 'typedef enum VhostUserRequest {', ['-    VHOST_USER_TOY_ODD = 2,', '+    VHOST_USER_TOY_ODD  = 2,']));
    assert.deepEqual(got, []);
  });
});

describe('spec statements for findings', () => {
  it('attaches the requirements of a cited section, without MAY', () => {
    const index = indexVirtioSpec(virtioFixture);
    const lookup = specStatementLookup(index);
    const finding: Finding = {
      ruleId: 'r', category: 'spec-conformance', severity: 'warning', title: 't', message: 'm', file: null, line: null, symbols: [], checklist: [], consumers: [],
      references: [{ type: 'spec', id: 'Widgets / Device Status Field', url: 'u' }, { type: 'spec', id: 'sec:Nowhere', url: 'u' }, { type: 'lore', id: 'x', url: 'u' }],
    };
    const [f] = attachSpecStatements([finding], lookup);
    const want = index.normativeBlocks.filter((b) => b.section === '1.1').flatMap((b) => b.statements).filter((s) => s.keyword !== 'MAY');
    assert.equal(f!.specStatements?.length, 1);
    assert.equal(f!.specStatements![0]!.number, '1.1');
    assert.equal(f!.specStatements![0]!.label, 'Widgets / Device Status Field');
    assert.deepEqual(f!.specStatements![0]!.statements.map((s) => s.text), want.map((s) => s.text));
    assert.ok(want.length >= 3);
    assert.equal(finding.specStatements, undefined, 'the input finding is not modified');
  });
});

describe('--spec-index end to end', () => {
  let dir = '';
  let indexFile = '';
  let knowledge = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spec-use-'));
    indexFile = join(dir, 'index.json');
    const r = await runCli(['spec', 'index', '--virtio', virtioFixture, '--vhost-user', vhostUserFixture, '--out', indexFile]);
    assert.equal(r.code, 0, r.stderr);
    knowledge = join(dir, 'kb');
    mkdirSync(join(knowledge, 'virtio'), { recursive: true });
    writeFileSync(
      join(knowledge, 'virtio', 'widget-knob.md'),
      [
        '---',
        'id: widget-knob',
        'title: Turning the widget knob',
        'area: virtio',
        'category: spec-conformance',
        'severity: warning',
        'summary: Turning the knob has rules.',
        'symbols: [widget_turn_knob]',
        'checklist: ["Is the knob turned once?"]',
        'consumers: [QEMU]',
        'references:',
        '  - type: spec',
        '    id: "sec:Widgets / Device Status Field"',
        '---',
        '',
        '## Contract',
        '',
        'The knob of a test widget is turned once and read before that, for this test only.',
        '',
        '## Reviewing a change',
        '',
        'Check that the patch turns the knob only once and reads it first, for this test only.',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'knob.diff'), fileDiff('drivers/virtio/widget.c', 'static int widget_probe(struct virtio_device *vdev)', [' \tint err;', '+\twidget_turn_knob(vdev);', ' \treturn 0;']));
    writeFileSync(join(dir, 'bits.diff'), WIDGET_HEADER);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('kb lint --spec reports a missing or stale catalogue, and kb spec-sections --write fixes it', async () => {
    const lintProblems = async () => (await lintKnowledge(knowledge, { spec: virtioFixture })).problems.filter((p) => p.file === SECTION_CATALOGUE_FILE).map((p) => p.message);
    assert.match((await lintProblems()).join('\n'), /missing/);
    writeFileSync(join(knowledge, SECTION_CATALOGUE_FILE), JSON.stringify({ specVersion: 'widget-fixture-1', sections: { 'sec:Widgets / Device Status Field': { number: '1.9', title: 'Device Status Field' } } }));
    assert.match((await lintProblems()).join('\n'), /stale: "sec:Widgets \/ Device Status Field" is §1\.1 Device Status Field in the spec, not §1\.9/);
    const dry = await runCli(['kb', 'spec-sections', '--spec', virtioFixture, '--dir', knowledge]);
    assert.match(dry.stdout, /~ sec:Widgets \/ Device Status Field: §1\.9 Device Status Field -> §1\.1 Device Status Field/);
    assert.match(dry.stdout, /out of date/);
    const w = await runCli(['kb', 'spec-sections', '--spec', virtioFixture, '--dir', knowledge, '--write']);
    assert.equal(w.code, 0, w.stderr);
    assert.deepEqual(await lintProblems(), []);
    assert.deepEqual(readCatalogue(knowledge)!.sections, { 'sec:Widgets / Device Status Field': { number: '1.1', title: 'Device Status Field' } });
  });

  it('prints the MUST/SHOULD statements of the cited section under its reference', async () => {
    const r = await runCli(['--knowledge', knowledge, '--spec-index', indexFile, '--format', 'text', '--fail-on', 'never', join(dir, 'knob.diff')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[widget-knob\]/);
    const index = indexVirtioSpec(virtioFixture);
    const sec = index.normativeBlocks.filter((b) => b.section === '1.1').flatMap((b) => b.statements);
    for (const s of sec) {
      const line = `      ${s.keyword}: ${s.text}`;
      if (s.keyword === 'MAY') assert.ok(!r.stdout.includes(line), `no MAY: ${line}`);
      else assert.ok(r.stdout.includes(line), `missing: ${line}\n${r.stdout}`);
    }
    const plain = await runCli(['--knowledge', knowledge, '--format', 'text', '--fail-on', 'never', join(dir, 'knob.diff')]);
    assert.ok(!plain.stdout.includes(`${sec[0]!.keyword}: ${sec[0]!.text}`), 'statements only with --spec-index');
  });

  it('carries the statements in JSON and markdown', async () => {
    const j = await runCli(['--knowledge', knowledge, '--spec-index', indexFile, '--format', 'json', '--fail-on', 'never', join(dir, 'knob.diff')]);
    const finding = (JSON.parse(j.stdout) as { patches: { findings: Finding[] }[] }).patches[0]!.findings.find((f) => f.ruleId === 'widget-knob')!;
    assert.equal(finding.specStatements?.[0]?.number, '1.1');
    const md = await runCli(['--knowledge', knowledge, '--spec-index', indexFile, '--format', 'markdown', '--fail-on', 'never', join(dir, 'knob.diff')]);
    assert.match(md.stdout, /^ {2}- \*\*MUST NOT\*\*: /m);
  });

  it('raises the feature-bit entry from the spec-derived facts', async () => {
    const r = await runCli(['--spec-index', indexFile, '--format', 'json', '--fail-on', 'error', join(dir, 'bits.diff')]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { patches: { findings: Finding[] }[]; rules: Record<string, { category: string }> };
    const findings = doc.patches[0]!.findings;
    const f = findings.find((x) => x.ruleId === 'virtio-feature-bit-spec-conflict');
    assert.ok(f, JSON.stringify(findings.map((x) => x.ruleId)));
    assert.equal(f.severity, 'error');
    assert.equal(doc.rules[f.ruleId]!.category, 'spec-conformance');
    assert.match(f.message, /VIRTIO_WIDGET_F_GLOW/);
    const without = await runCli(['--format', 'json', '--fail-on', 'never', join(dir, 'bits.diff')]);
    assert.ok(!without.stdout.includes('virtio-feature-bit-spec-conflict'));
  });

  it('rejects a file that is not a spec index with one line', async () => {
    writeFileSync(join(dir, 'bad.json'), '{"format":"x"}');
    const r = await runCli(['--spec-index', join(dir, 'bad.json'), join(dir, 'bits.diff')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.json.*not a spec index/);
    assert.equal(r.stdout, '');
  });
});
