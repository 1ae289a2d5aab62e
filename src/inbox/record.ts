// One raw mail → what the index keeps of it. Reuses the review pipeline: the same mail parser,
// patch extraction and diff stage, so "the symbols a patch touches" means the same thing in an
// index as in a review.
import { createHash } from 'node:crypto';
import type { SubjectPrefix } from '../model/patch.js';
import { parseMail } from '../ingest/mail.js';
import { extractPatch } from '../ingest/extract.js';
import { parseSubject, isPatchSubject } from '../ingest/subject.js';
import { decodeHeaderValue, firstHeader, parseMessageIds } from '../ingest/headers.js';
import { analyzeDiff } from '../diff/facts.js';
import { senderOf, type Person } from './address.js';
import { patchSymbols, type WeightedSymbol } from './symbols.js';
import { analyzeReply, type ReplyAnalysis } from './reply-text.js';

export type MailKind = 'patch' | 'cover' | 'reply' | 'other';

export interface MailRecord {
  messageId: string;
  /** The mail had no Message-ID: the id is made up and has no lore link. */
  synthetic: boolean;
  /** In-Reply-To, else the last reference. */
  parent: string | null;
  references: string[];
  /** Unix seconds, or null when the Date header cannot be read. */
  date: number | null;
  from: Person | null;
  /** Subject without "Re:" and [..] prefixes. */
  subject: string;
  prefix: SubjectPrefix;
  kind: MailKind;
  patch?: { symbols: WeightedSymbol[]; files: string[] };
  /** Replies, cover letters and new discussions: what the text itself says. */
  text?: ReplyAnalysis;
}

export const SYNTHETIC_DOMAIN = '@patch-review.invalid';

/** Reads the Message-ID only (for skipping mails already indexed without parsing them). */
export function quickMessageId(raw: Buffer): string | null {
  let end = raw.indexOf('\n\n');
  if (end < 0) end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end < 0 ? Math.min(raw.length, 65536) : end).toString('latin1');
  const m = /^message-id:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(head);
  if (!m) return null;
  return parseMessageIds(m[1]!.replace(/\r?\n[ \t]+/g, ' '))[0] ?? null;
}

export function syntheticId(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 32) + SYNTHETIC_DOMAIN;
}

export function parseDate(value: string | undefined): number | null {
  if (!value) return null;
  const t = Date.parse(value.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim());
  return Number.isFinite(t) ? Math.floor(t / 1000) : null;
}

export function mailRecord(raw: Buffer, source: string): MailRecord {
  const mail = parseMail(raw);
  const h = mail.headers;
  const own = parseMessageIds(firstHeader(h, 'message-id'))[0];
  const references = parseMessageIds(h.get('references')?.join(' '));
  const inReplyTo = parseMessageIds(firstHeader(h, 'in-reply-to'))[0] ?? null;
  const rawSubject = decodeHeaderValue(firstHeader(h, 'subject') ?? '');
  const { subject, prefix } = parseSubject(rawSubject);
  const from = senderOf(decodeHeaderValue(firstHeader(h, 'from') ?? ''), h.has('reply-to') ? decodeHeaderValue(firstHeader(h, 'reply-to')!) : undefined);
  const rec: MailRecord = {
    messageId: own ?? syntheticId(raw),
    synthetic: own === undefined,
    parent: inReplyTo ?? references[references.length - 1] ?? null,
    references,
    date: parseDate(firstHeader(h, 'date')),
    from,
    subject,
    prefix,
    kind: 'other',
  };
  if (rec.parent === rec.messageId) rec.parent = null;
  const extracted = extractPatch(mail, source);
  if ('patch' in extracted) {
    rec.kind = 'patch';
    rec.patch = patchPart(extracted.patch);
    return rec;
  }
  rec.kind = extracted.skipped === 'reply' || (rec.parent !== null && !isPatchSubject(prefix)) ? 'reply' : extracted.skipped === 'cover-letter' ? 'cover' : 'other';
  rec.text = analyzeReply(mail.body);
  return rec;
}

function patchPart(patch: Parameters<typeof analyzeDiff>[0]): { symbols: WeightedSymbol[]; files: string[] } {
  try {
    const { files, facts } = analyzeDiff(patch);
    return { symbols: patchSymbols(facts), files: [...new Set(files.map((f) => f.path))] };
  } catch {
    // A diff the diff stage cannot read still leaves a patch in the thread.
    return { symbols: [], files: [] };
  }
}
