// Progress on long runs: with a known number of input files a bar with percentage, rate and
// ETA; otherwise a count with the rate; and a summary line when the reports go to files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { progressBar, inputFileCount } from '../../src/cli/progress.js';
import { EXAMPLES, FIXTURES, runCli } from '../helpers.js';
import type { CliIO } from '../../src/cli/io.js';
import { bufferChunks } from '../../src/ingest/read-input.js';

function fakeIO(): { io: CliIO; err: () => string } {
  let err = '';
  const io = { stdout: () => {}, stderr: (t: string) => void (err += t), readStdin: () => bufferChunks(Buffer.alloc(0)), isTTY: false, stderrIsTTY: true, cwd: process.cwd(), env: {} } as CliIO;
  return { io, err: () => err };
}

test('input files are counted when the input is files and folders, not for stdin or git ranges', () => {
  assert.equal(inputFileCount([join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch'), join(FIXTURES, 'hook')], []), 1 + 3);
  assert.equal(inputFileCount(['-'], []), null);
  assert.equal(inputFileCount([], ['HEAD~2..HEAD']), null);
});

test('a known total gives percentage, files, rate and ETA; an unknown one a count and rate', () => {
  const known = fakeIO();
  const bar = progressBar(known.io, 4);
  for (const s of ['a.patch', 'b.patch', 'c.patch']) bar.patch(s);
  bar.stop();
  assert.match(known.err(), /\d+% \| \d\/4 files \| \d patches \| [\d.]+\/s \| ETA /);
  const unknown = fakeIO();
  const count = progressBar(unknown.io, null);
  for (let i = 1; i <= 3; i++) count.patch(`a.mbox#${i}`);
  count.stop();
  assert.match(unknown.err(), /3 patches \| [\d.]+\/s/);
  assert.ok(!unknown.err().includes('ETA'));
});

test('reports written to files end with a summary line on stderr', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'pr-progress-')), 'r.json');
  const r = await runCli(['--format', 'json', '--output', out, '--fail-on', 'never', join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch')]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^patch-review: 1 patch: 2 errors, \\d+ warnings, \\d+ notes \\(written to ${out.replace(/[.]/g, '\\.')}\\)\\n$`));
  assert.ok(JSON.parse(readFileSync(out, 'utf8')).patches.length === 1);
});
