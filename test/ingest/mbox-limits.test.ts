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
