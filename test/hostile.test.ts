// Hostile and broken input: every case finishes (the runner's timeout bounds it), memory stays
// bounded, and the outcome is either a review or one input error naming the input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, EXAMPLES } from './helpers.js';
import { parseUnifiedDiff } from '../src/diff/parse.js';
import { analyzeDiff, MAX_HUNKS_ANALYSED } from '../src/diff/facts.js';
import { patchFromDiff } from '../src/ingest/raw-diff.js';

const example = readFileSync(join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch'), 'utf8');

async function review(input: Buffer) {
  const r = await runCli(['--format', 'json', '--fail-on', 'never', '-'], { stdin: input });
  if (r.code === 2) {
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /<stdin>/);
    return null;
  }
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { patches: { files: string[]; findings: { ruleId: string }[] }[] };
}

test('a 20 MB line inside a hunk is reviewed, not choked on', { timeout: 60_000 }, async () => {
  const huge = example.replace('+\t\tgoto err;\n', `+\t\tgoto err; /* ${'x'.repeat(20 * 1024 * 1024)} */\n`);
  const doc = await review(Buffer.from(huge));
  assert.ok(doc && doc.patches[0]!.findings.some((f) => f.ruleId === 'vhost-access-platform-offer'));
});

test('NUL bytes, invalid UTF-8 and CRLF line ends', { timeout: 30_000 }, async () => {
  assert.equal(await review(Buffer.from([0, 1, 2, 3, 0, 0, 0x41])), null);
  const latin = Buffer.concat([Buffer.from(example.replace(/\n/g, '\r\n')), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a])]);
  const doc = await review(latin);
  assert.deepEqual(doc?.patches[0]!.files, ['drivers/vhost/vsock.c']);
});

test('mixed encodings: a base64 part, a quoted-printable part and an 8-bit latin-1 part in one mail', { timeout: 30_000 }, async () => {
  const [head, body] = [example.slice(example.indexOf('\n') + 1, example.indexOf('\n\n')), example.slice(example.indexOf('\n\n') + 2)];
  const mail = Buffer.concat([
    Buffer.from(`${head}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n`),
    Buffer.from('Gr\xfc\xdfe aus K\xf6ln\n', 'latin1'),
    Buffer.from(`--XX\nContent-Type: text/x-patch; charset=utf-8\nContent-Transfer-Encoding: base64\n\n${Buffer.from(body).toString('base64')}\n--XX\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n-- =\n=C3=A9t=C3=A9\n--XX--\n`),
  ]);
  const doc = await review(mail);
  assert.deepEqual(doc?.patches[0]!.files, ['drivers/vhost/vsock.c']);
});

test('truncated base64: still reviewed as far as it goes, and reported as damaged', { timeout: 30_000 }, async () => {
  const [head, body] = [example.slice(example.indexOf('\n') + 1, example.indexOf('\n\n')), example.slice(example.indexOf('\n\n') + 2)];
  const b64 = Buffer.from(body).toString('base64');
  const mail = `${head}\nContent-Transfer-Encoding: base64\n\n${b64.slice(0, Math.floor(b64.length * 0.8) + 1)}\n`;
  const doc = await review(Buffer.from(mail));
  assert.ok(doc);
  assert.ok(doc.patches[0]!.findings.some((f) => f.ruleId === 'patch-format-damaged'));
});

test('a 100,000-hunk diff is parsed and analysed', { timeout: 120_000 }, () => {
  const parts = ['diff --git a/drivers/vhost/big.c b/drivers/vhost/big.c', '--- a/drivers/vhost/big.c', '+++ b/drivers/vhost/big.c'];
  for (let i = 0; i < 100_000; i++) parts.push(`@@ -${i * 10 + 1},2 +${i * 10 + 1},2 @@ static int f${i}(void)`, ' \tint r;', `-\tr = old_${i}();`, `+\tr = new_${i}();`);
  const text = parts.join('\n') + '\n';
  const files = parseUnifiedDiff(text);
  assert.equal(files[0]!.hunks.length, 100_000);
  assert.equal(files[0]!.additions, 100_000);
  // Analysed up to the per-patch hunk cap (issue 19), and said so.
  const { facts, incomplete } = analyzeDiff(patchFromDiff(text, 'big', 'big'));
  assert.equal(facts.filter((f) => f.kind === 'function-changed').length, MAX_HUNKS_ANALYSED);
  assert.match(incomplete ?? '', /20000 of 100000 hunks/);
});

test('a hunk header that claims billions of lines is damage, not an allocation', { timeout: 30_000 }, () => {
  const files = parseUnifiedDiff('diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,4000000000 +1,4000000000 @@\n a\n');
  assert.match(files[0]!.damaged ?? '', /claims more lines/);
});

test('deeply nested multipart is bounded', { timeout: 30_000 }, async () => {
  let mail = 'Subject: [PATCH] x\nContent-Type: multipart/mixed; boundary=b0\n\n';
  for (let i = 0; i < 200; i++) mail += `--b${i}\nContent-Type: multipart/mixed; boundary=b${i + 1}\n\n`;
  mail += example.slice(example.indexOf('\n\n') + 2);
  const r = await review(Buffer.from(mail));
  assert.ok(r === null || Array.isArray(r.patches));
});
