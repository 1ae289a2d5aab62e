import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, EXAMPLES, fixture } from '../helpers.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const CLEAN = fixture('report/clean.patch');

interface B4Result {
  tool: string;
  status: string;
  summary: string;
  url: string;
  details: string;
}

/** What b4 does with a check command's output (b4/review/checks.py): JSON list, status in pass|warn|fail. */
function asB4Reads(stdout: string): B4Result[] {
  if (stdout.trim() === '') return [];
  const data = JSON.parse(stdout);
  assert.ok(Array.isArray(data), 'a JSON array');
  for (const e of data) {
    assert.deepEqual(Object.keys(e).sort(), ['details', 'status', 'summary', 'tool', 'url']);
    assert.ok(['pass', 'warn', 'fail'].includes(e.status), e.status);
    for (const k of ['tool', 'summary', 'url', 'details']) assert.equal(typeof e[k], 'string');
  }
  return data;
}

test('b4 review check: the patch on stdin, a JSON array out; a clean patch passes', async () => {
  const r = await runCli(['--format', 'b4', '-'], { stdin: readFileSync(EXAMPLE) });
  const [res, ...more] = asB4Reads(r.stdout);
  assert.equal(more.length, 0);
  assert.equal(res!.tool, 'patch-review');
  assert.equal(res!.status, 'fail');
  assert.match(res!.summary, /^2 errors, \d+ warnings(; not listed: .*)?$/);
  // No site-url set: the worst rule links to its first citation, not to an unpublished site.
  assert.match(res!.url, /^https:\/\/lore\.kernel\.org\//);
  const details = JSON.parse(res!.details) as { status: string; context: string; description: string; url: string }[];
  assert.equal(details[0]!.status, 'fail');
  assert.equal(details[0]!.context, 'vhost-access-platform-offer');
  assert.match(details[0]!.description, /^drivers\/vhost\/vsock\.c:34: /);

  const clean = await runCli(['--format', 'b4', '-'], { stdin: readFileSync(CLEAN) });
  assert.equal(clean.code, 0);
  const [pass, ...none] = asB4Reads(clean.stdout);
  assert.equal(none.length, 0);
  assert.equal(pass!.status, 'pass');
  assert.match(pass!.summary, /^pass\b/);
  assert.deepEqual(JSON.parse(pass!.details), []);
});

test('b4 review series check: given the cover letter alone, reports nothing instead of failing', async () => {
  const cover = readFileSync(fixture('hook/0000-cover-letter.patch'));
  const r = await runCli(['--format', 'b4', '-'], { stdin: cover });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(asB4Reads(r.stdout), []);
  // Other formats still call a cover letter alone what it is: no patch.
  assert.equal((await runCli(['--format', 'json', '-'], { stdin: cover })).code, 2);
});

test('b4 review check: warnings give warn, acknowledged errors pass', async () => {
  const [w] = asB4Reads((await runCli(['--format', 'b4', fixture('hook/0001-vhost-define-VHOST_EXAMPLE_GET_WIDGET.patch')])).stdout);
  assert.equal(w!.status, 'warn');
  const acked = readFileSync(EXAMPLE, 'utf8').replace('Signed-off-by: Example', 'Patch-Review-Ack: vhost-access-platform-offer intended\nPatch-Review-Ack: virtio-access-platform-dma-api intended\nSigned-off-by: Example');
  const [a] = asB4Reads((await runCli(['--format', 'b4', '-'], { stdin: Buffer.from(acked) })).stdout);
  assert.equal(a!.status, 'warn');
  // Acknowledged findings are left out of the details and counted in the summary.
  const details = JSON.parse(a!.details) as { status: string; context: string }[];
  assert.ok(details.every((d) => d.status !== 'pass' && !['vhost-access-platform-offer', 'virtio-access-platform-dma-api'].includes(d.context)));
  assert.match(a!.summary, /not listed: 2 acknowledged/);
});

test('b4 prep/am per-patch check (terse): nothing on stdout when clean, ERROR: on failing lines', async () => {
  const clean = await runCli(['--format', 'terse', '-'], { stdin: readFileSync(CLEAN) });
  assert.equal(clean.code, 0);
  assert.equal(clean.stdout, '');
  const bad = await runCli(['--format', 'terse', '-'], { stdin: readFileSync(EXAMPLE) });
  const lines = bad.stdout.trimEnd().split('\n');
  // b4 classifies each line by substring: ERROR: fails, WARNING:/CHECK: warn.
  const errors = lines.filter((l) => l.includes('ERROR:'));
  assert.equal(errors.length, 2);
  for (const l of errors) assert.match(l, /^drivers\/vhost\/vsock\.c:34: ERROR: \[(vhost-access-platform-offer|virtio-access-platform-dma-api)\] /);
  // Every other line is a warning that names what the patch did; notes are left out.
  assert.ok(lines.filter((l) => !l.includes('ERROR:')).every((l) => /: WARNING: \[[a-z0-9-]+\] \S/.test(l)));
  assert.ok(lines.some((l) => l.includes('VIRTIO_F_ACCESS_PLATFORM added to VHOST_VSOCK_FEATURES')), 'the headline names the symbol');
  // An acknowledged error is no longer an ERROR line.
  const acked = readFileSync(EXAMPLE, 'utf8').replace('Signed-off-by: Example', 'Patch-Review-Ack: vhost-access-platform-offer intended\nSigned-off-by: Example');
  const a = await runCli(['--format', 'terse', '-'], { stdin: Buffer.from(acked) });
  assert.equal(a.stdout.split('\n').filter((l) => l.includes('ERROR:')).length, 1);
  assert.ok(!a.stdout.includes('[vhost-access-platform-offer]'), 'an acknowledged finding is left out');
});
