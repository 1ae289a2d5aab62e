// RFC 5322 header block parsing and RFC 2047 encoded-word decoding.
import { decodeBytes } from './charset.js';

export type Headers = Map<string, string[]>;

/** Parses an unfolded-or-folded header block (LF line ends) into lower-cased name → raw values. */
export function parseHeaderBlock(block: string): Headers {
  const headers: Headers = new Map();
  let name: string | null = null;
  let value = '';
  const flush = () => {
    if (name === null) return;
    const list = headers.get(name);
    if (list) list.push(value.trim());
    else headers.set(name, [value.trim()]);
  };
  for (const line of block.split('\n')) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && name !== null) {
      value += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) {
      // Not a header line (an mbox "From " line, garbage): ignore it.
      continue;
    }
    flush();
    name = line.slice(0, colon).toLowerCase();
    value = line.slice(colon + 1);
  }
  flush();
  return headers;
}

export function firstHeader(headers: Headers, name: string): string | undefined {
  return headers.get(name)?.[0];
}

const encodedWord = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes RFC 2047 encoded words; whitespace between two adjacent encoded words is dropped.
 * The input is a latin1 "byte string"; raw 8-bit bytes outside encoded words are read as UTF-8.
 */
export function decodeHeaderValue(raw: string): string {
  const joined = raw.replace(/\?=\s+=\?/g, '?==?');
  let out = '';
  let last = 0;
  for (const m of joined.matchAll(encodedWord)) {
    out += decodeBytes(Buffer.from(joined.slice(last, m.index), 'latin1'), 'utf-8');
    const [, charset = 'utf-8', enc = 'B', text = ''] = m;
    const bytes = enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQEncoding(text);
    // RFC 2231 language suffix: charset*lang
    out += decodeBytes(bytes, charset.split('*')[0] ?? 'utf-8');
    last = (m.index ?? 0) + m[0].length;
  }
  out += decodeBytes(Buffer.from(joined.slice(last), 'latin1'), 'utf-8');
  return out;
}

function decodeQEncoding(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

export interface ContentType {
  type: string; // "text/plain"
  params: Record<string, string>;
}

/** Parses "text/plain; charset=utf-8; format=flowed" (quoted values, any case). */
export function parseContentType(raw: string | undefined): ContentType {
  if (!raw) return { type: 'text/plain', params: {} };
  const [head = '', ...rest] = splitParams(raw);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { type: head.trim().toLowerCase() || 'text/plain', params };
}

/** Splits on ';' outside double quotes. */
function splitParams(raw: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '"' && raw[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** Extracts the <id> list from Message-ID / In-Reply-To / References values, without brackets. */
export function parseMessageIds(raw: string | undefined): string[] {
  if (!raw) return [];
  const ids = [...raw.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]!);
  if (ids.length > 0) return ids;
  const bare = raw.trim();
  return bare && !/\s/.test(bare) ? [bare] : [];
}
