import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitMbox } from '../../src/ingest/mbox.js';
import { readInput, type IngestItem } from '../../src/ingest/read-input.js';
import { InputError } from '../../src/model/errors.js';

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const mail = (n: number, subject: string, body: string) =>
  `From dev@example.org Mon Mar  2 10:00:00 2026\nFrom: Dev <dev@example.org>\nMessage-ID: <m${n}@example.org>\nSubject: ${subject}\n\n${body}\n\n`;
const patchBody = (file: string) => `Text.\n\nSigned-off-by: Dev <dev@example.org>\n---\ndiff --git a/${file} b/${file}\n--- a/${file}\n+++ b/${file}\n@@ -1 +1 @@\n-a\n+b\n`;

const mbox = Buffer.from(
  mail(1, '[PATCH 0/2] cover', 'A cover letter.') +
    mail(2, '[PATCH 1/2] one', patchBody('drivers/vhost/a.c') + '\n>From the mboxrd quoting\n>>From twice') +
    mail(3, 'Re: [PATCH 1/2] one', '> diff --git a/x b/x\nReviewed-by: X <x@y>') +
    mail(4, '[PATCH 2/2] two', patchBody('drivers/vhost/b.c')),
);

test('splitMbox: messages split at "From " after a blank line, whatever the chunk size', async () => {
  for (const size of [1, 7, 64, 1 << 20]) {
    const msgs = await collect(splitMbox(chunks(mbox, size), 'x'));
    assert.equal(msgs.length, 4, `chunk size ${size}`);
    assert.ok(msgs[1]!.toString().includes('\nFrom the mboxrd quoting\n>From twice'), 'mboxrd unescaped one level');
    assert.ok(msgs[0]!.toString().startsWith('From: Dev'), 'envelope line dropped');
  }
});

test('splitMbox: input that is not an mbox is an input error', async () => {
  await assert.rejects(collect(splitMbox(chunks(Buffer.from('hello world\n'), 4), 'x.mbox')), InputError);
});

test('readInput: plain and gzip mbox give the same patches; replies and cover letters are counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pr-mbox-'));
  writeFileSync(join(dir, 's.mbox'), mbox);
  writeFileSync(join(dir, 's.mbox.gz'), gzipSync(mbox));
  for (const name of ['s.mbox', 's.mbox.gz']) {
    const items: IngestItem[] = await collect(readInput({ name: join(dir, name) }));
    const patches = items.filter((i) => i.kind === 'patch');
    const skipped = items.filter((i) => i.kind === 'skipped').map((i) => (i.kind === 'skipped' ? i.reason : ''));
    assert.deepEqual(patches.map((p) => (p.kind === 'patch' ? p.patch.subject : '')), ['one', 'two']);
    assert.deepEqual(skipped.sort(), ['cover-letter', 'reply']);
  }
});

test('readInput: a truncated gzip file is an input error naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pr-mbox-'));
  const gz = gzipSync(mbox);
  const p = join(dir, 'cut.mbox.gz');
  writeFileSync(p, gz.subarray(0, gz.length - 40));
  await assert.rejects(collect(readInput({ name: p })), (e: unknown) => e instanceof InputError && e.message.includes('cut.mbox.gz'));
});
