// Normative statements: the sentences of a normative block that carry an upper-case
// RFC 2119 keyword. Splitting happens on the LaTeX source (so every sentence keeps its
// offset, hence its file and line); each sentence is then turned into plain text.

import { blank, latexToPlain, type RefResolver } from './latex-text.js';
import type { NormativeKeyword } from './types.js';

// Upper case only; "_" counts as a word character so VIRTIO_BALLOON_F_MUST_TELL_HOST is no keyword.
const KEYWORD_RE =
  /(?<![A-Za-z0-9_])(MUST\s+NOT|MUST|SHALL\s+NOT|SHALL|SHOULD\s+NOT|SHOULD|NOT\s+RECOMMENDED|RECOMMENDED|MAY|REQUIRED|OPTIONAL)(?![A-Za-z0-9_])/g;

export function findKeywords(plain: string): NormativeKeyword[] {
  return [...plain.matchAll(KEYWORD_RE)].map((m) => m[1]!.replace(/\s+/g, ' ') as NormativeKeyword);
}

export interface RawSentence {
  /** LaTeX source of the sentence. */
  source: string;
  /** Offset of its first character, relative to the text given to splitSentences plus `base`. */
  offset: number;
  /**
   * When the sentence is (part of) an item of a list that an unfinished sentence introduces
   * ("... any feature bit that is" followed by \begin{itemize}), the index of that sentence.
   */
  listOf?: number;
}

// Paragraph breaks, list items and environment edges end a sentence even without a full stop.
const UNIT_BOUNDARY_RE = /\n[ \t]*\n|\\item(?![A-Za-z])|\\begin\s*\{([^}]*)\}|\\end\s*\{([^}]*)\}/g;
const LIST_ENV_RE = /^(itemize|enumerate|description)\*?$/;
const ABBREVIATION_RE = /(?:^|[^A-Za-z])(?:e\.g|i\.e|etc|vs|cf|approx|resp|incl|Fig|Sec|No)$/;

/**
 * Splits LaTeX source into sentences. Notes (\begin{note}) are informative, not
 * normative, so they are skipped when `skipNotes` is set.
 */
export function splitSentences(source: string, base = 0, skipNotes = true): RawSentence[] {
  const text = skipNotes ? source.replace(/\\begin\s*\{note\}[\s\S]*?(?:\\end\s*\{note\}|$)/g, blank) : source;
  const out: RawSentence[] = [];
  const lists: number[] = []; // per open list: index of the sentence introducing it, or -1
  let from = 0;
  const unit = (start: number, end: number) => splitUnit(text, start, end, base, out, lists.length ? lists[lists.length - 1]! : -1);
  for (const m of text.matchAll(UNIT_BOUNDARY_RE)) {
    unit(from, m.index);
    // An \item starts the next unit (its [label] is part of the item's text).
    from = m[0].startsWith('\\item') ? m.index : m.index + m[0].length;
    if (m[1] !== undefined && LIST_ENV_RE.test(m[1].trim())) {
      const last = out[out.length - 1];
      const unfinished = last !== undefined && last.offset >= base && !/[.!?]\s*$/.test(last.source) && last.listOf === undefined;
      lists.push(unfinished && text.slice(last.offset - base + last.source.length, m.index).trim() === '' ? out.length - 1 : -1);
    } else if (m[2] !== undefined && LIST_ENV_RE.test(m[2].trim())) lists.pop();
  }
  unit(from, text.length);
  return out;
}

function splitUnit(text: string, start: number, end: number, base: number, out: RawSentence[], listOf: number): void {
  let s = start;
  for (let i = start; i < end; i++) {
    const c = text[i];
    if (c !== '.' && c !== '!' && c !== '?') continue;
    const next = text[i + 1];
    if (next !== undefined && i + 1 < end && !/\s/.test(next)) continue;
    if (c === '.' && ABBREVIATION_RE.test(text.slice(Math.max(s, i - 8), i))) continue;
    // The next sentence must not start in lower case ("i.e. the driver").
    let j = i + 1;
    while (j < end && /\s/.test(text[j]!)) j++;
    if (j < end && /[a-z]/.test(text[j]!)) continue;
    push(out, text, s, i + 1, base, listOf);
    s = j;
  }
  push(out, text, s, end, base, listOf);
}

function push(out: RawSentence[], text: string, start: number, end: number, base: number, listOf: number): void {
  const chunk = text.slice(start, end);
  const lead = chunk.length - chunk.trimStart().length;
  const trimmed = chunk.trim();
  if (!trimmed) return;
  const sentence: RawSentence = { source: trimmed, offset: base + start + lead };
  if (listOf >= 0) sentence.listOf = listOf;
  out.push(sentence);
}

export interface PlainStatement {
  keyword: NormativeKeyword;
  keywords: NormativeKeyword[];
  text: string;
  offset: number;
}

/**
 * The sentences of a block that carry a keyword, as plain text. A keyword sentence that
 * runs into a list ("MUST NOT accept any feature bit that is" + items) takes the items
 * that have no keyword of their own, so the statement reads whole.
 */
export function extractStatements(source: string, base: number, refs?: RefResolver): PlainStatement[] {
  const sentences = splitSentences(source, base);
  const plain = sentences.map((s) => latexToPlain(s.source, refs));
  const keywords = plain.map(findKeywords);
  const out: PlainStatement[] = [];
  sentences.forEach((s, i) => {
    const own = keywords[i]!;
    if (own.length === 0) return;
    const items = sentences
      .map((x, k) => (x.listOf === i && keywords[k]!.length === 0 ? plain[k]! : ''))
      .filter((t) => t !== '');
    const text = items.length ? `${plain[i]!.replace(/:$/, '')}: ${items.map((t) => t.replace(/[.,;]$/, '')).join('; ')}` : plain[i]!;
    out.push({ keyword: own[0]!, keywords: own, text, offset: s.offset });
  });
  return out;
}
