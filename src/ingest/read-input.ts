// Inputs (files, folders, stdin, git ranges) → a stream of ingested items, in input order.
// Files are read with the synchronous calls: a review runs them one after another anyway, and
// node:fs/promises (with the stream and readline modules it loads) costs every run start-up time.
import { readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Patch, SubjectPrefix } from '../model/patch.js';
import { InputError } from '../model/errors.js';
import { cannotRead } from '../io/read-error.js';
import { parseMail } from './mail.js';
import { extractPatch, type SkipReason } from './extract.js';
import { isGzip, looksLikeMbox, openMaybeGzip, splitMbox, readFileHead } from './mbox.js';
import { gunzipBounded } from './gunzip.js';
import { parseRawDiff } from './raw-diff.js';

export type IngestItem =
  | { kind: 'patch'; patch: Patch }
  | { kind: 'skipped'; source: string; reason: SkipReason; subject: string; messageId: string | null; prefix: SubjectPrefix };

/** A mail not parsed yet (readInput with rawMail): --jobs has its workers parse mail too. */
export interface RawMailItem {
  kind: 'mail';
  raw: Buffer;
  source: string;
}

/** A single non-mbox file bigger than this is refused: no real patch is that large. */
export const MAX_SINGLE_FILE = 64 * 1024 * 1024;
/** Plain files up to this size are read whole; bigger mboxes and all gzip input are streamed. */
const READ_WHOLE = 8 * 1024 * 1024;
const FOLDER_FILES = /\.(patch|diff|eml|mbox|mbx|txt)(\.gz)?$/i;

export interface InputSource {
  /** Path, "-" for stdin. */
  name: string;
  /** How "-" is named in messages (default "<stdin>"). */
  label?: string;
  readStdin?: () => Promise<Buffer>;
  /** Told how many bytes of a file were read, as they are read (compressed bytes for gzip): progress. */
  onRead?: (bytes: number) => void;
}

/** The files a folder input stands for, in the order they are read. */
function folderFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => FOLDER_FILES.test(n)).sort();
}

/**
 * How many bytes reading these inputs takes (compressed bytes for gzip), or null when one is
 * stdin or cannot be looked at: the total a progress bar counts `onRead` bytes against.
 */
export function inputBytes(names: string[]): number | null {
  let n = 0;
  for (const name of names) {
    if (name === '-') return null;
    try {
      const st = statSync(name);
      n += st.isDirectory() ? folderFiles(name).reduce((sum, f) => sum + statSync(join(name, f)).size, 0) : st.size;
    } catch {
      return null;
    }
  }
  return n;
}

export function readInput(src: InputSource): AsyncGenerator<IngestItem>;
export function readInput(src: InputSource, opts: { rawMail: true }): AsyncGenerator<IngestItem | RawMailItem>;
export async function* readInput(src: InputSource, opts: { rawMail?: boolean } = {}): AsyncGenerator<IngestItem | RawMailItem> {
  const mail = opts.rawMail ? rawMailItem : mailToItems;
  if (src.name === '-') {
    const buf = await (src.readStdin ?? (() => Promise.reject(new Error('no stdin'))))();
    yield* readBuffer(buf, src.label ?? '<stdin>', mail);
    return;
  }
  let st;
  try {
    st = statSync(src.name);
  } catch (e) {
    throw cannotRead(src.name, e, { byCode: { ENOENT: 'no such file or directory' } });
  }
  if (st.isDirectory()) {
    const names = folderFiles(src.name);
    if (names.length === 0) throw new InputError(src.name, 'folder holds no *.patch, *.diff, *.eml or *.mbox files');
    for (const n of names) yield* readFileInput(join(src.name, n), mail, src.onRead);
    return;
  }
  yield* readFileInput(src.name, mail, src.onRead);
}

/** What becomes of one mail: parsed into an item, or passed on raw. */
type MailHandler = (raw: Buffer, source: string) => Iterable<IngestItem | RawMailItem>;

async function* readFileInput(path: string, mail: MailHandler, onRead?: (bytes: number) => void): AsyncGenerator<IngestItem | RawMailItem> {
  const head = readHeadSafe(path);
  if (head.length === 0) throw new InputError(path, 'empty file');
  const st = statSync(path);
  if (!isGzip(head) && st.size <= READ_WHOLE) {
    const buf = readWhole(path);
    onRead?.(buf.length);
    yield* readBuffer(buf, path, mail);
    return;
  }
  if (isGzip(head) || looksLikeMbox(head)) {
    // Streamed: an archive of 25,000 mails never sits in memory at once.
    let n = 0;
    const chunks = await openMaybeGzip(path, onRead);
    for await (const raw of splitMbox(chunks, path)) {
      n++;
      yield* mail(raw, `${path}#${n}`);
    }
    return;
  }
  if (st.size > MAX_SINGLE_FILE) {
    throw new InputError(path, `file is ${Math.round(st.size / 1048576)} MiB; a single patch or mail is limited to ${MAX_SINGLE_FILE / 1048576} MiB (pass large collections as an mbox)`);
  }
  const buf = readWhole(path);
  onRead?.(buf.length);
  yield* readBuffer(buf, path, mail);
}

function readWhole(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw cannotRead(path, e);
  }
}

async function* readBuffer(buf: Buffer, name: string, mail: MailHandler): AsyncGenerator<IngestItem | RawMailItem> {
  if (buf.length === 0) throw new InputError(name, 'empty input');
  if (isGzip(buf)) {
    // Streamed with the same expansion bound as a file: stdin is no easier a bomb.
    yield* readGzipBuffer(buf, name, mail);
    return;
  }
  if (looksLikeMbox(buf)) {
    let n = 0;
    for await (const raw of splitMbox(once(buf), name)) {
      n++;
      yield* mail(raw, `${name}#${n}`);
    }
    return;
  }
  if (buf.length > MAX_SINGLE_FILE) {
    throw new InputError(name, `input is ${Math.round(buf.length / 1048576)} MiB; a single patch or mail is limited to ${MAX_SINGLE_FILE / 1048576} MiB`);
  }
  if (looksBinary(buf)) throw new InputError(name, 'binary data: not a patch, a mail or an mbox');
  const raw = parseRawDiff(buf, name);
  if (raw) {
    yield { kind: 'patch', patch: raw };
    return;
  }
  yield* mail(buf, name);
}

/** Gzip data in memory (stdin): an mbox is split as it expands; anything else is read whole up to the single-file limit. */
async function* readGzipBuffer(buf: Buffer, name: string, mail: MailHandler): AsyncGenerator<IngestItem | RawMailItem> {
  const chunks = gunzipBounded(buf, name);
  const first = await chunks.next();
  if (first.done) throw new InputError(name, 'empty input');
  if (looksLikeMbox(first.value)) {
    let n = 0;
    for await (const raw of splitMbox(prepend(first.value, chunks), name)) {
      n++;
      yield* mail(raw, `${name}#${n}`);
    }
    return;
  }
  const parts = [first.value];
  let size = first.value.length;
  for await (const c of chunks) {
    size += c.length;
    if (size > MAX_SINGLE_FILE) {
      await chunks.return(undefined);
      throw new InputError(name, `input expands to over ${MAX_SINGLE_FILE / 1048576} MiB; a single patch or mail is limited to ${MAX_SINGLE_FILE / 1048576} MiB`);
    }
    parts.push(c);
  }
  yield* readBuffer(Buffer.concat(parts, size), name, mail);
}

async function* prepend(first: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* rest;
}

/** One mail → its patch, or why it was skipped. */
export function mailItem(raw: Buffer, source: string): IngestItem {
  const r = extractPatch(parseMail(raw), source);
  if ('patch' in r) return { kind: 'patch', patch: r.patch };
  return { kind: 'skipped', source, reason: r.skipped, subject: r.subject, messageId: r.messageId, prefix: r.prefix };
}

function mailToItems(raw: Buffer, source: string): IngestItem[] {
  return [mailItem(raw, source)];
}

function rawMailItem(raw: Buffer, source: string): RawMailItem[] {
  return [{ kind: 'mail', raw, source }];
}

/** NUL bytes in the first 8 KiB: a binary file (mail and diffs never contain NUL). */
function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

async function* once(buf: Buffer): AsyncGenerator<Buffer> {
  yield buf;
}

function readHeadSafe(path: string): Buffer {
  try {
    return readFileHead(path);
  } catch (e) {
    throw new InputError(path, `cannot open (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
