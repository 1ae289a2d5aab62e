// symbol-added / symbol-removed: every identifier on a changed line (code only for C files).
import type { Fact } from '../../model/facts.js';
import { identifiersIn } from '../c-code.js';
import { newFunctions } from '../new-code.js';
import { changedLines, lineFact, type FileFactProducer } from './types.js';

export const symbolFacts: FileFactProducer = (file, hunks) => {
  const out: Fact[] = [];
  const seen = new Set<string>();
  const lines = [...changedLines(hunks)].map((l) => ({ l, ids: identifiersIn(l.code) }));
  // Where each identifier is added: a removal is no "no longer uses" when the same function
  // still uses it (a rewritten line) or a function the patch adds whole does (a helper).
  const addedIn = new Map<string, Set<string>>();
  for (const { l, ids } of lines) if (l.kind === '+') for (const id of ids) (addedIn.get(id) ?? addedIn.set(id, new Set()).get(id)!).add(l.function ?? '');
  // A line the patch removes and adds again word for word in a function it adds whole moved
  // into a helper: the code on it is no new use of what it names.
  const removedText = new Set<string>();
  const removedShape = new Set<string>();
  for (const { l } of lines) if (l.kind === '-') {
    removedText.add(l.code.trim());
    removedShape.add(punctuationFree(l.code));
  }
  let fresh: ReadonlySet<string> | null = null;
  const stillUsed = (id: string, fn: string | null) => {
    const fns = addedIn.get(id);
    if (!fns) return false;
    if (fns.has(fn ?? '')) return true;
    fresh ??= newFunctions(file, hunks);
    for (const f of fns) if (fresh.has(f)) return true;
    return false;
  };
  for (const { l, ids } of lines) {
    const kind = l.kind === '+' ? 'symbol-added' : 'symbol-removed';
    if (kind === 'symbol-added' && removedText.has(l.code.trim()) && (fresh ??= newFunctions(file, hunks)).has(l.function ?? '')) continue;
    // A line re-added with only its trailing separator changed (`X)` → `X) |`, to append a
    // bit after it) uses nothing new.
    if (kind === 'symbol-added' && removedShape.has(punctuationFree(l.code))) continue;
    for (const id of ids) {
      // One fact per symbol and side per file: the first place is where a reviewer looks.
      const key = kind + id;
      if (seen.has(key)) continue;
      if (kind === 'symbol-removed' && stillUsed(id, l.function)) continue;
      seen.add(key);
      out.push(lineFact(kind, id, file, l));
    }
  }
  return out;
};

/**
 * A line's code without its trailing separators and spaces. The indentation stays: the same
 * code re-added one level deeper sits under a new condition, which is a change.
 */
function punctuationFree(code: string): string {
  // A scan from the end, not a `[…]+$` regex: that one is quadratic on a long run of spaces
  // in the middle of a line, and a patch's lines are anyone's input.
  let end = code.length;
  while (end > 0 && TRAILING.has(code[end - 1]!)) end--;
  return code.slice(0, end);
}

const TRAILING = new Set([' ', '\t', '\r', '\f', '\v', '|', '&', ',', ';', '\\']);
