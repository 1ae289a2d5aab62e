// Inputs (files, folders, stdin, git ranges) → a stream of ingested items, in input order.
// Files are read with the synchronous calls: a review runs them one after another anyway, and
// node:fs/promises (with the stream and readline modules it loads) costs every run start-up time.
import { readdirSync, statSync, readFileSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Patch, SubjectPrefix } from '../model/patch.js';
import { InputError } from '../model/errors.js';
import { cannotRead } from '../io/read-error.js';
import { parseMail } from './mail.js';
import { extractPatch, type SkipReason } from './extract.js';
import { isGzip, looksLikeMbox, splitMbox, readFileHead, counted } from './mbox.js';
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
/** Plain files up to this size are read whole; bigger ones and all gzip input are streamed. */
const READ_WHOLE = 8 * 1024 * 1024;
const FOLDER_FILES = /\.(patch|diff|eml|mbox|mbx|txt)(\.gz)?$/i;

export interface InputSource {
  /** Path, "-" for stdin. */
  name: string;
  /** How "-" is named in messages (default "<stdin>"). */
  label?: string;
  /** Standard input as it arrives: it is read only as far as the review gets. */
  readStdin?: () => AsyncIterable<Buffer>;
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
    if (!src.readStdin) throw new InputError(src.label ?? '<stdin>', 'no standard input');
    yield* readStream(src.readStdin(), src.label ?? '<stdin>', mail);
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
  if (!isGzip(head) && !looksLikeMbox(head) && st.size > MAX_SINGLE_FILE) {
    throw new InputError(path, `file is ${Math.round(st.size / 1048576)} MiB; a single patch or mail is limited to ${MAX_SINGLE_FILE / 1048576} MiB (pass large collections as an mbox)`);
  }
  // Small plain files are read whole; gzip and big mboxes are streamed, so an archive of
  // 25,000 mails never sits in memory at once.
  const chunks = !isGzip(head) && st.size <= READ_WHOLE ? bufferChunks(readWhole(path)) : createReadStream(path, { highWaterMark: 1 << 20 });
  yield* readStream(onRead ? counted(chunks, onRead) : chunks, path, mail);
}

function readWhole(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw cannotRead(path, e);
  }
}

/**
 * Any input as a byte stream, files and stdin alike: gzip is expanded with its bound, an mbox
 * is split as it arrives with its per-mail limit, and anything else is read up to the
 * single-file limit. Reading stops as soon as a limit is crossed.
 */
async function* readStream(source: AsyncIterable<Buffer>, name: string, mail: MailHandler): AsyncGenerator<IngestItem | RawMailItem> {
  let { head, rest } = await peek(source, 8);
  if (head.length === 0) throw new InputError(name, 'empty input');
  if (isGzip(head)) {
    ({ head, rest } = await peek(gunzipBounded(rest, name), SNIFF_BYTES));
    if (head.length === 0) throw new InputError(name, 'empty input');
  }
  if (looksLikeMbox(head)) {
    let n = 0;
    for await (const raw of splitMbox(rest, name)) {
      n++;
      yield* mail(raw, `${name}#${n}`);
    }
    return;
  }
  // Binary data is refused from its first bytes, before any more of it is read.
  ({ head, rest } = await peek(rest, SNIFF_BYTES));
  if (looksBinary(head)) {
    await rest.return();
    throw new InputError(name, 'binary data: not a patch, a mail or an mbox');
  }
  const buf = await readUpTo(rest, name);
  const raw = parseRawDiff(buf, name);
  if (raw) {
    yield { kind: 'patch', patch: raw };
    return;
  }
  yield* mail(buf, name);
}

/** Bytes looked at to tell binary data and mbox apart from a patch. */
const SNIFF_BYTES = 8192;

/** The stream after a peek: its return() lets go of the source even when it was never iterated. */
type Rest = AsyncIterableIterator<Buffer> & { return(): Promise<IteratorResult<Buffer>> };

/** The first `n` bytes (fewer at the end), and the whole stream again, head included. */
async function peek(source: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; rest: Rest }> {
  const it = source[Symbol.asyncIterator]();
  const got: Buffer[] = [];
  let size = 0;
  while (size < n) {
    const r = await it.next();
    if (r.done) break;
    got.push(r.value);
    size += r.value.length;
  }
  let pending: Buffer | null = got.length === 1 ? got[0]! : Buffer.concat(got, size);
  const head = pending.subarray(0, n);
  if (pending.length === 0) pending = null;
  const rest: Rest = {
    [Symbol.asyncIterator]: () => rest,
    next: async () => {
      if (!pending) return it.next();
      const value = pending;
      pending = null;
      return { value, done: false };
    },
    // Stops the source (a file stream, stdin) when the reader gives up early.
    return: async () => {
      pending = null;
      await it.return?.();
      return { value: undefined, done: true };
    },
  };
  return { head, rest };
}

/** All of a stream that is one patch or mail: an input error as soon as it is past the limit. */
async function readUpTo(chunks: AsyncIterable<Buffer>, name: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of chunks) {
    size += c.length;
    if (size > MAX_SINGLE_FILE) {
      throw new InputError(name, `input is over ${MAX_SINGLE_FILE / 1048576} MiB; a single patch or mail is limited to ${MAX_SINGLE_FILE / 1048576} MiB (pass large collections as an mbox)`);
    }
    parts.push(c);
  }
  return Buffer.concat(parts, size);
}

/** A buffer as a stream of one chunk (a file read whole, git output). */
export async function* bufferChunks(buf: Buffer): AsyncGenerator<Buffer> {
  if (buf.length > 0) yield buf;
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

function readHeadSafe(path: string): Buffer {
  try {
    return readFileHead(path);
  } catch (e) {
    throw new InputError(path, `cannot open (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
