// unwind-label-conditional: an error-unwind label moved into or out of a conditionally compiled
// block (#if … #endif moved across it). With the option off, the cleanup under the label is
// compiled out while gotos from unconditional code still need it, so a failed probe or open
// leaks what the label used to release (or the gotos no longer build).
import type { Fact } from '../../model/facts.js';
import { isCLike } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';

const LABEL = /^(\w+):\s*$/;
const OPEN = /^\s*#\s*if/;
const CLOSE = /^\s*#\s*endif/;

export const unwindLabelFacts: FileFactProducer = (file, allHunks) => {
  if (!isCLike(file.path)) return [];
  // Cheap prefilter: only hunks that add or remove a preprocessor conditional.
  const hunks = bounded(allHunks).filter((h) => h.lines.some((l) => l.kind !== ' ' && (OPEN.test(l.text ?? '') || CLOSE.test(l.text ?? ''))));
  const out: Fact[] = [];
  for (const h of hunks) {
    let oldDepth = 0;
    let newDepth = 0;
    for (const l of h.lines) {
      const text = l.text ?? '';
      const step = OPEN.test(text) ? 1 : CLOSE.test(text) ? -1 : 0;
      if (l.kind !== '+') oldDepth += step;
      if (l.kind !== '-') newDepth += step;
      const label = l.kind === ' ' ? LABEL.exec(text) : null;
      if (!label || oldDepth === newDepth) continue;
      const into = newDepth > oldDepth;
      out.push(lineFact('unwind-label-conditional', label[1]!, file, l, { detail: `${l.function ? l.function + '() ' : ''}moves the unwind label ${label[1]} ${into ? 'into' : 'out of'} a conditionally compiled block: ${into ? 'with the option off, the cleanup under it is compiled out and a failure that jumps past it leaks what it released' : 'the cleanup under it now runs, or is reached, in builds where it did not before'}` }));
      break;
    }
  }
  return out;
};
