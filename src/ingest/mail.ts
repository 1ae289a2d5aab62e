// One raw RFC 2822 / MIME message → headers and the decoded text a patch can live in.
import { decodeBytes } from './charset.js';
import { type Headers, parseHeaderBlock, parseContentType, firstHeader, type ContentType } from './headers.js';

export interface MailText {
  headers: Headers;
  /** Decoded text of the inline body and of any patch attachments, in order, LF line ends. */
  body: string;
  /** A text part was format=flowed: a patch in it may have been re-wrapped. */
  flowed: boolean;
  /** A base64 part could not be fully decoded (truncated or corrupt). */
  damagedEncoding: boolean;
}

const MAX_DEPTH = 8;

/** Parses a whole message (bytes, any line ends). Never throws on malformed input. */
export function parseMail(raw: Buffer): MailText {
  const text = normalizeLineEnds(raw.toString('latin1'));
  const { headerBlock, bodyText } = splitHeaderBody(text);
  const headers = parseHeaderBlock(headerBlock);
  const out: MailText = { headers, body: '', flowed: false, damagedEncoding: false };
  const parts: string[] = [];
  collectParts(headers, bodyText, parts, out, 0);
  out.body = parts.join('\n');
  return out;
}

function normalizeLineEnds(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

function splitHeaderBody(text: string): { headerBlock: string; bodyText: string } {
  const sep = text.indexOf('\n\n');
  if (text.startsWith('\n')) return { headerBlock: '', bodyText: text.slice(1) };
  if (sep < 0) return { headerBlock: text, bodyText: '' };
  return { headerBlock: text.slice(0, sep), bodyText: text.slice(sep + 2) };
}

/** Parts worth reading for a patch: inline text, and attached patches/diffs. */
function isPatchBearing(ct: ContentType, disposition: string, filename: string): boolean {
  if (ct.type === 'text/plain') return true;
  if (ct.type === 'text/x-patch' || ct.type === 'text/x-diff' || ct.type === 'text/x-log') return true;
  if (ct.type.startsWith('text/') && /\.(patch|diff)$/i.test(filename)) return true;
  if (ct.type === 'application/octet-stream' && /\.(patch|diff)$/i.test(filename)) return true;
  if (ct.type === 'message/rfc822') return false;
  return disposition === '' && ct.type === 'text/x-c';
}

function collectParts(headers: Headers, bodyText: string, parts: string[], out: MailText, depth: number): void {
  const ct = parseContentType(firstHeader(headers, 'content-type'));
  if (ct.type.startsWith('multipart/') && depth < MAX_DEPTH) {
    const boundary = ct.params['boundary'];
    if (!boundary) {
      parts.push(decodeBody(bodyText, headers, ct, out));
      return;
    }
    const children = splitMultipart(bodyText, boundary);
    if (ct.type === 'multipart/alternative') {
      // Read only the plain-text alternative (the HTML one repeats it).
      const plain = children.find((c) => parseContentType(firstHeader(c.headers, 'content-type')).type === 'text/plain');
      const chosen = plain ?? children[0];
      if (chosen) collectParts(chosen.headers, chosen.body, parts, out, depth + 1);
      return;
    }
    for (const child of children) collectParts(child.headers, child.body, parts, out, depth + 1);
    return;
  }
  const disposition = (firstHeader(headers, 'content-disposition') ?? '').toLowerCase();
  const filename = parseContentType(`x/x; ${firstHeader(headers, 'content-disposition') ?? ''}`).params['filename'] ?? ct.params['name'] ?? '';
  if (depth === 0 || isPatchBearing(ct, disposition, filename)) {
    parts.push(decodeBody(bodyText, headers, ct, out));
  }
}

function splitMultipart(body: string, boundary: string): { headers: Headers; body: string }[] {
  const delimiter = '--' + boundary;
  const lines = body.split('\n');
  const chunks: string[][] = [];
  let cur: string[] | null = null;
  for (const line of lines) {
    if (line.startsWith(delimiter)) {
      const rest = line.slice(delimiter.length);
      if (rest.startsWith('--')) {
        if (cur) chunks.push(cur);
        cur = null;
        break;
      }
      if (rest.trim() === '') {
        if (cur) chunks.push(cur);
        cur = [];
        continue;
      }
    }
    if (cur) cur.push(line);
  }
  if (cur) chunks.push(cur); // no closing delimiter: keep what we have
  return chunks.map((c) => {
    const t = c.join('\n');
    const { headerBlock, bodyText } = splitHeaderBody(t);
    return { headers: parseHeaderBlock(headerBlock), body: bodyText };
  });
}

function decodeBody(bodyText: string, headers: Headers, ct: ContentType, out: MailText): string {
  const cte = (firstHeader(headers, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  let bytes: Buffer;
  if (cte === 'base64') {
    const clean = bodyText.replace(/[^A-Za-z0-9+/=]/g, '');
    if (clean.length % 4 !== 0 || /=[^=]/.test(clean)) out.damagedEncoding = true;
    bytes = Buffer.from(clean, 'base64');
  } else if (cte === 'quoted-printable') {
    bytes = decodeQuotedPrintable(bodyText);
  } else {
    bytes = Buffer.from(bodyText, 'latin1');
  }
  let text = normalizeLineEnds(decodeBytes(bytes, ct.params['charset'] ?? 'utf-8'));
  if ((ct.params['format'] ?? '').toLowerCase() === 'flowed') {
    out.flowed = true;
    text = unflow(text, (ct.params['delsp'] ?? '').toLowerCase() === 'yes');
  }
  return text;
}

export function decodeQuotedPrintable(s: string): Buffer {
  const bytes: number[] = [];
  const lines = s.split('\n');
  for (let li = 0; li < lines.length; li++) {
    let line = lines[li]!;
    // Trailing whitespace is transport padding (RFC 2045 6.7 rule 3).
    line = line.replace(/[ \t]+$/, '');
    let soft = false;
    if (line.endsWith('=')) {
      soft = true;
      line = line.slice(0, -1);
    }
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 0x3d && i + 2 < line.length + 0 && /^[0-9A-Fa-f]{2}$/.test(line.slice(i + 1, i + 3))) {
        bytes.push(parseInt(line.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(c & 0xff);
    }
    if (!soft && li < lines.length - 1) bytes.push(0x0a);
  }
  return Buffer.from(bytes);
}

/** RFC 3676: a line ending in a space continues on the next one (unless it is a signature line). */
function unflow(text: string, delsp: boolean): string {
  const out: string[] = [];
  let acc: string | null = null;
  for (const line of text.split('\n')) {
    const flowed = line.endsWith(' ') && line !== '-- ';
    const piece = flowed && delsp ? line.slice(0, -1) : line;
    acc = acc === null ? piece : acc + piece;
    if (!flowed) {
      out.push(acc);
      acc = null;
    }
  }
  if (acc !== null) out.push(acc);
  return out.join('\n');
}
