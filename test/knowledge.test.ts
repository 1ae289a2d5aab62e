import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSources } from '../src/knowledge/compile.js';
import { unsafeReason } from '../src/knowledge/safe-regex.js';
import { loadKnowledgeDir, readSources, hashSources, BUILTIN_KNOWLEDGE } from '../src/knowledge/load.js';
import { lintKnowledge } from '../src/knowledge/lint.js';
import { resolveReference } from '../src/knowledge/entry.js';
import { runCli } from './helpers.js';

const entry = (over: Record<string, string> = {}) => {
  const fm: Record<string, string> = {
    id: 'demo-entry',
    title: 'A demo entry',
    area: 'vhost',
    category: 'uapi-abi',
    severity: 'warning',
    summary: 'A summary that is long enough to explain why.',
    symbols: '[VHOST_DEMO]',
    checklist: '["Does the demo still work for old userspace?"]',
    consumers: '[QEMU]',
    references: '[{type: commit, id: 0123456789ab}]',
    ...over,
  };
  const yaml = Object.entries(fm)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  return `---\n${yaml}\n---\n## Contract\n\nThe demo contract, written for the test, long enough to pass the body check of kb lint.\n\n## Reviewing a change\n\nAsk whether old userspace still works, and why the change needs no negotiation.\n`;
};

test('a valid entry compiles with its body', () => {
  const r = compileSources([{ file: 'vhost/demo-entry.md', text: entry() }]);
  assert.deepEqual(r.problems, []);
  assert.equal(r.entries[0]!.id, 'demo-entry');
  assert.match(r.entries[0]!.body, /^## Contract/);
});

test('schema problems name the file and the field', () => {
  const r = compileSources([
    { file: 'vhost/demo-entry.md', text: entry({ category: 'made-up' }) },
    { file: 'vhost/x.md', text: entry({ id: 'x', severity: 'fatal' }) },
    { file: 'vhost/y.md', text: entry({ id: 'y', references: '[]' }) },
    { file: 'vhost/z.md', text: entry({ id: 'z', checklist: '[Does this: break?]' }) },
    { file: 'vhost/js.md', text: entry({ id: 'js', references: '[{type: url, id: "https://x.org", url: "javascript:alert(1)"}]' }) },
    { file: 'vhost/nofm.md', text: 'no frontmatter' },
    { file: 'vhost/badyaml.md', text: '---\nid: [unclosed\n---\n' },
  ]);
  const by = (file: string) => r.problems.filter((p) => p.file === file);
  assert.equal(by('vhost/demo-entry.md')[0]!.field, 'category');
  assert.equal(by('vhost/x.md')[0]!.field, 'severity');
  assert.equal(by('vhost/y.md')[0]!.field, 'references');
  assert.match(by('vhost/z.md')[0]!.message, /quote the whole string/);
  assert.match(by('vhost/js.md')[0]!.message, /http\(s\) link/);
  assert.match(by('vhost/nofm.md')[0]!.message, /frontmatter/);
  assert.match(by('vhost/badyaml.md')[0]!.message, /not valid YAML/);
  assert.equal(r.entries.length, 0);
});

test('duplicate ids, id/file and area/folder mismatches, unknown related ids', () => {
  const r = compileSources([
    { file: 'vhost/demo-entry.md', text: entry({ related: '[nope]' }) },
    { file: 'vfio/demo-entry.md', text: entry() },
    { file: 'vhost/other.md', text: entry({ id: 'not-other' }) },
  ]);
  const msgs = r.problems.map((p) => `${p.file} ${p.field} ${p.message}`);
  assert.ok(msgs.some((m) => m.includes('duplicate id')));
  assert.ok(msgs.some((m) => m.startsWith('vfio/demo-entry.md area')));
  assert.ok(msgs.some((m) => m.startsWith('vhost/other.md id')));
  assert.ok(msgs.some((m) => m.includes('unknown related entry "nope"')));
});

test('catastrophic patterns are rejected at load', () => {
  for (const bad of ['(a+)+$', '(x*)*', '(\\w+\\s?)+$', '(a|aa)+b{2,}(c+)*', '(\\1)', '(?<=x)y']) assert.ok(unsafeReason(bad), bad);
  for (const ok of ['^VHOST_USER_', 'VIRTIO_F_(ACCESS|IOMMU)_PLATFORM', '\\bwait_for_completion\\(', '[a-z]+_features?\\s*\\|=']) assert.equal(unsafeReason(ok), null, ok);
  const r = compileSources([{ file: 'vhost/demo-entry.md', text: entry({ triggers: '[{lines: ["(a+)+$"]}]' }) }]);
  assert.match(r.problems[0]!.message, /unsafe pattern/);
  assert.equal(r.problems[0]!.field, 'triggers.0.lines.0');
});

/** A knowledge directory with the demo entry, and an empty cache directory that loads use. */
function demoKnowledgeDir(): { dir: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pr-kb-'));
  const cache = mkdtempSync(join(tmpdir(), 'pr-cache-'));
  process.env['XDG_CACHE_HOME'] = cache;
  mkdirSync(join(dir, 'vhost'));
  writeFileSync(join(dir, 'vhost', 'demo-entry.md'), entry());
  return { dir, cache };
}

test('the compiled form is cached by content hash and recompiled when a source changes', async () => {
  const { dir, cache } = demoKnowledgeDir();
  const first = await loadKnowledgeDir(dir);
  assert.equal(first.entries[0]!.title, 'A demo entry');
  const cacheFiles = readdirSync(join(cache, 'patch-review')).filter((f) => f.endsWith('.json'));
  assert.deepEqual(readdirSync(join(cache, 'patch-review')).filter((f) => f.endsWith('.details')).length, 1);
  assert.equal(cacheFiles.length, 1);
  const cached = JSON.parse(readFileSync(join(cache, 'patch-review', cacheFiles[0]!), 'utf8'));
  assert.equal(cached.hash, first.hash);
  // Loaded again from the cache: same entries, and the texts come from the details file on demand.
  assert.equal(cached.entries[0].summary, undefined);
  const again = await loadKnowledgeDir(dir);
  assert.equal(again.hash, first.hash);
  assert.match(again.entries[0]!.body, /^## Contract/);
  assert.equal(again.entries[0]!.summary, first.entries[0]!.summary);
  assert.deepEqual(again.entries[0]!.checklist, first.entries[0]!.checklist);
  assert.deepEqual(JSON.parse(JSON.stringify(again.entries)), JSON.parse(JSON.stringify(first.entries)));
  writeFileSync(join(dir, 'vhost', 'demo-entry.md'), entry({ title: 'A changed title' }));
  const second = await loadKnowledgeDir(dir);
  assert.notEqual(second.hash, first.hash);
  assert.equal(second.entries[0]!.title, 'A changed title');
  assert.equal(hashSources(readSources(dir)), second.hash);
});

test('a details file from another build is an input error naming it, not wrong texts', async () => {
  const { dir, cache } = demoKnowledgeDir();
  await loadKnowledgeDir(dir);
  const details = readdirSync(join(cache, 'patch-review')).find((f) => f.endsWith('.details'))!;
  const path = join(cache, 'patch-review', details);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/^\{"hash":"[0-9a-f]+"\}/, '{"hash":"0000"}'));
  const again = await loadKnowledgeDir(dir);
  assert.equal(again.entries[0]!.title, 'A demo entry');
  assert.throws(() => again.entries[0]!.summary, (e: Error) => e.name === 'InputError' && e.message.includes(path) && /another build/.test(e.message));
});

test('lint checks the body structure with a Markdown parser', async () => {
  const { bodyProblems, bodySections } = await import('../src/knowledge/body.js');
  assert.deepEqual(bodySections('intro\n\n## Contract\n\nA `code` and *text*.\n\n### Sub\n\nmore\n\n## Reviewing a change\n\nx').map((s) => s.title), ['Contract', 'Reviewing a change']);
  assert.deepEqual(bodyProblems('## Contract\n\n' + 'long enough text about the contract for the check. '.repeat(2)), ['the body has no "## Reviewing a change" section']);
  assert.match(bodyProblems('## Contract\n\nshort\n\n## Reviewing a change\n\n' + 'x'.repeat(50))[0]!, /too short/);
  const dir = mkdtempSync(join(tmpdir(), 'pr-lint-'));
  mkdirSync(join(dir, 'vhost'));
  writeFileSync(join(dir, 'vhost', 'demo-entry.md'), entry().replace(/## Reviewing a change[^]*$/, ''));
  const r = await lintKnowledge(dir);
  assert.deepEqual(r.problems.map((p) => p.field), ['body']);
});

test('references resolve to links a reader can follow', () => {
  assert.equal(resolveReference({ type: 'lore', id: 'CAHk-=wip+x@mail.gmail.com' }).url, 'https://lore.kernel.org/r/CAHk-=wip+x@mail.gmail.com');
  assert.equal(resolveReference({ type: 'commit', id: '0123456789ab' }).url, 'https://git.kernel.org/torvalds/c/0123456789ab');
  assert.equal(resolveReference({ type: 'doc', id: 'Documentation/userspace-api/vduse.rst' }).url, 'https://docs.kernel.org/userspace-api/vduse.html');
  assert.match(resolveReference({ type: 'doc', id: 'docs/interop/vhost-user.rst' }).url, /qemu.*docs\/interop\/vhost-user\.rst$/);
  assert.match(resolveReference({ type: 'spec', id: 'sec:Basic Facilities of a Virtio Device / Device Status Field' }).url, /virtio-v1\.4\.html#:~:text=2\.1-,Device%20Status%20Field$/);
});

test('the built-in knowledge base is lint-clean: valid, cited, checklists are questions', async () => {
  const r = await lintKnowledge(BUILTIN_KNOWLEDGE);
  assert.deepEqual(r.problems.map((p) => `${p.file}: ${p.field}: ${p.message}`), []);
  assert.ok(r.entries >= 5);
});

test('the five lessons of DEVELOPERS.md each have an entry', async () => {
  const r = await runCli(['kb', 'list', '--format', 'json']);
  const entries = JSON.parse(r.stdout) as { id: string; symbols: string[] }[];
  const covering = (sym: string) => entries.filter((e) => e.symbols.includes(sym)).map((e) => e.id);
  for (const sym of ['VIRTIO_F_ACCESS_PLATFORM', 'VHOST_USER_SET_VRING_ENABLE', 'VDUSE_CREATE_DEV', 'VFIO_IOMMU_MAP_DMA', 'VHOST_BACKEND_F_IOTLB_PERSIST']) {
    assert.ok(covering(sym).length > 0, `no entry covers ${sym}`);
  }
});

test('kb show renders an entry; unknown ids are an input error', async () => {
  const list = JSON.parse((await runCli(['kb', 'list', '--format', 'json'])).stdout) as { id: string; title: string }[];
  const r = await runCli(['kb', 'show', list[0]!.id]);
  assert.equal(r.code, 0);
  assert.ok(r.stdout.startsWith(list[0]!.title));
  assert.match(r.stdout, /References:/);
  const bad = await runCli(['kb', 'show', 'no-such-entry']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no-such-entry/);
});
