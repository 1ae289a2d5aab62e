import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli, ROOT, EXAMPLES, fixture } from '../helpers.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const BIN = join(ROOT, 'bin', 'patch-review.js');
const tmp = () => mkdtempSync(join(tmpdir(), 'pr-cli-'));

/** Bad input through the real binary: one line on stderr, exit 2, nothing on stdout, no stack trace. */
function assertInputError(args: string[], mention: string, input?: Buffer) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input: input ?? Buffer.alloc(0), encoding: 'utf8' });
  assert.equal(r.status, 2, `exit code for ${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stdout, '', 'stdout must be empty on an input error');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  assert.ok(lines[0]!.includes(mention), `"${lines[0]}" should name ${mention}`);
  assert.ok(!/\bat .*\.js:\d+/.test(r.stderr), 'no stack trace');
}

test('the README example: reviewing the bundled patch finds the crosvm lesson and fails', async () => {
  const r = await runCli([EXAMPLE]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /vhost-access-platform/);
  assert.match(r.stdout, /drivers\/vhost\/vsock\.c:34/);
  assert.match(r.stdout, /patch-review: 1 patch, [1-9]\d* errors?/);
});

test('--fail-on never and --fail-on note change only the exit code', async () => {
  assert.equal((await runCli(['--fail-on', 'never', EXAMPLE])).code, 0);
  const clean = await runCli(['--fail-on', 'error', fixture('rename-mode-binary.diff')]);
  assert.equal(clean.code, 0, clean.stdout);
});

test('json output follows the documented shape', async () => {
  const r = await runCli(['--format', 'json', EXAMPLE]);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema, 2);
  assert.equal(doc.tool.name, 'patch-review');
  assert.equal(doc.patches.length, 1);
  const p = doc.patches[0];
  assert.deepEqual(p.files, ['drivers/vhost/vsock.c']);
  assert.equal(p.messageId, '20260302090000.1234-2-dev@example.org');
  const f = p.findings.find((x: { ruleId: string }) => x.ruleId === 'vhost-access-platform-offer');
  assert.ok(f, 'the crosvm entry fires');
  assert.equal(f.severity, 'error');
  assert.equal(f.file, 'drivers/vhost/vsock.c');
  assert.equal(f.line, 34);
  assert.deepEqual(f.places[0], { file: 'drivers/vhost/vsock.c', line: 34 });
  // The rule's text is in "rules", once, by id; the finding carries only what is its own.
  assert.equal(f.checklist, undefined);
  assert.equal(f.references, undefined);
  assert.deepEqual(Object.keys(doc.rules).sort(), [...new Set(p.findings.map((x: { ruleId: string }) => x.ruleId))].sort());
  const rule = doc.rules['vhost-access-platform-offer'];
  assert.equal(rule.category, 'feature-negotiation');
  assert.ok(rule.title && rule.summary);
  assert.ok(rule.checklist.length > 0 && rule.consumers.includes('crosvm'));
  for (const ref of rule.references) {
    assert.ok(['lore', 'commit', 'spec', 'doc', 'url'].includes(ref.type));
    assert.match(ref.url, /^https:\/\//);
    if (ref.type === 'lore') assert.equal(ref.url, `https://lore.kernel.org/r/${ref.id}`);
  }
  assert.equal(doc.summary.patches, 1);
});

test('terse output is one checkpatch-style line per finding', async () => {
  const r = await runCli(['--format', 'terse', EXAMPLE]);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 1);
  for (const l of lines) assert.match(l, /^\S+:\d+: (ERROR|WARNING|NOTE): \[[a-z0-9-]+\] .+/);
  assert.ok(lines.some((l) => l.startsWith('drivers/vhost/vsock.c:34: ERROR: [vhost-access-platform-offer]')));
});

test('markdown output is a checklist', async () => {
  const r = await runCli(['--format', 'markdown', EXAMPLE]);
  assert.match(r.stdout, /^# patch-review/);
  assert.match(r.stdout, /- \[ \] /);
});

test('several formats in one run; files written whole', async () => {
  const d = tmp();
  const out = join(d, 'r.json');
  const r = await runCli(['--format', 'text', '--format', 'json', '--output', out, EXAMPLE].filter(Boolean));
  // --output pairs with the --format before it (issue 19): json goes to the file, text to stdout
  assert.equal(r.code, 1);
  assert.ok(existsSync(out));
  JSON.parse(readFileSync(out, 'utf8'));
  assert.match(r.stdout, /vhost-access-platform-offer/);
  assert.deepEqual(readdirSync(d).filter((n) => n.endsWith('.tmp')), []);
});

test('an input error leaves no half-written output file', async () => {
  const d = tmp();
  const out = join(d, 'r.json');
  const r = await runCli(['--format', 'json', '--output', out, EXAMPLE, join(d, 'missing.patch')]);
  assert.equal(r.code, 2);
  assert.ok(!existsSync(out));
  assert.deepEqual(readdirSync(d), []);
});

test('stdin, folders and gzip', async () => {
  const patch = readFileSync(EXAMPLE);
  const viaStdin = await runCli(['--format', 'json', '-'], { stdin: patch });
  assert.equal(JSON.parse(viaStdin.stdout).patches.length, 1);
  const gz = await runCli(['--format', 'json', '-'], { stdin: gzipSync(patch) });
  assert.equal(JSON.parse(gz.stdout).patches.length, 1);
  const d = tmp();
  copyFileSync(EXAMPLE, join(d, '0001-a.patch'));
  copyFileSync(fixture('uapi-vdpa.patch'), join(d, '0002-b.patch'));
  writeFileSync(join(d, 'notes.md'), 'not a patch');
  const folder = await runCli(['--format', 'json', d]);
  assert.deepEqual(JSON.parse(folder.stdout).patches.map((p: { files: string[] }) => p.files[0]), ['drivers/vhost/vsock.c', 'drivers/vhost/vdpa.c']);
});

test('bad input: one line naming the input, exit 2, nothing on stdout', () => {
  const d = tmp();
  writeFileSync(join(d, 'empty.patch'), '');
  writeFileSync(join(d, 'binary.patch'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0, 0]));
  writeFileSync(join(d, 'prose.txt'), 'Dear list,\n\nno patch here.\n');
  writeFileSync(join(d, 'replies.mbox'), 'From a Mon Mar  2 10:00:00 2026\nSubject: Re: [PATCH] x\n\nok\n');
  const gz = gzipSync(readFileSync(EXAMPLE));
  writeFileSync(join(d, 'cut.mbox.gz'), gz.subarray(0, 30));
  mkdirSync(join(d, 'emptydir'));
  assertInputError([join(d, 'nope.patch')], 'nope.patch');
  assertInputError([join(d, 'empty.patch')], 'empty.patch');
  assertInputError([join(d, 'binary.patch')], 'binary.patch');
  assertInputError([join(d, 'prose.txt')], 'prose.txt');
  assertInputError([join(d, 'replies.mbox')], '1 replies');
  assertInputError([join(d, 'cut.mbox.gz')], 'cut.mbox.gz');
  assertInputError([join(d, 'emptydir')], 'emptydir');
  assertInputError(['-'], '<stdin>', Buffer.from('just text\n'));
  assertInputError([], 'no input');
  assertInputError(['--format', 'yaml', EXAMPLE], 'unknown format');
  assertInputError(['--fail-on', 'sometimes', EXAMPLE], '--fail-on');
  assertInputError(['--bogus', EXAMPLE], 'bogus');
});

test('--git: a range in a repository, validated; options can never be smuggled in', async () => {
  const repo = tmp();
  const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@x' } });
  git('init', '-q');
  mkdirSync(join(repo, 'drivers/vhost'), { recursive: true });
  writeFileSync(join(repo, 'drivers/vhost/net.c'), 'enum {\n\tVHOST_NET_FEATURES = VHOST_FEATURES |\n\t\t(1ULL << VIRTIO_F_VERSION_1),\n};\n');
  git('add', '.');
  git('commit', '-qm', 'base');
  writeFileSync(join(repo, 'drivers/vhost/net.c'), 'enum {\n\tVHOST_NET_FEATURES = VHOST_FEATURES |\n\t\t(1ULL << VIRTIO_F_ACCESS_PLATFORM) |\n\t\t(1ULL << VIRTIO_F_VERSION_1),\n};\n');
  git('commit', '-qam', 'vhost/net: offer ACCESS_PLATFORM');
  const r = await runCli(['--format', 'json', '--git', 'HEAD~1..HEAD', '--repo', repo]);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.patches[0].subject, 'vhost/net: offer ACCESS_PLATFORM');
  assert.ok(doc.patches[0].findings.some((f: { ruleId: string }) => f.ruleId === 'vhost-access-platform-offer'));
  const single = await runCli(['--format', 'json', '--git', 'HEAD', '--repo', repo]);
  assert.equal(JSON.parse(single.stdout).patches.length, 1);
  const marker = join(repo, 'pwned');
  for (const evil of [`--output=${marker}`, '-p', 'HEAD..--output=x', 'HEAD;touch x', 'nosuchrev..HEAD']) {
    const bad = await runCli(['--git', evil, '--repo', repo]);
    assert.equal(bad.code, 2, evil);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  }
  assert.ok(!existsSync(marker));
  const notRepo = await runCli(['--git', 'HEAD', '--repo', tmp()]);
  assert.equal(notRepo.code, 2);
  assert.match(notRepo.stderr, /not a git repository/);
});

test('waivers: a Patch-Review-Ack trailer acknowledges a rule without failing the run', async () => {
  const text = readFileSync(EXAMPLE, 'utf8').replace('Signed-off-by: Example', 'Patch-Review-Ack: vhost-access-platform-offer userspace masks the bit\nSigned-off-by: Example');
  const r = await runCli(['--format', 'json', '-'], { stdin: Buffer.from(text) });
  const f = JSON.parse(r.stdout).patches[0].findings.find((x: { ruleId: string }) => x.ruleId === 'vhost-access-platform-offer');
  assert.deepEqual(f.acknowledged, { reason: 'userspace masks the bit' });
});

test('--explain prints the entry behind a rule; unknown rules are a usage error', async () => {
  const r = await runCli(['--explain', 'vhost-access-platform-offer']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Review checklist:/);
  assert.equal((await runCli(['--explain', 'no-such-rule'])).code, 2);
});

test('--jobs N gives the same report, in input order, as one thread', async () => {
  const d = tmp();
  const mbox = join(d, 'all.mbox');
  writeFileSync(mbox, Buffer.concat([readFileSync(fixture('report/series.mbox')), Buffer.from('\n'), readFileSync(EXAMPLE), Buffer.from('\n'), readFileSync(fixture('uapi-vdpa.patch'))]));
  const one = await runCli(['--format', 'json', '--fail-on', 'never', mbox]);
  const two = await runCli(['--format', 'json', '--fail-on', 'never', '--jobs', '2', mbox]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(two.code, 0, two.stderr);
  const strip = (s: string) => JSON.parse(s).patches.map((p: { subject: string; findings: unknown[]; series: unknown }) => [p.subject, p.findings, p.series]);
  assert.ok(strip(one.stdout).length >= 4);
  assert.deepEqual(strip(two.stdout), strip(one.stdout));
  // The whole output, skipped-mail counts included; html quotes hunks, which workers then send back.
  assert.equal(two.stdout, one.stdout);
  // jsonl: a rule record once, before the first patch record that uses it.
  const records = (await runCli(['--format', 'jsonl', '--fail-on', 'never', mbox])).stdout.trim().split('\n').map((l) => JSON.parse(l));
  const seen = new Set<string>();
  for (const rec of records) {
    if (rec.type === 'rule') {
      assert.ok(!seen.has(rec.id), `rule ${rec.id} written once`);
      seen.add(rec.id);
    } else for (const f of rec.findings) assert.ok(seen.has(f.ruleId), `rule ${f.ruleId} written before its first use`);
  }
  assert.ok(seen.size > 0 && records.some((x) => x.type === 'patch'));
  for (const format of ['html', 'jsonl']) {
    const a = await runCli(['--format', format, '--fail-on', 'never', mbox]);
    const b = await runCli(['--format', format, '--fail-on', 'never', '--jobs', '3', mbox]);
    assert.equal(b.stdout, a.stdout, format);
  }
  assert.match((await runCli(['--format', 'html', '--fail-on', 'never', '--jobs', '2', mbox])).stdout, /<span class="hit">/);
  assert.equal((await runCli(['--jobs', '0', mbox])).code, 2);
});

/** Runs the binary, closes its stdout after the first output (like `| head -1`), and waits for it to end. */
function closeEarly(args: string[]): Promise<{ code: number | null; stderr: string; got: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let got = '';
    let stderr = '';
    child.stdout.once('data', (d: Buffer) => {
      got = d.toString();
      child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stderr, got }));
  });
}

test('a reader that stops early (| head) ends the run quietly, without a stack trace', async () => {
  const dir = tmp();
  // Enough output to overrun the pipe: the same patch many times as an mbox, in jsonl.
  const mail = readFileSync(EXAMPLE, 'latin1');
  writeFileSync(join(dir, 'many.mbox'), Array.from({ length: 400 }, (_, i) => mail.replace(/^Subject: .*$/m, `Subject: [PATCH ${i + 1}/400] vhost: x`)).join('\n'), 'latin1');
  for (const args of [['--format', 'jsonl', '--fail-on', 'never', join(dir, 'many.mbox')], ['kb', 'list']]) {
    const r = await closeEarly(args);
    assert.ok(r.got.length > 0, `some output for ${args.join(' ')}`);
    assert.equal(r.stderr, '', `nothing on stderr for ${args.join(' ')}`);
    assert.equal(r.code, 0, args.join(' '));
  }
});
