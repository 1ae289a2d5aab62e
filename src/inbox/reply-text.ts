// What a reply says in its own words: the lines it did not quote, the review trailers it gives,
// whether it NAKs or applies the patch, and the symbols it discusses with the sentence that
// mentions each one.
import { parseAddress, type Person } from './address.js';
import { isNoise, looksLikeSymbol } from './symbols.js';

export const REVIEW_TRAILERS = ['Acked-by', 'Reviewed-by', 'Tested-by', 'Nacked-by'] as const;
export type ReviewTrailer = (typeof REVIEW_TRAILERS)[number];

export interface GivenTrailer {
  kind: ReviewTrailer;
  /** Null for a bare "NAK" line: the sender gives it. */
  person: Person | null;
}

export interface SymbolMention {
  name: string;
  /** The first sentence of the reply's own text naming it, at most MAX_SENTENCE characters. */
  sentence: string;
}

export interface ReplyAnalysis {
  trailers: GivenTrailer[];
  applied: boolean;
  symbols: SymbolMention[];
}

export const MAX_SENTENCE = 200;
const MAX_SYMBOLS = 40;

const QUOTED = /^\s*>/;
const ATTRIBUTION_END = /\b(wrote|writes|schrieb|a écrit|escribió)\s*:\s*$/i;
const SIGNATURE = /^-- ?$/;
const LIST_FOOTER = /^_{20,}\s*$/;
const ORIGINAL_MESSAGE = /^-{2,}\s*Original Message\s*-{2,}\s*$/i;
const TRAILER = /^\s*(Acked|Reviewed|Tested|Nacked|NAKed)-by\s*:\s*(.+?)\s*$/i;
const BARE_NAK = /^\s*(?:NAK|NACK)\b(?![-_])/;
/** "Applied, thanks." / "Thanks, applied" / "Queued for 6.7": the maintainer took it. */
const APPLIED = /^\s*(?:thanks[,!.]?\s+)?(?:applied|queued|pushed|picked up|merged)(?:\s*[.,!:]|\s+(?:to|for|into|up|thanks|both)\b|\s*$)/i;

/** The lines the author wrote: no quotes, no attribution line, nothing after the signature or the list footer. */
export function ownLines(body: string): string[] {
  const lines = body.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (SIGNATURE.test(line) || LIST_FOOTER.test(line) || ORIGINAL_MESSAGE.test(line)) break;
    if (QUOTED.test(line)) continue;
    if (ATTRIBUTION_END.test(line)) {
      // "On Mon, … Jason Wang <…>" may be wrapped onto a second line that ends in "wrote:".
      if (out.length > 0 && /^On\s/.test(out[out.length - 1]!) && !/^On\s/.test(line)) out.pop();
      continue;
    }
    out.push(line);
  }
  return out;
}

export function analyzeReply(body: string): ReplyAnalysis {
  const own = ownLines(body);
  const trailers: GivenTrailer[] = [];
  let applied = false;
  const prose: string[] = [];
  for (const line of own) {
    const t = TRAILER.exec(line);
    if (t) {
      const kind = (t[1]!.toLowerCase().startsWith('n') ? 'Nacked-by' : `${cap(t[1]!)}-by`) as ReviewTrailer;
      trailers.push({ kind, person: parseAddress(t[2]!) });
      continue;
    }
    if (BARE_NAK.test(line)) trailers.push({ kind: 'Nacked-by', person: null });
    if (!applied && APPLIED.test(line)) applied = true;
    prose.push(line);
  }
  return { trailers, applied, symbols: mentions(prose) };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

const URL = /\b(?:https?|ftp):\/\/\S+/g;
const ADDRESS = /\S+@\S+/g;
const DIFF_LINE = /^(?:[+-](?=\S)(?!-+\s*$)|[+-]\t|@@ -\d|diff --git |index [0-9a-f]{7,}\.\.)/;
/** A name, with what marks it as code: "->op", " .op", "name()". */
const TOKEN = /(->|(?:^|(?<=[\s(]))\.)?([A-Za-z_][A-Za-z0-9_]*)(\s?\(\))?/g;

/** Symbols in prose, each with the first sentence that names it. */
export function mentions(prose: string[]): SymbolMention[] {
  const found = new Map<string, string>();
  for (const sentence of sentences(prose)) {
    const clean = sentence.replace(URL, ' ').replace(ADDRESS, ' ');
    for (const m of clean.matchAll(TOKEN)) {
      const name = m[2]!;
      if (found.has(name)) continue;
      const codeLike = Boolean(m[1]) || Boolean(m[3]);
      if (!(looksLikeSymbol(name) || (codeLike && name.length >= 3 && !isNoise(name)))) continue;
      found.set(name, clip(sentence, sentence.indexOf(name)));
      if (found.size >= MAX_SYMBOLS) break;
    }
    if (found.size >= MAX_SYMBOLS) break;
  }
  return [...found].map(([name, sentence]) => ({ name, sentence }));
}

/**
 * Paragraphs joined into sentences. Lines that look like code (indented, or ending in ";",
 * "{", "}") stay sentences of their own, so a suggested snippet is not glued to prose.
 */
export function sentences(lines: string[]): string[] {
  const out: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length === 0) return;
    const text = para.join(' ').replace(/\s+/g, ' ').trim();
    for (const s of text.split(/(?<=[.!?])\s+(?=[A-Z("'`])/)) if (s.trim()) out.push(s.trim());
    para = [];
  };
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    if (line.trim() === '') {
      flush();
      continue;
    }
    // A diff pasted without quote marks is the patch's text, not the reviewer's words.
    if (DIFF_LINE.test(line)) {
      flush();
      continue;
    }
    if (/^(\t|\s{4,})|[;{}]\s*$/.test(line)) {
      flush();
      out.push(line.trim());
      continue;
    }
    para.push(line);
  }
  flush();
  return out;
}

/** At most MAX_SENTENCE characters of a sentence, centred on a position when it is long. */
export function clip(sentence: string, at: number): string {
  if (sentence.length <= MAX_SENTENCE) return sentence;
  const half = Math.floor(MAX_SENTENCE / 2);
  let start = Math.max(0, Math.min(at - half, sentence.length - MAX_SENTENCE));
  let end = start + MAX_SENTENCE;
  // Cut at word boundaries.
  if (start > 0) {
    const sp = sentence.indexOf(' ', start);
    if (sp > 0 && sp < at) start = sp + 1;
  }
  if (end < sentence.length) {
    const sp = sentence.lastIndexOf(' ', end);
    if (sp > at) end = sp;
  }
  return `${start > 0 ? '…' : ''}${sentence.slice(start, end).trim()}${end < sentence.length ? '…' : ''}`;
}
