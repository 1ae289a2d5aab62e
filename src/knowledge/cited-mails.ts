// The list corpus as lint needs it: every Message-ID it holds (does a citation exist?) and, for
// the cited ones only, the decoded mail (what does the citation say?). Streams the mboxes once.
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openMaybeGzip, splitMbox } from '../ingest/mbox.js';
import { parseMail } from '../ingest/mail.js';
import { firstHeader, parseMessageIds, decodeHeaderValue } from '../ingest/headers.js';
import { InputError } from '../model/errors.js';

export interface CitedMail {
  messageId: string;
  subject: string;
  /** The mail this one replies to, when it says. */
  inReplyTo?: string;
  body: string;
}

export interface CorpusView {
  ids: Set<string>;
  mails: Map<string, CitedMail>;
  /** Patch titles some mail in the corpus reverts ('Revert "title"'), each with those mails' ids. */
  reverts: Map<string, string[]>;
}

/** A patch subject without "Re:" and "[PATCH v2 1/3]" prefixes, compared case-insensitively. */
export function patchTitle(subject: string): string {
  let t = subject.replace(/\s+/g, ' ').trim();
  for (let prev = ''; prev !== t; ) {
    prev = t;
    t = t.replace(/^(?:(?:re|aw|fwd?)\s*:\s*|\[[^\]]*\]\s*)/i, '');
  }
  return t.toLowerCase();
}

const SUBJECT = /^subject:[ \t]*(.*(?:\r?\n[ \t]+.*)*)/im;
/** 'Revert "title"', also after a subsystem prefix ('virtio_net: Revert "…"'). */
const REVERT = /^(?:[\w/.-]+:\s*)?revert\s+"(.+)"\s*$/i;
/** The same in a pull request's shortlog or a commit list, one per line; quoted lines do not count. */
const REVERT_LINE = /^[ \t]*(?:[\w/.-]+:[ \t]*)?Revert "(.+)"[ \t]*$/gm;

/** Records what a mail reverts: a revert patch (its subject) or a pull request listing reverts. */
function noteReverts(raw: Buffer, headerEnd: number, id: string, reverts: Map<string, string[]>): void {
  if (raw.indexOf('evert') < 0) return;
  const add = (title: string) => {
    const t = patchTitle(title);
    const ids = reverts.get(t) ?? [];
    if (!ids.includes(id)) reverts.set(t, [...ids, id]);
  };
  const head = raw.subarray(0, Math.min(headerEnd, 65536)).toString('latin1');
  const subject = SUBJECT.exec(head);
  const title = subject ? patchTitle(decodeHeaderValue(subject[1]!)) : '';
  const reverted = REVERT.exec(title);
  if (reverted && !/^re:/i.test(subject![1]!.trim())) add(reverted[1]!);
  // Pull requests list the commits they carry; a listed revert is a revert on its way upstream.
  if (subject && /\bpull\b/i.test(subject[1]!)) for (const m of raw.toString('latin1', headerEnd).matchAll(REVERT_LINE)) add(m[1]!);
}

const MID = /^message-id:[ \t]*(?:\r?\n[ \t]+)?<([^>\s]+)>/im;

function mboxFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, 'corpus directory does not exist');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(mbox|mbox\.gz|mbx)$/.test(e.name)) files.push(p);
    }
  };
  walk(dir);
  if (files.length === 0) throw new InputError(dir, 'no .mbox or .mbox.gz files in the corpus directory');
  return files;
}

/** Reads the corpus: all Message-IDs, and the mails whose ids are in `wanted`. */
export async function readCorpus(dir: string, wanted: ReadonlySet<string> = new Set()): Promise<CorpusView> {
  const ids = new Set<string>();
  const mails = new Map<string, CitedMail>();
  const reverts = new Map<string, string[]>();
  for (const f of mboxFiles(dir)) {
    for await (const raw of splitMbox(await openMaybeGzip(f), f)) {
      // Headers end at the first blank line; only that part is decoded unless the mail is wanted.
      let end = raw.indexOf('\n\n');
      if (end < 0) end = raw.length;
      const m = MID.exec(raw.subarray(0, Math.min(end, 65536)).toString('latin1'));
      if (!m) continue;
      const id = m[1]!;
      ids.add(id);
      noteReverts(raw, end, id, reverts);
      if (!wanted.has(id) || mails.has(id)) continue;
      const mail = parseMail(raw);
      const inReplyTo = parseMessageIds(firstHeader(mail.headers, 'in-reply-to'))[0];
      mails.set(id, { messageId: id, subject: decodeHeaderValue(firstHeader(mail.headers, 'subject') ?? ''), ...(inReplyTo ? { inReplyTo } : {}), body: mail.body });
    }
  }
  return { ids, mails, reverts };
}
