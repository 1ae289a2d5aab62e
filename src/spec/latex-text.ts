// Small, pure helpers over LaTeX source text. Offsets are preserved wherever text is
// removed (replaced by spaces, newlines kept) so positions still map to file lines.

/** Replaces `% comment` up to the end of the line with spaces (an escaped `\%` is text). */
export function stripComments(text: string): string {
  return text.replace(/(^|[^\\])((?:\\\\)*)%[^\n]*/g, (match, pre: string, slashes: string) => {
    const kept = pre + slashes;
    return kept + ' '.repeat(match.length - kept.length);
  });
}

/** Blanks a stretch of text but keeps its newlines, so line numbers do not move. */
export function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ');
}

/**
 * Blanks verbatim-like environments (code listings) and inline verbatim, whose content
 * is not prose: headings, labels and keywords inside them must not be seen.
 */
export function maskVerbatim(text: string, environments: readonly string[] = ['lstlisting', 'verbatim', 'Verbatim']): string {
  let out = text;
  for (const env of environments) {
    const re = new RegExp(`\\\\begin\\s*\\{${env}\\}[\\s\\S]*?(?:\\\\end\\s*\\{${env}\\}|$)`, 'g');
    out = out.replace(re, blank);
  }
  // \verb|...| and \lstinline|...| (any delimiter), \lstinline{...}
  out = out.replace(/\\(?:verb|lstinline)\*?(?:\{[^}\n]*\}|([^\sA-Za-z{])[^\n]*?\1)/g, blank);
  return out;
}

export interface Group {
  /** Text between the delimiters. */
  content: string;
  /** Offset just after the closing delimiter. */
  end: number;
}

/**
 * Reads a balanced group starting at `pos` (after optional whitespace): `{...}` by default,
 * `[...]` when open is '['. Returns undefined when no group starts there.
 */
export function readGroup(text: string, pos: number, open: '{' | '[' = '{'): Group | undefined {
  const close = open === '{' ? '}' : ']';
  let i = pos;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] !== open) return undefined;
  let depth = 0;
  const start = i + 1;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++; // an escaped character never opens or closes a group
      continue;
    }
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return { content: text.slice(start, i), end: i + 1 };
    } else if (open === '[' && c === '{') {
      // brackets inside a brace group do not count: skip the brace group
      const inner = readGroup(text, i, '{');
      if (!inner) return undefined;
      i = inner.end - 1;
    }
  }
  return undefined;
}

/** Collapses every run of whitespace (newlines included) to one space, as TeX does. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export interface RefResolver {
  /** The number a \ref shows, or undefined when the label is unknown. */
  number(label: string): string | undefined;
  /** The title a \nameref shows. */
  title(label: string): string | undefined;
}

const DROP_WITH_ARGUMENT = new Set([
  'label',
  'footnote',
  'index',
  'caption',
  'vspace',
  'hspace',
  'color',
  'definecolor',
  'setlength',
  'lstinputlisting',
  'includegraphics',
  'virtiographics',
]);
const SYMBOLS: Record<string, string> = {
  ldots: '...',
  dots: '...',
  lbrack: '[',
  rbrack: ']',
  textasciitilde: '~',
  textbackslash: '\\',
  times: 'x',
  newline: ' ',
  linebreak: ' ',
  space: ' ',
  LaTeX: 'LaTeX',
  TeX: 'TeX',
};

/**
 * Turns a LaTeX fragment into plain text: formatting commands keep their text,
 * \ref/\nameref become the number/title they print, environments and layout
 * commands disappear. Good enough for titles and sentences; not a TeX engine.
 */
export function latexToPlain(fragment: string, refs?: RefResolver): string {
  let s = fragment;
  // Commands whose argument is not running text.
  s = s.replace(/\\(begin|end)\s*\{[^}]*\}/g, ' ');
  s = replaceCommand(s, (name, text, pos) => {
    if (DROP_WITH_ARGUMENT.has(name)) return dropArguments(text, pos, name === 'virtiographics' ? 3 : 1);
    if (name === 'ref' || name === 'nameref' || name === 'autoref' || name === 'pageref') {
      const g = readGroup(text, pos);
      if (!g) return { replacement: '', end: pos };
      const label = collapseWhitespace(g.content);
      const shown = name === 'nameref' ? refs?.title(label) : refs?.number(label);
      return { replacement: shown ?? label.replace(/^[a-z]+:/, ''), end: g.end };
    }
    if (name === 'hyperref') {
      const opt = readGroup(text, pos, '[');
      const g = readGroup(text, opt ? opt.end : pos);
      return g ? { replacement: latexToPlain(g.content, refs), end: g.end } : { replacement: '', end: opt ? opt.end : pos };
    }
    if (name === 'href') {
      const url = readGroup(text, pos);
      const g = url ? readGroup(text, url.end) : undefined;
      return g ? { replacement: latexToPlain(g.content, refs), end: g.end } : { replacement: '', end: url ? url.end : pos };
    }
    if (name === 'url') {
      const g = readGroup(text, pos);
      return g ? { replacement: g.content, end: g.end } : { replacement: '', end: pos };
    }
    if (name === 'item') {
      const opt = readGroup(text, pos, '[');
      return opt ? { replacement: ` ${latexToPlain(opt.content, refs)} `, end: opt.end } : { replacement: ' ', end: pos };
    }
    if (name in SYMBOLS) return { replacement: SYMBOLS[name]!, end: pos };
    // Any other command: drop the name, keep its arguments as text.
    return { replacement: '', end: pos };
  });
  s = s
    .replace(/\\([_&%#$%{}])/g, '$1')
    .replace(/\\\\(\[[^\]]*\])?/g, ' ')
    .replace(/\\[,;:! ]/g, ' ')
    .replace(/---/g, '—')
    .replace(/--/g, '–')
    .replace(/``|''/g, '"')
    .replace(/~/g, ' ')
    .replace(/\$([^$]*)\$/g, '$1')
    .replace(/[{}]/g, '')
    .replace(/\\/g, '');
  return collapseWhitespace(s);
}

interface Replacement {
  replacement: string;
  end: number;
}

/** Walks `\name` commands left to right; the callback decides what each becomes. */
function replaceCommand(text: string, fn: (name: string, text: string, afterName: number) => Replacement): string {
  let out = '';
  let i = 0;
  const re = /\\([A-Za-z]+)\*?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    // A backslash escaped by another backslash is a line break, not a command.
    if (m.index > 0 && text[m.index - 1] === '\\' && !isEscaped(text, m.index - 1)) continue;
    out += text.slice(i, m.index);
    const r = fn(m[1]!, text, m.index + m[0].length);
    out += r.replacement;
    i = r.end;
    re.lastIndex = r.end;
  }
  return out + text.slice(i);
}

function isEscaped(text: string, pos: number): boolean {
  let n = 0;
  for (let i = pos - 1; i >= 0 && text[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function dropArguments(text: string, pos: number, count: number): Replacement {
  let end = pos;
  const opt = readGroup(text, end, '[');
  if (opt) end = opt.end;
  for (let k = 0; k < count; k++) {
    const g = readGroup(text, end);
    if (!g) break;
    end = g.end;
  }
  return { replacement: ' ', end };
}

/** Upper-case letters for appendix chapters: 1 → A, 26 → Z, 27 → AA. */
export function alph(n: number): string {
  let s = '';
  let k = n;
  while (k > 0) {
    const r = (k - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    k = Math.floor((k - 1) / 26);
  }
  return s;
}
