// Assembles the published document from its LaTeX sources by following \input and
// \include from the root file, in reading order. The result is one string plus a map
// from offsets back to file and line. Reading files is injected, so this stays pure.

import { maskVerbatim, stripComments } from './latex-text.js';

export interface Segment {
  /** Offset of the segment in the assembled text. */
  start: number;
  file: string;
  /** Offset of the segment's first character in its file (comment-stripped, same length). */
  fileOffset: number;
}

export interface LatexDocument {
  /** Comment-stripped, verbatim-masked text of every file in reading order. */
  text: string;
  segments: Segment[];
  /** Files in the order they are first read. */
  files: string[];
  /** \input names that could not be read, with the offset where they would have gone. */
  missing: { name: string; offset: number }[];
  /** Line-start offsets per file, for position lookups. */
  lineStarts: Map<string, number[]>;
}

/** Returns a file's text, or undefined when it does not exist. */
export type ReadSource = (relativePath: string) => string | undefined;

const INPUT_RE = /\\(?:input|include)\s*\{([^}]+)\}/g;
const MAX_DEPTH = 16;

export function assembleDocument(root: string, read: ReadSource): LatexDocument {
  const doc: LatexDocument = { text: '', segments: [], files: [], missing: [], lineStarts: new Map() };
  const parts: string[] = [];
  let length = 0;

  const visit = (file: string, depth: number): void => {
    const raw = read(file);
    if (raw === undefined) {
      doc.missing.push({ name: file, offset: length });
      return;
    }
    if (!doc.lineStarts.has(file)) {
      doc.files.push(file);
      doc.lineStarts.set(file, lineStarts(raw));
    }
    const text = maskVerbatim(stripComments(raw));
    let from = 0;
    const inputs = [...text.matchAll(INPUT_RE)];
    for (const m of inputs) {
      emit(file, text.slice(from, m.index), from);
      from = m.index + m[0].length;
      const target = resolveName(m[1]!.trim(), read);
      if (depth >= MAX_DEPTH) doc.missing.push({ name: `${target} (nested too deep)`, offset: length });
      else visit(target, depth + 1);
    }
    emit(file, text.slice(from), from);
  };

  const emit = (file: string, chunk: string, fileOffset: number): void => {
    if (chunk.length === 0) return;
    doc.segments.push({ start: length, file, fileOffset });
    parts.push(chunk);
    length += chunk.length;
  };

  visit(root, 0);
  doc.text = parts.join('');
  return doc;
}

/** LaTeX appends ".tex" when the name has no extension and that file exists. */
function resolveName(name: string, read: ReadSource): string {
  if (/\.[A-Za-z]+$/.test(name)) return name;
  return read(`${name}.tex`) !== undefined ? `${name}.tex` : name;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** File and 1-based line of an offset in the assembled text. */
export function positionOf(doc: LatexDocument, offset: number): { file: string; line: number } {
  const segs = doc.segments;
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const seg = segs[lo];
  if (!seg) return { file: '', line: 0 };
  const fileOffset = seg.fileOffset + (offset - seg.start);
  const starts = doc.lineStarts.get(seg.file) ?? [0];
  let a = 0;
  let b = starts.length - 1;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (starts[mid]! <= fileOffset) a = mid;
    else b = mid - 1;
  }
  return { file: seg.file, line: a + 1 };
}
