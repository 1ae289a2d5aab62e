// Issue 19, item 4: one mail in an mbox stream has a size limit, splitting is linear, and gzip
// input (file or stdin) has an expansion bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitMbox } from '../../src/ingest/mbox.js';
import { runCli } from '../helpers.js';

async function* chunked(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function split(buf: Buffer, chunk: number, max?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const m of splitMbox(chunked(buf, chunk), 'x.mbox', max)) out.push(m.toString('latin1'));
  return out;
}

test('messages are split the same whatever the chunk boundaries', async () => {
  const mbox = Buffer.from('From a\nSubject: 1\n\nbody\nFrom here is not a separator\n\nFrom b\r\nSubject: 2\r\n\r\nFrom c\nSubject: 3\n\n>From quoted\n');
  const whole = await split(mbox, mbox.length);
  assert.equal(whole.length, 3);
  assert.match(whole[2]!, /^Subject: 3\n\nFrom quoted/);
  for (let c = 1; c <= 12; c++) assert.deepEqual(await split(mbox, c), whole, `chunk ${c}`);
});

test('a mail over the limit is one input error, found in linear time', async () => {
  const big = Buffer.concat([Buffer.from('From x\n\n'), Buffer.alloc(8 << 20, 0x61)]);
  const t = performance.now();
  await assert.rejects(split(big, 1 << 10, 4 << 20), /x\.mbox: message 1 is larger than 4 MiB/);
  // 8 MiB in 1 KiB chunks: the old splitter rescanned and recopied its buffer on every chunk.
  assert.ok(performance.now() - t < 3000, `${performance.now() - t} ms`);
});

test('a gzip bomb on stdin or in a file is refused early with one line, nothing on stdout', { timeout: 60_000 }, async () => {
  // "From " and 200 MB of zeros: 200 KB compressed.
  const bomb = gzipSync(Buffer.concat([Buffer.from('From x\n\n'), Buffer.alloc(200 << 20)]), { level: 1 });
  const viaStdin = await runCli(['-'], { stdin: bomb });
  assert.equal(viaStdin.code, 2);
  assert.equal(viaStdin.stdout, '');
  assert.match(viaStdin.stderr, /^patch-review: <stdin>: (gzip data expands more than 50 times|message 1 is larger than 64 MiB)[^\n]*\n$/);
  const dir = mkdtempSync(join(tmpdir(), 'pr-bomb-'));
  writeFileSync(join(dir, 'bomb.mbox.gz'), bomb);
  const viaFile = await runCli([join(dir, 'bomb.mbox.gz')]);
  assert.equal(viaFile.code, 2);
  assert.equal(viaFile.stdout, '');
  assert.match(viaFile.stderr, /bomb\.mbox\.gz: (gzip data expands|message 1 is larger)/);
});

/** An endless stream (chunks of `chunk` after `first`), counting what the reader took and whether it let go. */
function endless(first: Buffer, chunk: Buffer) {
  const seen = { bytes: 0, closed: false };
  async function* gen(): AsyncGenerator<Buffer> {
    try {
      seen.bytes += first.length;
      yield first;
      for (;;) {
        seen.bytes += chunk.length;
        yield chunk;
      }
    } finally {
      seen.closed = true;
    }
  }
  return { seen, stream: gen() };
}

test('stdin is streamed: "From " and endless zeros stop at the one-mail limit, and the read stops there', { timeout: 60_000 }, async () => {
  const { seen, stream } = endless(Buffer.from('From x\n\n'), Buffer.alloc(1 << 20));
  const r = await runCli(['-'], { stdin: stream });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'patch-review: <stdin>: message 1 is larger than 64 MiB, the limit for one mail (not a patch anyone can review)\n');
  assert.ok(seen.bytes <= (64 << 20) + (2 << 20), `${seen.bytes} bytes read`);
  assert.ok(seen.closed, 'stdin left open');
});

test('stdin is streamed through the gzip bound: endless compressed zeros are refused after a few MiB of input', { timeout: 60_000 }, async () => {
  // Gzip members may follow each other: one member of 16 MiB of zeros, repeated for ever.
  const member = gzipSync(Buffer.alloc(16 << 20), { level: 9 });
  for (const [first, expect] of [
    [gzipSync(Buffer.from('From x\n\n')), /^patch-review: <stdin>: (gzip data expands more than 50 times|message 1 is larger than 64 MiB)/],
    [member, /^patch-review: <stdin>: binary data/],
  ] as const) {
    const { seen, stream } = endless(first, member);
    const r = await runCli(['-'], { stdin: stream });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, expect);
    assert.equal(r.stderr.split('\n').length, 2);
    // 64 MiB of output is about 64 KiB of these members; the rest is read-ahead.
    assert.ok(seen.bytes < 4 << 20, `${seen.bytes} compressed bytes read`);
    assert.ok(seen.closed, 'stdin left open');
  }
});

test('the real process stops reading a pipe at the limit: the writer gets EPIPE long before the end', { timeout: 120_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const { ROOT } = await import('../helpers.js');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'patch-review.js'), '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => {}); // EPIPE once the reader gives up: the point of the test
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  let written = 0;
  let open = true;
  child.on('exit', () => (open = false));
  const zeros = Buffer.alloc(1 << 20);
  child.stdin.write('From x\n\n');
  // Up to 1 GiB: the reader must give up long before.
  while (open && written < 1 << 30) {
    written += zeros.length;
    if (!child.stdin.write(zeros)) await new Promise((res) => { child.stdin.once('drain', res); child.once('exit', res); });
  }
  child.stdin.destroy();
  assert.equal(await exited, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^patch-review: <stdin>: message 1 is larger than 64 MiB[^\n]*\n$/);
  assert.ok(written < 256 << 20, `${written} bytes written before the reader stopped`);
});
