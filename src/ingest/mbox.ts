// Streams messages out of an mbox / mboxrd, plain or gzip, in constant memory per message.
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { InputError } from '../model/errors.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const SEP = Buffer.from('\nFrom ');

export function isGzip(head: Uint8Array): boolean {
  return head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/** True when the text starts like an mbox ("From " line). */
export function looksLikeMbox(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(0, 5)).toString('latin1') === 'From ';
}

/**
 * Splits a byte stream into raw messages. A message starts at a "From " line at the start
 * of the input or after a blank line. mboxrd quoting (">From ", ">>From "…) is undone.
 */
export async function* splitMbox(chunks: AsyncIterable<Buffer>, inputName: string): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let started = false;
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    if (!started) {
      if (pending.length < 5) continue;
      started = true;
      if (pending.subarray(0, 5).toString('latin1') !== 'From ') {
        throw new InputError(inputName, 'not an mbox: it does not start with a "From " line');
      }
    }
    let searchFrom = 1;
    for (;;) {
      const at = findSeparator(pending, searchFrom);
      if (at < 0) break;
      yield finishMessage(pending.subarray(0, at + 1));
      pending = pending.subarray(at + 1);
      searchFrom = 1;
    }
    // Keep the incomplete tail; copy so that the big chunk it came from can be freed.
    pending = Buffer.from(pending);
  }
  if (pending.length > 0) yield finishMessage(pending);
}

/** Index of the "\n" before a "From " line that follows an empty line, or -1. */
function findSeparator(buf: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const at = buf.indexOf(SEP, i);
    if (at < 0) return -1;
    if (at >= 1 && buf[at - 1] === 0x0a) return at;
    if (at >= 2 && buf[at - 1] === 0x0d && buf[at - 2] === 0x0a) return at;
    i = at + 1;
  }
}

/** Drops the "From " envelope line and undoes mboxrd ">From " quoting. */
function finishMessage(msg: Buffer): Buffer {
  const nl = msg.indexOf(0x0a);
  let body = nl < 0 ? Buffer.alloc(0) : msg.subarray(nl + 1);
  if (body.indexOf('>From ') >= 0) {
    body = Buffer.from(body.toString('latin1').replace(/^>(>*From )/gm, '$1'), 'latin1');
  }
  return body;
}

/** Opens a file as a byte stream, transparently gunzipping. */
export async function openMaybeGzip(path: string): Promise<AsyncIterable<Buffer>> {
  const head = readFileHead(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (!isGzip(head)) return raw;
  // zlib is loaded only for gzip input: a review of one patch never needs it.
  // Output chunks of 128 KiB with 1 MiB buffered ahead: zlib works on the thread pool while this
  // thread parses mail, instead of a round trip per default 16 KiB chunk with the parser waiting
  // on each. Bigger buffers gain little speed and cost tens of MB of garbage Buffers on archives.
  const gunzip = (process.getBuiltinModule('node:zlib') as typeof import('node:zlib')).createGunzip({ chunkSize: 128 * 1024, highWaterMark: 1 << 20 } as import('node:zlib').ZlibOptions);
  raw.on('error', (e) => gunzip.destroy(e));
  return wrapGzipErrors(raw.pipe(gunzip), path);
}

async function* wrapGzipErrors(stream: Readable, path: string): AsyncGenerator<Buffer> {
  try {
    for await (const c of stream) yield c as Buffer;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || /unexpected end|incorrect header|invalid/i.test(String((e as Error).message))) {
      throw new InputError(path, `corrupt or truncated gzip data (${(e as Error).message})`);
    }
    throw e;
  }
}

/** The first bytes of a file (format sniffing: gzip magic, "From "). */
export function readFileHead(path: string, n = 8): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}
