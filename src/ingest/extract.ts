// Mail text → Patch: where the commit message ends and the diff begins.
import type { Patch, SubjectPrefix } from '../model/patch.js';
import { decodeHeaderValue, firstHeader, parseMessageIds } from './headers.js';
import type { MailText } from './mail.js';
import { parseSubject, isPatchSubject } from './subject.js';
import { parseTrailers } from './trailers.js';
import { splitAddressList } from './address-list.js';
import { isDiffStart } from '../diff/prepass.js';

export type SkipReason = 'reply' | 'cover-letter' | 'no-diff';

export type Extracted = { patch: Patch } | { skipped: SkipReason; subject: string; messageId: string | null; prefix: SubjectPrefix };

/**
 * Finds the first diff header. In a format-patch mail the commit message ends at the first
 * "---" line, so a diff quoted in the commit message above it never counts as the patch.
 */
export function locateDiff(lines: string[]): { messageEnd: number; diffStart: number } | null {
  const sep = lines.findIndex((l) => l === '---' || l === '--- ');
  const from = sep >= 0 && !isDiffStart(lines, sep) ? sep + 1 : 0;
  for (let i = from; i < lines.length; i++) {
    if (isDiffStart(lines, i)) return { messageEnd: sep >= 0 && sep < i ? sep : i, diffStart: i };
  }
  return null;
}

export function extractPatch(mail: MailText, source: string): Extracted {
  // Decoded words may carry control characters (even a newline): a subject is one line.
  const rawSubject = decodeHeaderValue(firstHeader(mail.headers, 'subject') ?? '').replace(/[\x00-\x1f\x7f]+/g, ' ').trim();
  const { subject, prefix } = parseSubject(rawSubject);
  const lines = mail.body.split('\n');
  const located = locateDiff(lines);
  const messageId = parseMessageIds(firstHeader(mail.headers, 'message-id'))[0] ?? null;
  if (prefix.reply) return { skipped: 'reply', subject: rawSubject, messageId, prefix };
  if (!located) {
    return { skipped: isPatchSubject(prefix) ? 'cover-letter' : 'no-diff', subject: rawSubject, messageId, prefix };
  }
  const commitMessage = trimBlank(lines.slice(0, located.messageEnd)).join('\n');
  const diff = lines.slice(located.diffStart).join('\n');
  const fromHeader = decodeHeaderValue(firstHeader(mail.headers, 'from') ?? '');
  const { message, author } = inBodyFrom(commitMessage, fromHeader);
  return {
    patch: {
      source,
      subject,
      rawSubject,
      prefix,
      messageId,
      inReplyTo: parseMessageIds(firstHeader(mail.headers, 'in-reply-to'))[0] ?? null,
      references: parseMessageIds(firstHeader(mail.headers, 'references')),
      author,
      to: addresses(mail.headers.get('to')),
      cc: addresses(mail.headers.get('cc')),
      date: firstHeader(mail.headers, 'date') ?? '',
      commitMessage: message,
      trailers: parseTrailers(message),
      diff,
      transport: { flowed: mail.flowed, damagedEncoding: mail.damagedEncoding },
    },
  };
}

/** The entries of every header of that name, split before decoding (a decoded name may hold a comma). */
function addresses(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => splitAddressList(v)).map((a) => decodeHeaderValue(a).replace(/[\x00-\x1f\x7f]+/g, ' ').trim());
}

/** A "From: Real Author" first line in the body overrides the sender (git am does the same). */
function inBodyFrom(message: string, fromHeader: string): { message: string; author: string } {
  const m = /^From: (.+)\n(?:Date: .*\n)?(?:Subject: .*\n)?\n?/.exec(message);
  if (m) return { message: message.slice(m[0].length), author: m[1]!.trim() };
  return { message, author: fromHeader.trim() };
}

function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
}
