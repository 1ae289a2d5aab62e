// Inputs (files, folders, stdin, git ranges) → a stream of ingested items, in input order.
import { readdir, stat, readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { Patch, SubjectPrefix } from '../model/patch.js';
import { InputError } from '../model/errors.js';
import { parseMail } from './mail.js';
import { extractPatch, type SkipReason } from './extract.js';
import { isGzip, looksLikeMbox, openMaybeGzip, splitMbox, readFileHead } from './mbox.js';
import { parseRawDiff } from './raw-diff.js';

export type IngestItem =
  | { kind: 'patch'; patch: Patch }
  | { kind: 'skipped'; source: string; reason: SkipReason; subject: string; messageId: string | null; prefix: SubjectPrefix };

/** A single non-mbox file bigger than this is refused: no real patch is that large. */
export const MAX_SINGLE_FILE = 64 * 1024 * 1024;
const FOLDER_FILES = /\.(patch|diff|eml|mbox|mbx|txt)(\.gz)?$/i;

export interface InputSource {
  /** Path, "-" for stdin. */
  name: string;
  /** How "-" is named in messages (default "<stdin>"). */
  label?: string;
  readStdin?: () => Promise<Buffer>;
}

export async function* readInput(src: InputSource): AsyncGenerator<IngestItem> {
  if (src.name === '-') {
    const buf = await (src.readStdin ?? (() => Promise.reject(new Error('no stdin'))))();
    yield* readBuffer(buf, src.label ?? '<stdin>');
    return;
  }
  let st;
  try {
    st = await stat(src.name);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(src.name, code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code ?? 'error'})`);
  }
  if (st.isDirectory()) {
    const names = (await readdir(src.name)).filter((n) => FOLDER_FILES.test(n)).sort();
    if (names.length === 0) throw new InputError(src.name, 'folder holds no *.patch, *.diff, *.eml or *.mbox files');
    for (const n of names) yield* readFileInput(join(src.name, n));
    return;
  }
  yield* readFileInput(src.name);
}

async function* readFileInput(path: string): AsyncGenerator<IngestItem> {
  const head = await readHeadSafe(path);
  if (head.length === 0) throw new InputError(path, 'empty file');
  if (isGzip(head) || looksLikeMbox(head)) {
    // Streamed: an archive of 25,000 mails never sits in memory at once.
    let n = 0;
    const chunks = await openMaybeGzip(path);
    for await (const raw of splitMbox(chunks, path)) {
      n++;
      yield* mailToItems(raw, `${path}#${n}`);
    }
    return;
  }
  const st = await stat(path);
  if (st.size > MAX_SINGLE_FILE) {
    throw new InputError(path, `file is ${Math.round(st.size / 1048576)} MiB; a single patch or mail is limited to ${MAX_SINGLE_FILE / 1048576} MiB (pass large collections as an mbox)`);
  }
  yield* readBuffer(await readFile(path), path);
}

async function* readBuffer(buf: Buffer, name: string): AsyncGenerator<IngestItem> {
  if (buf.length === 0) throw new InputError(name, 'empty input');
  if (isGzip(buf)) {
    try {
      buf = gunzipSync(buf, { maxOutputLength: 1 << 30 });
    } catch (e) {
      throw new InputError(name, `corrupt or truncated gzip data (${(e as Error).message})`);
    }
  }
  if (looksLikeMbox(buf)) {
    let n = 0;
    for await (const raw of splitMbox(once(buf), name)) {
      n++;
      yield* mailToItems(raw, `${name}#${n}`);
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
  yield* mailToItems(buf, name);
}

function* mailToItems(raw: Buffer, source: string): Generator<IngestItem> {
  const r = extractPatch(parseMail(raw), source);
  if ('patch' in r) yield { kind: 'patch', patch: r.patch };
  else yield { kind: 'skipped', source, reason: r.skipped, subject: r.subject, messageId: r.messageId, prefix: r.prefix };
}

/** NUL bytes in the first 8 KiB: a binary file (mail and diffs never contain NUL). */
function looksBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

async function* once(buf: Buffer): AsyncGenerator<Buffer> {
  yield buf;
}

async function readHeadSafe(path: string): Promise<Buffer> {
  try {
    return readFileHead(path);
  } catch (e) {
    throw new InputError(path, `cannot open (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
