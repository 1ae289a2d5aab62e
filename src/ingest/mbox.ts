// Streams messages out of an mbox / mboxrd, plain or gzip, in constant memory per message.
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { gunzipBounded } from './gunzip.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const SEP = Buffer.from('\nFrom ');

export function isGzip(head: Uint8Array): boolean {
  return head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/** True when the text starts like an mbox ("From " line). */
export function looksLikeMbox(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(0, 5)).toString('latin1') === 'From ';
}

/** One message inside an mbox stream may be at most this large (a single file has the same limit). */
export const MAX_MAIL_BYTES = 64 * 1024 * 1024;

/**
 * Splits a byte stream into raw messages. A message starts at a "From " line at the start
 * of the input or after a blank line. mboxrd quoting (">From ", ">>From "…) is undone.
 * Linear: each byte is searched once (only a few bytes of overlap between chunks) and a
 * message's chunks are joined once, when it ends; a message over maxMail is an input error.
 */
export async function* splitMbox(chunks: AsyncIterable<Buffer>, inputName: string, maxMail = MAX_MAIL_BYTES): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  let started = false;
  let n = 0;
  // Bytes of the pending message already searched: a separator is "\n\nFrom " or "\n\r\nFrom ",
  // so a new search starts a few bytes before the end of what was searched.
  let searched = 0;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    parts.push(chunk);
    size += chunk.length;
    if (!started) {
      if (size < 5) continue;
      started = true;
      const head = parts.length === 1 ? chunk : Buffer.concat(parts);
      if (head.subarray(0, 5).toString('latin1') !== 'From ') {
        throw new InputError(inputName, 'not an mbox: it does not start with a "From " line');
      }
    }
    // Search only the new bytes plus a few before them (a separator spans at most 8 bytes).
    const from = Math.max(1, searched - 8);
    const rel = findSeparator(joinFrom(parts, from, size), 0);
    searched = size;
    if (rel >= 0) {
      const whole = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      let begin = 0;
      for (let at = from + rel; at >= 0; at = findSeparator(whole, begin + 1)) {
        n++;
        yield finishMessage(whole.subarray(begin, at + 1));
        begin = at + 1;
      }
      // Copy the rest so that the big buffer it came from can be freed.
      const rest = Buffer.from(whole.subarray(begin));
      parts = rest.length > 0 ? [rest] : [];
      size = searched = rest.length;
    }
    if (size > maxMail) {
      throw new InputError(inputName, `message ${n + 1} is larger than ${Math.round(maxMail / 1048576)} MiB, the limit for one mail (not a patch anyone can review)`);
    }
  }
  if (size > 0) yield finishMessage(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size));
}

/** Bytes [from, end) of the concatenation of parts, copying only the parts that overlap it. */
function joinFrom(parts: Buffer[], from: number, end: number): Buffer {
  let offset = end;
  let i = parts.length;
  while (i > 0 && offset > from) offset -= parts[--i]!.length;
  const slice = parts.slice(i);
  const joined = slice.length === 1 ? slice[0]! : Buffer.concat(slice);
  return joined.subarray(from - offset);
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

/** Opens a file as a byte stream, transparently gunzipping (with a bound on the expansion). */
export async function openMaybeGzip(path: string): Promise<AsyncIterable<Buffer>> {
  const head = readFileHead(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  return isGzip(head) ? gunzipBounded(raw, path) : raw;
}

/** The chunks as they are, telling `onRead` their sizes (progress). */
export async function* counted(chunks: AsyncIterable<Buffer>, onRead: (bytes: number) => void): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    onRead(c.length);
    yield c;
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
