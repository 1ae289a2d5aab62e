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
  for (const f of mboxFiles(dir)) {
    for await (const raw of splitMbox(await openMaybeGzip(f), f)) {
      // Headers end at the first blank line; only that part is decoded unless the mail is wanted.
      let end = raw.indexOf('\n\n');
      if (end < 0) end = raw.length;
      const m = MID.exec(raw.subarray(0, Math.min(end, 65536)).toString('latin1'));
      if (!m) continue;
      const id = m[1]!;
      ids.add(id);
      if (!wanted.has(id) || mails.has(id)) continue;
      const mail = parseMail(raw);
      const inReplyTo = parseMessageIds(firstHeader(mail.headers, 'in-reply-to'))[0];
      mails.set(id, { messageId: id, subject: decodeHeaderValue(firstHeader(mail.headers, 'subject') ?? ''), ...(inReplyTo ? { inReplyTo } : {}), body: mail.body });
    }
  }
  return { ids, mails };
}
