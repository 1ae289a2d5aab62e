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
  for (const { l } of lines) if (l.kind === '-') removedText.add(l.code.trim());
  let fresh: Set<string> | null = null;
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
