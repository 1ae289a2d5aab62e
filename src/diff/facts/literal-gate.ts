// Literal gates in front of the behaviour detectors' regular expressions. Each pattern is
// declared with the few substrings it cannot match without (every call it looks for spells one
// of them); a line, or a whole file, that contains none of them is not searched. Most changed
// lines and most files contain none: the big alternations then never run.
//
// Declare a pattern with gated(/…/g, ['lit', …]) beside the detector, search lines with
// matchesIn/execIn/testIn, and wrap the detector with detector({ files, needs }, produce) so it
// does not run at all on a file without any of its literals (one scan per file finds the
// literals of every detector at once). test/diff/literal-gate.test.ts checks each declared
// pattern against strings generated from its regular expression.
import type { FileDiff } from '../../model/diff.js';
import type { Fact } from '../../model/facts.js';
import type { AnnotatedHunk } from '../annotate.js';

/** A regular expression and the literals one of which is in every text it matches. */
export interface Gated {
  readonly re: RegExp;
  readonly needs: readonly string[];
}

/**
 * While a detector runs on a file: the literals that file has. A line can only hold literals
 * its file has, so a pattern checks just those (usually none or one of its list).
 */
let fileLiterals: Set<string> | null = null;
const presentNeeds = new WeakMap<Gated, { of: Set<string>; needs: readonly string[] }>();

function needsToCheck(p: Gated): readonly string[] {
  if (!fileLiterals) return p.needs;
  const known = presentNeeds.get(p);
  if (known?.of === fileLiterals) return known.needs;
  const of = fileLiterals;
  const needs = p.needs.filter((n) => of.has(n));
  presentNeeds.set(p, { of, needs });
  return needs;
}

const patterns: Gated[] = [];
let scanner: { re: RegExp; all: string[]; implied: Map<string, string[]> } | null = null;

export function gated(re: RegExp, needs: readonly string[]): Gated {
  if (needs.length === 0 || needs.some((n) => n.length === 0)) throw new Error(`gated ${re}: literals must be non-empty`);
  const p = { re, needs };
  patterns.push(p);
  scanner = null;
  return p;
}

/** Every pattern declared so far (for the soundness test). */
export function declaredPatterns(): readonly Gated[] {
  return patterns;
}

/** Could `p` match somewhere in `code`? (false means it certainly cannot) */
export function mayMatch(code: string, p: Gated): boolean {
  for (const n of needsToCheck(p)) if (code.includes(n)) return true;
  return false;
}

const NO_MATCHES: readonly RegExpMatchArray[] = [];

/** code.matchAll(p.re) for a global pattern, without running it where the gate says no. */
export function matchesIn(code: string, p: Gated): Iterable<RegExpMatchArray> {
  return mayMatch(code, p) ? code.matchAll(p.re) : NO_MATCHES;
}

/** p.re.exec(code) for a non-global pattern, without running it where the gate says no. */
export function execIn(code: string, p: Gated): RegExpExecArray | null {
  return mayMatch(code, p) ? p.re.exec(code) : null;
}

/** p.re.test(code) for a non-global pattern, without running it where the gate says no. */
export function testIn(code: string, p: Gated): boolean {
  return mayMatch(code, p) && p.re.test(code);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One alternation of every declared literal, longest first, restarted one character after each
 * hit: at any position the longest literal there is found, and the shorter ones it contains
 * are implied, so no literal that occurs is missed.
 */
function theScanner(): NonNullable<typeof scanner> {
  if (scanner) return scanner;
  const all = [...new Set(patterns.flatMap((p) => p.needs))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  scanner = { re: new RegExp(all.map(escape).join('|'), 'g'), all, implied: new Map() };
  return scanner;
}

/** The declared literals inside `hit` (itself included), worked out the first time it is found. */
function impliedBy(hit: string): string[] {
  const s = theScanner();
  let list = s.implied.get(hit);
  if (!list) s.implied.set(hit, (list = s.all.filter((l) => hit.includes(l))));
  return list;
}

/** The declared literals present in a file's code, found once per file for all detectors. */
const presentIn = new WeakMap<readonly AnnotatedHunk[], Set<string>>();

/**
 * Code searched so far in this process. Compiling the alternation costs a few milliseconds,
 * more than a small review searches: until this much code has been seen, each literal is looked
 * up on its own (same answer, cheaper for a process that reviews one patch).
 */
let scanned = 0;
const ALTERNATION_AFTER = 256 * 1024;

export function literalsIn(hunks: readonly AnnotatedHunk[]): Set<string> {
  let found = presentIn.get(hunks);
  if (found) return found;
  found = new Set();
  const before = scanned;
  for (const h of hunks) for (const l of h.lines) scanned += l.code.length + 1;
  if (before < ALTERNATION_AFTER) {
    const text = hunks.map((h) => h.lines.map((l) => l.code).join('\n')).join('\n');
    for (const p of patterns) for (const n of p.needs) if (!found.has(n) && text.includes(n)) found.add(n);
  } else {
    const { re } = theScanner();
    for (const h of hunks) {
      for (const l of h.lines) {
        const code = l.code;
        re.lastIndex = 0;
        for (let m = re.exec(code); m; m = re.exec(code)) {
          if (!found.has(m[0])) for (const s of impliedBy(m[0])) found.add(s);
          re.lastIndex = m.index + 1;
        }
      }
    }
  }
  presentIn.set(hunks, found);
  return found;
}

/** Which files a detector is about, and the patterns at least one of which a fact of it needs. */
export interface DetectorScope {
  files?: (path: string) => boolean;
  needs?: readonly Gated[];
}

/**
 * The detector, run only on files in its scope whose code (any line, context included)
 * contains a literal of one of its patterns; elsewhere it has no fact to give.
 */
export function detector<Rest extends unknown[]>(
  scope: DetectorScope,
  produce: (file: FileDiff, hunks: AnnotatedHunk[], ...rest: Rest) => Fact[],
): (file: FileDiff, hunks: AnnotatedHunk[], ...rest: Rest) => Fact[] {
  const needs = scope.needs?.flatMap((p) => p.needs);
  return (file, hunks, ...rest) => {
    if (scope.files && !scope.files(file.path)) return [];
    const present = literalsIn(hunks);
    if (needs && !needs.some((n) => present.has(n))) return [];
    const outer = fileLiterals;
    fileLiterals = present;
    try {
      return produce(file, hunks, ...rest);
    } finally {
      fileLiterals = outer;
    }
  };
}
