// symbol-added / symbol-removed: every identifier on a changed line (code only for C files),
// except where a specific fact already says what the line does with it.
import type { Fact, FactKind } from '../../model/facts.js';
import { functionNameOf, identifiersIn, isFunctionStart } from '../c-code.js';
import { newFunctions } from '../new-code.js';
import { changedLines, lineFact } from './types.js';
import type { FileDiff } from '../../model/diff.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { entryOf } from '../map-entry.js';

/**
 * Facts that describe what a line does with the feature bit it names (offered, withdrawn,
 * listed in a new mask, passed through): the bare mention of that bit there adds nothing, and
 * must not raise a rule the specific fact was kept from.
 */
const DESCRIBES_MENTION: ReadonlySet<FactKind> = new Set<FactKind>(['mask-bit-added', 'mask-bit-removed', 'new-mask-bit', 'feature-passthrough-changed']);

const placeKey = (line: number | null | undefined, oldLine: number | null | undefined, text: string | undefined, symbol: string) => `${line}\u0000${oldLine}\u0000${text}\u0000${symbol}`;

/** The (line, symbol) mentions that the file's other facts already describe. */
export function describedMentions(facts: Fact[]): Set<string> {
  const out = new Set<string>();
  for (const f of facts) if (DESCRIBES_MENTION.has(f.kind)) out.add(placeKey(f.line, f.oldLine, f.text, f.symbol));
  return out;
}

export const symbolFacts = (file: FileDiff, hunks: AnnotatedHunk[], described: ReadonlySet<string> = new Set()): Fact[] => {
  const mentioned = (l: AnnotatedLine, id: string) => described.size > 0 && described.has(placeKey(l.anchor, l.oldLine, l.text, id));
  const out: Fact[] = [];
  const seen = new Set<string>();
  const lines = [...changedLines(hunks)].map((l) => ({ l, ids: identifiersIn(l.code) }));
  // Where each identifier is added: a removal is no "no longer uses" when the same function
  // still uses it (a rewritten line) or a function the patch adds whole does (a helper).
  const addedIn = new Map<string, Set<string>>();
  // And the other way: an added line names nothing new when the same function loses a line at
  // the same indentation that named all of its identifiers (an argument or a cast dropped, a
  // field reached another way). Indented otherwise, it sits under another condition.
  const removedWith = new Map<string, { fn: string; indent: string; ids: Set<string> }[]>();
  for (const { l, ids } of lines) {
    if (l.kind === '+') for (const id of ids) entryOf(addedIn, id, () => new Set()).add(l.function ?? '');
    else {
      const all = new Set(ids);
      const indent = indentOf(l.code);
      for (const id of ids) entryOf(removedWith, id, () => []).push({ fn: l.function ?? '', indent, ids: all });
    }
  }
  const rewritten = (id: string, l: AnnotatedLine, ids: string[]) => {
    const candidates = removedWith.get(id);
    if (!candidates) return false;
    const fn = l.function ?? '';
    const indent = indentOf(l.code);
    for (let i = 0; i < candidates.length && i < MAX_REWRITE_CANDIDATES; i++) {
      const r = candidates[i]!;
      if (r.fn === fn && r.indent === indent && ids.every((x) => r.ids.has(x))) return true;
    }
    return false;
  };
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
    const defines = definedOn(l.code);
    for (const id of ids) {
      if (mentioned(l, id) || id === defines) continue;
      // One fact per symbol and side per file: the first place is where a reviewer looks.
      const key = kind + id;
      if (seen.has(key)) continue;
      if (kind === 'symbol-removed' && stillUsed(id, l.function)) continue;
      if (kind === 'symbol-added' && rewritten(id, l, ids)) continue;
      seen.add(key);
      out.push(lineFact(kind, id, file, l));
    }
  }
  return out;
};

/** An export of a function names it without using it. */
const EXPORT = /^\s*EXPORT_SYMBOL\w*\s*\(\s*(\w+)\s*\)/;

/**
 * The function a line defines, declares or exports (its signature, a prototype, an
 * EXPORT_SYMBOL): that line names the function, it does not use it.
 */
function definedOn(code: string): string | null {
  const e = code.includes('EXPORT_SYMBOL') ? EXPORT.exec(code) : null;
  if (e) return e[1]!;
  const c0 = code.charCodeAt(0);
  if (c0 === 32 || c0 === 9 || !code.includes('(')) return null;
  // A prototype is a signature ended by ";" at column 0.
  const signature = code.trimEnd().endsWith(');') ? code.trimEnd().slice(0, -1) : code;
  return isFunctionStart(signature) ? functionNameOf(signature) : null;
}

function indentOf(code: string): string {
  let i = 0;
  while (i < code.length && (code[i] === ' ' || code[i] === '\t')) i++;
  return code.slice(0, i);
}

/** Removed lines compared per identifier: bounds the work on a patch that deletes a huge table. */
const MAX_REWRITE_CANDIDATES = 64;

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
