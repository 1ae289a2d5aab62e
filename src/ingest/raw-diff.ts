// Inputs that are not mail: a plain unified diff, or `git show` / `git log -p` output.
import type { Patch } from '../model/patch.js';
import { isDiffStart } from '../diff/prepass.js';
import { parseTrailers } from './trailers.js';

const EMPTY_PREFIX = { tags: [], version: 1, index: null, total: null, rfc: false, reply: false };

export function parseRawDiff(buf: Buffer, source: string): Patch | null {
  // Mail is the common input: decide from the first lines before decoding the whole buffer.
  const head = firstLines(buf);
  if (head.length === 0) return null;
  const headLine = head[0]!;
  const commitHead = /^commit [0-9a-f]{7,64}\b/.test(headLine);
  if (!commitHead && !isDiffStart(head, 0) && !headLine.startsWith('Index: ')) return null;
  const text = buf.toString('utf8').replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  if (first >= lines.length) return null;
  const firstLine = lines[first] ?? '';
  if (isDiffStart(lines, first) || firstLine.startsWith('Index: ')) {
    return patchFromDiff(text.slice(text.indexOf(firstLine)), source);
  }
  // git show / git log -p: "commit <sha>", headers, an indented message, then the diff.
  const commit = /^commit ([0-9a-f]{7,64})\b/.exec(firstLine);
  if (!commit) return null;
  const diffAt = lines.findIndex((_, i) => i > first && isDiffStart(lines, i));
  if (diffAt < 0) return null;
  let author = '';
  let date = '';
  const msg: string[] = [];
  for (const l of lines.slice(first + 1, diffAt)) {
    if (l.startsWith('Author: ')) author = l.slice(8).trim();
    else if (l.startsWith('Date: ')) date = l.slice(6).trim();
    else if (l.startsWith('    ') || l === '') msg.push(l.replace(/^ {4}/, ''));
  }
  const message = msg.join('\n').trim();
  const subject = message.split('\n')[0] ?? '';
  const body = message.split('\n').slice(1).join('\n').trim();
  return patchFromDiff(lines.slice(diffAt).join('\n'), source, subject, author, date, body, commit[1]);
}

/** A patch made of a bare diff (and optionally its metadata): for diffs that are not mail. */
export function patchFromDiff(diff: string, source = '<diff>', subject = '', author = '', date = '', message = '', commit?: string): Patch {
  return {
    source: commit ? `${source} (commit ${commit.slice(0, 12)})` : source,
    subject,
    rawSubject: subject,
    prefix: { ...EMPTY_PREFIX, tags: [] },
    messageId: null,
    inReplyTo: null,
    references: [],
    author,
    date,
    commitMessage: message,
    trailers: parseTrailers(message),
    diff,
    transport: { flowed: false, damagedEncoding: false },
  };
}

/** The first three lines after any leading blank lines, decoded without the rest of the buffer. */
function firstLines(buf: Buffer): string[] {
  let at = 0;
  while (at < buf.length && (buf[at] === 0x20 || buf[at] === 0x09 || buf[at] === 0x0a || buf[at] === 0x0d)) at++;
  // Back to the start of the first non-blank line (its indentation belongs to it).
  while (at > 0 && buf[at - 1] !== 0x0a) at--;
  let end = at;
  for (let n = 0; n < 3 && end < buf.length; n++) {
    const nl = buf.indexOf(0x0a, end);
    end = nl < 0 ? buf.length : nl + 1;
  }
  if (at >= buf.length) return [];
  return buf.toString('utf8', at, end).replace(/\r\n?/g, '\n').split('\n');
}
