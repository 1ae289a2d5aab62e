import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cutAtCaps, MAX_FILES_ANALYSED, MAX_HUNKS_ANALYSED } from '../../src/diff/caps.js';
import { parseUnifiedDiff } from '../../src/diff/parse.js';
import { analyzeDiff } from '../../src/diff/facts.js';
import { patchFromDiff } from '../../src/ingest/raw-diff.js';
import { fixture, runCli } from '../helpers.js';

const gitFile = (i: number) => `diff --git a/drivers/vhost/f${i}.c b/drivers/vhost/f${i}.c\n--- a/drivers/vhost/f${i}.c\n+++ b/drivers/vhost/f${i}.c\n@@ -1,2 +1,2 @@ int f${i}(void)\n int x;\n-\tr = old();\n+\tr = new();\n`;
const plainFile = (i: number) => `--- linux.orig/drivers/vhost/p${i}.c\n+++ linux/drivers/vhost/p${i}.c\n@@ -1,2 +1,2 @@\n a;\n-b;\n+c;\n`;

test('the cap scan counts the files and hunks the parser finds, on real diffs', () => {
  for (const name of ['rename-mode-binary.diff', 'plain-no-git-header.diff']) {
    const text = readFileSync(fixture(name), 'utf8');
    const files = parseUnifiedDiff(text);
    const hunks = files.reduce((n, f) => n + f.hunks.length, 0);
    assert.equal(cutAtCaps(text, files.length, hunks), null, name);
    // One under either cap cuts, and the cut part parses to exactly the cap.
    const byFiles = cutAtCaps(text, files.length - 1, hunks)!;
    assert.equal(byFiles.cap, 'files');
    assert.equal(byFiles.filesAfter, 1);
    assert.equal(parseUnifiedDiff(text.slice(0, byFiles.end)).length, files.length - 1, name);
    const byHunks = cutAtCaps(text, files.length, hunks - 1)!;
    assert.equal(byHunks.cap, 'hunks');
    assert.equal(byHunks.hunksAfter, 1);
    assert.equal(parseUnifiedDiff(text.slice(0, byHunks.end)).reduce((n, f) => n + f.hunks.length, 0), hunks - 1, name);
  }
});

test('git and plain file headers both count, and a git header\'s own ---/+++ lines do not', () => {
  const text = [...Array.from({ length: 10 }, (_, i) => gitFile(i)), ...Array.from({ length: 3 }, (_, i) => plainFile(i))].join('');
  assert.equal(parseUnifiedDiff(text).length, 13);
  assert.equal(cutAtCaps(text, 13, 13), null);
  const cut = cutAtCaps(text, 4, 1000)!;
  assert.deepEqual({ ...cut, end: text.slice(cut.end, cut.end + 34) }, { end: 'diff --git a/drivers/vhost/f4.c b/', filesAfter: 9, hunksAfter: 9, cap: 'files' });
  const inPlain = cutAtCaps(text, 11, 1000)!;
  assert.ok(text.startsWith('--- linux.orig/drivers/vhost/p1.c', inPlain.end));
  assert.equal(inPlain.filesAfter, 2);
});

test('a patch touching 200,000 files is parsed only up to the file cap, and the report names the cap', () => {
  const text = Array.from({ length: 200_000 }, (_, i) => gitFile(i)).join('');
  const r = analyzeDiff(patchFromDiff(text, 'wide.diff'));
  // Nothing past the cap becomes a parsed file: the report cannot grow with the patch.
  assert.equal(r.files.length, MAX_FILES_ANALYSED);
  assert.equal(r.files.at(-1)!.path, `drivers/vhost/f${MAX_FILES_ANALYSED - 1}.c`);
  assert.equal(r.incomplete, `only ${MAX_FILES_ANALYSED} of 200000 files and ${MAX_FILES_ANALYSED} of 200000 hunks were analysed (cap reached: ${MAX_FILES_ANALYSED} files per patch)`);
});

test('a hunk cap inside one file keeps that file, cut after its last analysed hunk', () => {
  let text = 'diff --git a/drivers/vhost/net.c b/drivers/vhost/net.c\n--- a/drivers/vhost/net.c\n+++ b/drivers/vhost/net.c\n';
  for (let i = 0; i < MAX_HUNKS_ANALYSED + 7; i++) text += `@@ -${10 + i * 10},2 +${10 + i * 10},2 @@\n a;\n-b;\n+c;\n`;
  text += gitFile(1);
  const r = analyzeDiff(patchFromDiff(text, 'deep.diff'));
  assert.equal(r.files.length, 1);
  assert.equal(r.files[0]!.hunks.length, MAX_HUNKS_ANALYSED);
  assert.equal(r.files[0]!.damaged, undefined);
  assert.match(r.incomplete ?? '', new RegExp(`only 1 of 2 files and ${MAX_HUNKS_ANALYSED} of ${MAX_HUNKS_ANALYSED + 8} hunks .*cap reached: ${MAX_HUNKS_ANALYSED} hunks per patch`));
});

test('every format says a patch past the file cap was not fully reviewed, naming the cap', { timeout: 120_000 }, async () => {
  const mail = Buffer.from(`From: A <a@example.org>\nSubject: [PATCH] vhost: wide\nMessage-ID: <wide@example.org>\n\nwide\n\nSigned-off-by: A <a@example.org>\n---\n${Array.from({ length: MAX_FILES_ANALYSED + 10 }, (_, i) => gitFile(i)).join('')}`);
  for (const format of ['text', 'json', 'html']) {
    const r = await runCli(['--format', format, '--fail-on', 'never', '-'], { stdin: mail });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.replace(/\s+/g, ' '), new RegExp(`not fully reviewed: only ${MAX_FILES_ANALYSED} of ${MAX_FILES_ANALYSED + 10} files .*cap reached: ${MAX_FILES_ANALYSED} files per patch`), format);
    // The files past the cap are not listed.
    assert.ok(!r.stdout.includes(`drivers/vhost/f${MAX_FILES_ANALYSED + 1}.c`), format);
  }
});

test('--jobs 2 reviews a mail past the hunk cap as --jobs 1 does', { timeout: 120_000 }, async () => {
  let diff = 'diff --git a/drivers/vhost/big.c b/drivers/vhost/big.c\n--- a/drivers/vhost/big.c\n+++ b/drivers/vhost/big.c\n';
  for (let i = 0; i < MAX_HUNKS_ANALYSED + 50; i++) diff += `@@ -${i * 10 + 1},2 +${i * 10 + 1},2 @@ static int f${i}(void)\n \tint r;\n-\tr = old_${i}();\n+\tr = new_${i}();\n`;
  const mail = Buffer.from(`From: A <a@example.org>\nSubject: [PATCH] vhost: deep\nMessage-ID: <deep@example.org>\n\ndeep\n---\n${diff}`);
  const one = await runCli(['--format', 'json', '--fail-on', 'never', '--jobs', '1', '-'], { stdin: mail });
  const two = await runCli(['--format', 'json', '--fail-on', 'never', '--jobs', '2', '-'], { stdin: mail });
  assert.equal(two.code, 0, two.stderr);
  assert.equal(two.stdout, one.stdout);
  assert.match(two.stdout, new RegExp(`${MAX_HUNKS_ANALYSED} of ${MAX_HUNKS_ANALYSED + 50} hunks were analysed \\(cap reached: ${MAX_HUNKS_ANALYSED} hunks per patch\\)`));
});
