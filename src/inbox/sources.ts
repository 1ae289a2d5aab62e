// What a SOURCE of `inbox index` is, and how much of it is new since the last run.
// mbox/mboxrd (plain or gzip), a public-inbox v2 repository (or one epoch), or a Maildir.
import { createReadStream, statSync, openSync, readSync, closeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { InputError } from '../model/errors.js';
import { cannotRead } from '../io/read-error.js';
import { isGzip, looksLikeMbox, openMaybeGzip, splitMbox } from '../ingest/mbox.js';
import { epochsOf, newCommits, mailsOfCommits } from './public-inbox.js';
import { isMaildir, maildirMails } from './maildir.js';

export type SourceKind = 'mbox' | 'public-inbox' | 'maildir';

export function detectSource(path: string): SourceKind {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw cannotRead(path, e, { byCode: { ENOENT: 'no such file or directory' } });
  }
  if (st.isDirectory()) {
    if (epochsOf(path).length > 0) return 'public-inbox';
    if (isMaildir(path)) return 'maildir';
    throw new InputError(path, 'a directory that is neither a public-inbox v2 repository (git/N.git) nor a Maildir (cur/, new/)');
  }
  const head = readHead(path, 8);
  if (head.length === 0) throw new InputError(path, 'empty file');
  if (!isGzip(head) && !looksLikeMbox(head)) throw new InputError(path, 'not an mbox (it does not start with a "From " line) nor a gzip file');
  return 'mbox';
}

function readHead(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** One mail from a source; `seenKey` is set for Maildir files. */
export interface SourceMail {
  raw: Buffer;
  /** "archive.mbox.gz#12", "inbox git/0.git <commit>", "Maildir/cur/<file>". */
  where: string;
  seenKey?: string;
}

/** Per-source bookkeeping kept in the index between runs. */
export interface MboxState {
  size?: number;
  mtimeMs?: number;
  head?: string;
  gzip?: boolean;
}
export interface PublicInboxState {
  epochs?: Record<string, string>;
}

export interface SourceReader {
  /** Nothing changed since the last run: the source was not read at all. */
  unchanged: boolean;
  mails: AsyncGenerator<SourceMail>;
  /** The state to keep once every mail has been indexed. */
  nextState: () => unknown;
}

const HEAD_BYTES = 4096;

export async function mboxReader(path: string, state: MboxState): Promise<SourceReader> {
  const st = statSync(path);
  const headBuf = readHead(path, HEAD_BYTES);
  const head = createHash('sha256').update(headBuf).digest('hex');
  const gzip = isGzip(headBuf);
  const next: MboxState = { size: st.size, mtimeMs: st.mtimeMs, head, gzip };
  if (state.size === st.size && state.mtimeMs === st.mtimeMs && state.head === head) {
    return { unchanged: true, mails: (async function* () {})(), nextState: () => next };
  }
  // An mbox that only grew (lei q --augment, a mail client appending): read from where we stopped.
  let start = 0;
  if (!gzip && state.head === head && state.size !== undefined && st.size > state.size && readAt(path, state.size, 5) === 'From ') start = state.size;
  async function* mails(): AsyncGenerator<SourceMail> {
    const chunks = start > 0 ? createReadStream(path, { start, highWaterMark: 1 << 20 }) : await openMaybeGzip(path);
    let n = 0;
    for await (const raw of splitMbox(chunks as AsyncIterable<Buffer>, path)) yield { raw, where: `${path}#${start > 0 ? `@${start}+` : ''}${++n}` };
  }
  return { unchanged: false, mails: mails(), nextState: () => next };
}

function readAt(path: string, offset: number, n: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, offset);
    return buf.subarray(0, got).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

export async function publicInboxReader(path: string, state: PublicInboxState): Promise<SourceReader> {
  const tips: Record<string, string> = { ...(state.epochs ?? {}) };
  const plans: { name: string; gitDir: string; commits: string[]; tip: string | null }[] = [];
  for (const e of epochsOf(path)) {
    const { commits, tip } = await newCommits(e.gitDir, tips[e.name]);
    plans.push({ ...e, commits, tip });
  }
  const unchanged = plans.every((p) => p.commits.length === 0);
  async function* mails(): AsyncGenerator<SourceMail> {
    for (const p of plans) {
      for await (const { commit, raw } of mailsOfCommits(p.gitDir, p.commits)) yield { raw, where: `${p.gitDir} ${commit}` };
      if (p.tip) tips[p.name] = p.tip;
    }
  }
  return { unchanged, mails: mails(), nextState: () => ({ epochs: tips }) };
}

export async function maildirReader(path: string, seen: (name: string) => boolean): Promise<SourceReader> {
  async function* mails(): AsyncGenerator<SourceMail> {
    for await (const m of maildirMails(path, seen)) yield { raw: m.raw, where: m.path, seenKey: m.name };
  }
  return { unchanged: false, mails: mails(), nextState: () => ({}) };
}
