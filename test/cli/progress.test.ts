// Progress on long runs: over the input's bytes (compressed bytes for .gz) when its size is
// known, with percentage, rate and ETA, so a single big mbox gets them; a count with the rate
// otherwise; on stderr only; and a summary line when the reports go to files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { progressBar, bytesText } from '../../src/cli/progress.js';
import { readInput, inputBytes, bufferChunks } from '../../src/ingest/read-input.js';
import { EXAMPLES, FIXTURES, fixture, runCli } from '../helpers.js';
import type { CliIO } from '../../src/cli/io.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const SERIES = fixture('report/series.mbox');

function fakeIO(stderrIsTTY = true): { io: CliIO; err: () => string } {
  let err = '';
  const io = { stdout: () => {}, stderr: (t: string) => void (err += t), readStdin: () => bufferChunks(Buffer.alloc(0)), isTTY: false, stderrIsTTY, cwd: process.cwd(), env: {} } as CliIO;
  return { io, err: () => err };
}

/** Bytes reading an input reports through onRead, to its end. */
async function bytesReadingTakes(name: string): Promise<number> {
  let n = 0;
  for await (const _ of readInput({ name, onRead: (b) => (n += b) }));
  return n;
}

test('the input size is its bytes (compressed for .gz), summed over folders; unknown for stdin', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pr-progress-'));
  const gz = join(dir, 'series.mbox.gz');
  writeFileSync(gz, gzipSync(readFileSync(SERIES)));
  assert.equal(inputBytes([gz]), statSync(gz).size);
  const hook = join(FIXTURES, 'hook');
  assert.equal(inputBytes([EXAMPLE, hook]), statSync(EXAMPLE).size + readdirSync(hook).reduce((s, f) => s + statSync(join(hook, f)).size, 0));
  assert.equal(inputBytes(['-']), null);
  assert.equal(inputBytes([join(dir, 'missing')]), null);
  // What reading reports adds up to the size the bar counts against.
  assert.equal(await bytesReadingTakes(gz), statSync(gz).size);
  assert.equal(await bytesReadingTakes(join(FIXTURES, 'hook')), inputBytes([join(FIXTURES, 'hook')]));
});

test('a known size gives percentage, bytes, rate and ETA; an unknown one a count and rate', () => {
  const known = fakeIO();
  let read = 0;
  const bar = progressBar(known.io, 4096, () => read);
  for (const n of [1000, 2000, 3000]) {
    read = n;
    bar.patch();
  }
  bar.stop();
  assert.match(known.err(), /\d+% \| \d+ KiB of 4 KiB \| \d patches \| [\d.]+ patches\/s \| ETA /);
  const unknown = fakeIO();
  const count = progressBar(unknown.io, null, () => 0);
  for (let i = 1; i <= 3; i++) count.patch();
  count.stop();
  assert.match(unknown.err(), /3 patches \| [\d.]+ patches\/s/);
  assert.ok(!unknown.err().includes('ETA'));
  assert.equal(bytesText(81461409), '77.7 MiB');
});

test('one mbox with --progress: progress and a timed summary on stderr, never in the output', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'pr-progress-')), 'r.json');
  const r = await runCli(['--progress', '--format', 'json', '--output', out, '--fail-on', 'never', SERIES]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /100% \| [\d.]+ (B|KiB) of [\d.]+ (B|KiB) \| \d+ patches/);
  assert.match(r.stderr, /patch-review: \d+ patches: .* in [\d.]+ s \(written to /);
  assert.ok(!readFileSync(out, 'utf8').includes('ETA'));
  // Off a terminal and not asked for: no progress, and stdout output gets no summary line.
  const quiet = await runCli(['--format', 'json', '--fail-on', 'never', SERIES]);
  assert.equal(quiet.stderr, '');
  assert.equal((await runCli(['--progress', '--no-progress', '--format', 'json', '--fail-on', 'never', SERIES])).stderr, '');
});

test('reports written to files end with a summary line on stderr', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'pr-progress-')), 'r.json');
  const r = await runCli(['--format', 'json', '--output', out, '--fail-on', 'never', EXAMPLE]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, new RegExp(`^patch-review: 1 patch: 2 errors, \\d+ warnings, \\d+ notes \\(written to ${out.replace(/[.]/g, '\\.')}\\)\\n$`));
  assert.ok(JSON.parse(readFileSync(out, 'utf8')).patches.length === 1);
});
