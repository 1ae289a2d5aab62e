// Finds the headings of the assembled document and numbers them the way the published
// document does: report class, \setcounter{secnumdepth}{5} (every level down to
// \subparagraph is numbered), starred headings unnumbered, \appendix switching chapters
// to letters. The normative macros and \conformance expand to headings (commands.tex).

import { alph, collapseWhitespace, readGroup } from './latex-text.js';
import { HEADING_LEVELS, type HeadingLevel } from './types.js';

export interface Heading {
  level: HeadingLevel;
  depth: number;
  starred: boolean;
  /** The title as LaTeX source (for normative blocks: "Device Requirements: <title>"). */
  titleSource: string;
  /** Offset of the heading command. */
  start: number;
  /** Offset just after the heading's last argument. */
  end: number;
  number: string | null;
  appendix: boolean;
  /** Index (into headings) of the enclosing numbered heading. */
  parent: number | null;
  normative?: { kind: 'device' | 'driver'; titleSource: string; label: string };
  /** The label the heading itself carries. */
  label: string | null;
  /** Labels defined in the heading's own text, up to the next heading. */
  labels: { name: string; offset: number }[];
  /** End of the heading's own text (next heading of any level). */
  ownEnd: number;
  /** End of the heading's extent (next heading of the same or a higher level). */
  extentEnd: number;
}

export interface DocumentStructure {
  headings: Heading[];
  /** Offsets of the document body (\begin{document} .. \end{document}). */
  bodyStart: number;
  bodyEnd: number;
  /** Labels seen before the first heading. */
  orphanLabels: { name: string; offset: number }[];
}

const EVENT_RE =
  /\\(chapter|section|subsection|subsubsection|paragraph|subparagraph)(?![A-Za-z])(\*?)|\\(device|driver)normative(?![A-Za-z])|\\(conformance)(?![A-Za-z])|\\(label)(?![A-Za-z])|\\(appendix)(?![A-Za-z])/g;

export function parseStructure(text: string): DocumentStructure {
  const begin = /\\begin\s*\{document\}/.exec(text);
  const bodyStart = begin ? begin.index + begin[0].length : 0;
  const endMatch = /\\end\s*\{document\}/.exec(text.slice(bodyStart));
  const bodyEnd = endMatch ? bodyStart + endMatch.index : text.length;

  const headings: Heading[] = [];
  const orphanLabels: { name: string; offset: number }[] = [];
  const counters = [0, 0, 0, 0, 0, 0];
  const stack: (number | undefined)[] = []; // numbered heading index per depth
  let appendix = false;
  let clause = 0;

  const addHeading = (level: HeadingLevel, starred: boolean, titleSource: string, start: number, end: number): Heading => {
    const depth = HEADING_LEVELS.indexOf(level);
    let number: string | null = null;
    let parent: number | null = null;
    for (let d = depth - 1; d >= 0; d--) {
      const idx = stack[d];
      if (idx !== undefined) {
        parent = idx;
        break;
      }
    }
    if (!starred) {
      counters[depth]!++;
      for (let d = depth + 1; d < counters.length; d++) counters[d] = 0;
      const parts = counters.slice(0, depth + 1).map((n, i) => (i === 0 && appendix ? alph(n) : String(n)));
      number = parts.join('.');
    }
    const h: Heading = {
      level,
      depth,
      starred,
      titleSource,
      start,
      end,
      number,
      appendix,
      parent,
      label: null,
      labels: [],
      ownEnd: bodyEnd,
      extentEnd: bodyEnd,
    };
    headings.push(h);
    if (!starred) {
      stack[depth] = headings.length - 1;
      stack.length = depth + 1;
    }
    return h;
  };

  EVENT_RE.lastIndex = bodyStart;
  let m: RegExpExecArray | null;
  while ((m = EVENT_RE.exec(text)) !== null && m.index < bodyEnd) {
    const after = m.index + m[0].length;
    if (m[1]) {
      const opt = readGroup(text, after, '[');
      const title = readGroup(text, opt ? opt.end : after);
      if (!title) continue; // not a heading (e.g. the word used in running text)
      addHeading(m[1] as HeadingLevel, m[2] === '*', title.content, m.index, title.end);
      EVENT_RE.lastIndex = title.end;
    } else if (m[3]) {
      const levelArg = readGroup(text, after);
      const title = levelArg && readGroup(text, levelArg.end);
      const label = title && readGroup(text, title.end);
      const level = levelArg && levelOf(levelArg.content);
      if (!level || !title || !label) continue;
      const kind = m[3] as 'device' | 'driver';
      const prefix = kind === 'device' ? 'Device Requirements: ' : 'Driver Requirements: ';
      const h = addHeading(level, false, prefix + title.content, m.index, label.end);
      const name = `${kind}normative:${collapseWhitespace(label.content)}`;
      h.normative = { kind, titleSource: title.content, label: name };
      h.label = name;
      h.labels.push({ name, offset: m.index });
      EVENT_RE.lastIndex = label.end;
    } else if (m[4]) {
      const levelArg = readGroup(text, after);
      const title = levelArg && readGroup(text, levelArg.end);
      const level = levelArg && levelOf(levelArg.content);
      if (!level || !title) continue;
      clause++;
      addHeading(level, false, `Clause ${clause}: ${title.content}`, m.index, title.end);
      EVENT_RE.lastIndex = title.end;
    } else if (m[5]) {
      const g = readGroup(text, after);
      if (!g) continue;
      const name = collapseWhitespace(g.content);
      const current = headings[headings.length - 1];
      if (!current) orphanLabels.push({ name, offset: m.index });
      else {
        // A label right after the heading (nothing but space between) names the heading.
        if (current.label === null && current.labels.length === 0 && text.slice(current.end, m.index).trim() === '') {
          current.label = name;
        }
        current.labels.push({ name, offset: m.index });
      }
      EVENT_RE.lastIndex = g.end;
    } else if (m[6]) {
      appendix = true;
      counters[0] = 0;
    }
  }

  for (let i = 0; i < headings.length; i++) {
    const h = headings[i]!;
    const next = headings[i + 1];
    h.ownEnd = next ? next.start : bodyEnd;
    let j = i + 1;
    while (j < headings.length && headings[j]!.depth > h.depth) j++;
    h.extentEnd = j < headings.length ? headings[j]!.start : bodyEnd;
  }
  return { headings, bodyStart, bodyEnd, orphanLabels };
}

function levelOf(arg: string): HeadingLevel | undefined {
  const name = arg.trim().replace(/^\\/, '');
  return (HEADING_LEVELS as readonly string[]).includes(name) ? (name as HeadingLevel) : undefined;
}

/** Index of the heading whose own text contains the offset, or -1 before the first heading. */
export function headingAt(headings: readonly Heading[], offset: number): number {
  let lo = 0;
  let hi = headings.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (headings[mid]!.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
