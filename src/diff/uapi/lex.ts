// A small C tokenizer for one side of a hunk (or a whole header): comments dropped, literals
// kept (a define's value may be a character such as ';'), preprocessor directives returned as
// one token with their continuation lines joined.

export type TokenKind = 'id' | 'num' | 'str' | 'punct' | 'pp';

export interface Token {
  kind: TokenKind;
  value: string;
  /** Index of the line the token starts on. */
  line: number;
  /** Column of the token on that line (tabs count as one). */
  col: number;
  /** For pp tokens: the last line the directive spans. */
  endLine?: number;
}

// Sticky: matched in place, no substring per token.
const ID = /[A-Za-z_]\w*/y;
const NUM = /(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?)[uUlL]*/y;
const TWO_CHAR = new Set(['<<', '>>', '->', '==', '!=', '<=', '>=', '&&', '||', '##', '++', '--']);

/**
 * Whether a hunk that starts mid-file starts inside a block comment: the first comment
 * delimiter it shows is a closing one, or it opens with a kernel-style " * text" line.
 */
export function startsInComment(lines: string[]): boolean {
  for (const l of lines) {
    const open = l.indexOf('/*');
    const close = l.indexOf('*/');
    if (close >= 0 && (open < 0 || close < open)) return true;
    if (open >= 0) return false;
    if (/^\s*\*(\s|$)/.test(l)) return true;
    if (/\S/.test(l)) return false;
  }
  return false;
}

export function tokenize(lines: string[], inComment = startsInComment(lines)): Token[] {
  const out: Token[] = [];
  let inBlock = inComment;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    let i = 0;
    if (!inBlock) {
      const pp = /^\s*#/.exec(line);
      if (pp) {
        const r = directive(lines, li);
        out.push({ kind: 'pp', value: r.text, line: li, col: pp[0].length - 1, endLine: r.end });
        inBlock = r.inBlock;
        li = r.end;
        continue;
      }
    }
    while (i < line.length) {
      const c = line[i]!;
      const n = line[i + 1];
      if (inBlock) {
        const end = line.indexOf('*/', i);
        if (end < 0) {
          i = line.length;
          break;
        }
        inBlock = false;
        i = end + 2;
        continue;
      }
      if (c === '/' && n === '*') {
        inBlock = true;
        i += 2;
        continue;
      }
      if (c === '/' && n === '/') break;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        let j = i + 1;
        while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
        out.push({ kind: 'str', value: line.slice(i, Math.min(j + 1, line.length)), line: li, col: i });
        i = j + 1;
        continue;
      }
      if (/[A-Za-z_]/.test(c)) {
        ID.lastIndex = i;
        ID.test(line);
        out.push({ kind: 'id', value: line.slice(i, ID.lastIndex), line: li, col: i });
        i = ID.lastIndex;
        continue;
      }
      if (c >= '0' && c <= '9') {
        NUM.lastIndex = i;
        NUM.test(line);
        out.push({ kind: 'num', value: line.slice(i, NUM.lastIndex), line: li, col: i });
        i = NUM.lastIndex;
        continue;
      }
      const two = line.slice(i, i + 2);
      if (TWO_CHAR.has(two)) {
        out.push({ kind: 'punct', value: two, line: li, col: i });
        i += 2;
        continue;
      }
      out.push({ kind: 'punct', value: c, line: li, col: i });
      i++;
    }
  }
  return out;
}

/** A preprocessor directive from line `start`: comments removed, continuations joined. */
function directive(lines: string[], start: number): { text: string; end: number; inBlock: boolean } {
  let text = '';
  let inBlock = false;
  let li = start;
  for (;;) {
    const line = lines[li] ?? '';
    let i = 0;
    let piece = '';
    while (i < line.length) {
      const c = line[i]!;
      const n = line[i + 1];
      if (inBlock) {
        const end = line.indexOf('*/', i);
        if (end < 0) {
          i = line.length;
          break;
        }
        inBlock = false;
        i = end + 2;
        piece += ' ';
        continue;
      }
      if (c === '/' && n === '*') {
        inBlock = true;
        i += 2;
        continue;
      }
      if (c === '/' && n === '/') break;
      if (c === '"' || c === "'") {
        let j = i + 1;
        while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
        piece += line.slice(i, j + 1);
        i = j + 1;
        continue;
      }
      piece += c;
      i++;
    }
    const continued = /\\\s*$/.test(piece);
    text += ' ' + piece.replace(/\\\s*$/, '');
    // A block comment left open at the end of the last line continues after the directive.
    if (!continued || li + 1 >= lines.length) return { text: text.replace(/\s+/g, ' ').trim(), end: li, inBlock };
    li++;
  }
}

/** Tokens → text with single spaces only where two words would otherwise merge. */
export function joinTokens(toks: Token[]): string {
  let s = '';
  let prev: Token | null = null;
  for (const t of toks) {
    if (prev && /\w$/.test(prev.value) && /^\w/.test(t.value)) s += ' ';
    s += t.value;
    prev = t;
  }
  return s;
}

/** Tokenizes a stand-alone expression or type string (a define's value, a macro argument). */
export function tokenizeText(text: string): Token[] {
  return tokenize([text], false);
}
