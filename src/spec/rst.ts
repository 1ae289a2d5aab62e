// Just enough reStructuredText for the vhost-user document: section titles (with their
// adornment levels), bullet lists and inline markup. Line based and pure.

export interface RstSection {
  title: string;
  /** 1 for the first adornment style seen, 2 for the second, ... */
  level: number;
  /** 0-based index of the title line. */
  titleLine: number;
  /** 0-based first line of the heading (its overline, if it has one). */
  start: number;
  /** First line after the underline. */
  bodyStart: number;
  /** Next section of any level (exclusive). */
  ownEnd: number;
  /** Next section of the same or a higher level (exclusive). */
  extentEnd: number;
}

const ADORNMENT_RE = /^([=\-`:'"~^_*+#<>.])\1{2,}\s*$/;

export function rstSections(lines: readonly string[]): RstSection[] {
  const styles: string[] = [];
  const found: RstSection[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const title = lines[i]!;
    const under = lines[i + 1]!;
    const m = ADORNMENT_RE.exec(under);
    if (!m || title.trim() === '' || /^\s/.test(title) || ADORNMENT_RE.test(title)) continue;
    if (under.trim().length < title.trim().length) continue;
    const over = i > 0 && lines[i - 1]!.trim() === under.trim();
    const style = (over ? 'o' : 'u') + m[1];
    let level = styles.indexOf(style) + 1;
    if (level === 0) {
      styles.push(style);
      level = styles.length;
    }
    found.push({ title: title.trim(), level, titleLine: i, start: over ? i - 1 : i, bodyStart: i + 2, ownEnd: lines.length, extentEnd: lines.length });
    i++;
  }
  for (let k = 0; k < found.length; k++) {
    const s = found[k]!;
    const next = found[k + 1];
    if (next) s.ownEnd = next.start;
    const after = found.slice(k + 1).find((n) => n.level <= s.level);
    if (after) s.extentEnd = after.start;
  }
  return found;
}

/** Inline markup to plain text: ``literal``, *emphasis*, :ref:`text <target>`, `link <url>`_. */
export function rstToPlain(text: string): string {
  return text
    .replace(/:[a-z]+:`([^`<]*?)\s*<[^>]*>`/g, '$1')
    .replace(/:[a-z]+:`([^`]*)`/g, '$1')
    .replace(/`([^`<]*?)\s*<[^>]*>`__?/g, '$1')
    .replace(/``([^`]*)``/g, '$1')
    .replace(/`([^`]*)`_*/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, '$1$2')
    .replace(/\b([A-Za-z][\w-]*)_(?=[\s.,;:)]|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface RstBlock {
  kind: 'paragraph' | 'bullet';
  /** Joined lines, markup kept. */
  text: string;
  /** 0-based first line. */
  line: number;
  /** Indentation of the first line. */
  indent: number;
}

/**
 * Paragraphs and bullet items of a stretch of lines, in order. Literal blocks
 * (after "::" or a code directive) and tables are skipped.
 */
export function rstBlocks(lines: readonly string[], start: number, end: number): RstBlock[] {
  const out: RstBlock[] = [];
  let i = start;
  let literalIndent = -1; // inside a literal block: lines indented deeper than this
  while (i < end) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (literalIndent >= 0) {
      if (indent > literalIndent) {
        i++;
        continue;
      }
      literalIndent = -1;
    }
    const t = line.trim();
    if (/^\.\.\s+(code|code-block|sourcecode)::/.test(t) || /^\.\.\s+_[^:]+:\s*$/.test(t) || t === '..') {
      literalIndent = /^\.\.\s+_/.test(t) ? -1 : indent;
      i++;
      continue;
    }
    if (/^[+|]/.test(t)) {
      i++;
      continue;
    }
    const bullet = /^([*\-+]|#\.|\d+\.)\s+/.exec(t);
    const kind: RstBlock['kind'] = bullet ? 'bullet' : 'paragraph';
    const first = bullet ? t.slice(bullet[0].length) : t;
    const parts = [first];
    const contIndent = bullet ? indent + bullet[0].length : indent;
    let j = i + 1;
    while (j < end) {
      const l = lines[j]!;
      const li = l.length - l.trimStart().length;
      if (l.trim() === '' || /^([*\-+]|#\.|\d+\.)\s+/.test(l.trim()) || li < contIndent) break;
      if (!bullet && li !== indent) break;
      parts.push(l.trim());
      j++;
    }
    const text = parts.join(' ');
    out.push({ kind, text: text.replace(/::$/, ':'), line: i, indent });
    if (/::\s*$/.test(text)) literalIndent = indent;
    i = j;
  }
  return out;
}
