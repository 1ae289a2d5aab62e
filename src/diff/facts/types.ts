// A fact producer reads one file's annotated hunks and returns facts. Producers are
// independent and listed in ../facts.ts; adding one never touches the engine.
import type { FileDiff } from '../../model/diff.js';
import type { Fact } from '../../model/facts.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';

export type FileFactProducer = (file: FileDiff, hunks: AnnotatedHunk[]) => Fact[];

/** A line fact, with the location rules every producer shares. */
export function lineFact(kind: Fact['kind'], symbol: string, file: FileDiff, l: AnnotatedLine, extra: Partial<Fact> = {}): Fact {
  const f: Fact = {
    kind,
    symbol,
    file: file.path,
    line: l.anchor,
    oldLine: l.oldLine,
    text: l.text,
    ...extra,
  };
  if (l.function) f.function = l.function;
  return f;
}

export function* changedLines(hunks: AnnotatedHunk[]): Generator<AnnotatedLine> {
  for (const h of hunks) for (const l of h.lines) if (l.kind !== ' ') yield l;
}
