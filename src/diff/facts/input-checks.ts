// input-check-changed / error-return-removed: in a function userspace reaches (user-entry.ts),
// the patch rewrites the condition of a guard that fails the call with an error, or deletes such
// a guard with nothing taking its place. Either way the set of requests the call rejects
// changes: a stricter check breaks a caller that used to pass, a looser one lets through input
// the rest of the path was never written to handle. A new guard with a new error is
// error-return-added's (errors.ts); this is the guard that was already there.
import type { Fact } from '../../model/facts.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { isCLike } from '../annotate.js';
import { lineFact } from './types.js';
import type { PatchScope } from '../uapi/scope.js';
import { compat } from '../uapi/compat.js';
import { bounded } from './call-changes.js';
import { detector, gated, execIn } from './literal-gate.js';
import { reachedByUser } from './user-entry.js';
import { newUapiNames, namesAny } from './new-uapi-names.js';
import { entryOf } from '../map-entry.js';

/** A guard's first line: "if (", "} else if (". */
export const IF = /^\s*(?:\}\s*else\s+)?if\s*\(/;
/** The failing statement of a guard: "return -EINVAL;", "ret = -EBUSY;". */
const FAIL = gated(/(?:\breturn\s+|\b[a-z_]\w*\s*=\s*)(?:ERR_PTR\(\s*)?-(E[A-Z0-9]{2,})\b/, ['-E']);
/** Failures of the machine, not a verdict on the request: allocation, copy, device I/O. */
const NOT_INPUT = new Set(['ENOMEM', 'EFAULT', 'EIO']);
/** A condition spans at most this many lines. */
const MAX_COND_LINES = 4;

interface Guard {
  fn: string;
  /** The condition, white space removed. */
  cond: string;
  errno: string;
  at: AnnotatedLine;
  changed: boolean;
}

/** Where the condition's parentheses close on `code`, given the depth before it; -1 if they do not. */
function closeOf(code: string, depth: number): { end: number; depth: number } {
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return { end: i, depth };
  }
  return { end: -1, depth };
}

/** The guards on one side of a hunk: an if whose body (same line or the next) fails with an errno. */
function guardsOf(h: AnnotatedHunk, side: '-' | '+'): Guard[] {
  const seq = h.lines.filter((l) => (l.kind === ' ' || l.kind === side) && l.code.trim() !== '');
  const out: Guard[] = [];
  for (let i = 0; i < seq.length; i++) {
    const first = seq[i]!;
    if (!first.function || !first.code.includes('if') || !IF.test(first.code)) continue;
    let depth = 0;
    let j = i;
    let cond = '';
    let rest = '';
    for (; j < seq.length && j < i + MAX_COND_LINES; j++) {
      const code = seq[j]!.code;
      const start = j === i ? code.indexOf('(') : 0;
      const c = closeOf(code.slice(start), depth);
      if (c.end >= 0) {
        cond += code.slice(start, start + c.end + 1);
        rest = code.slice(start + c.end + 1);
        break;
      }
      cond += code.slice(start);
      depth = c.depth;
    }
    if (j >= seq.length || j >= i + MAX_COND_LINES) continue;
    const lines = seq.slice(i, j + 1);
    let body = rest.replace(/^\s*\{?\s*$/, '');
    if (body === '' && seq[j + 1]) {
      body = seq[j + 1]!.code;
      lines.push(seq[j + 1]!);
    }
    const fail = execIn(body, FAIL);
    if (!fail || NOT_INPUT.has(fail[1]!)) continue;
    out.push({ fn: first.function, cond: cond.replace(/\s+/g, ''), errno: fail[1]!, at: first, changed: lines.some((l) => l.kind !== ' ') });
  }
  return out;
}

export const inputCheckFacts = detector({ needs: [FAIL] }, (file, allHunks, scope?: PatchScope) => {
  if (!isCLike(file.path) || file.role === 'uapi-header') return [];
  const hunks = bounded(allHunks);
  const byUser = reachedByUser(hunks, scope);
  const newNames = newUapiNames(scope);
  const before: Guard[] = [];
  const after: Guard[] = [];
  for (const h of hunks) {
    if (!h.lines.some((l) => l.kind !== ' ')) continue;
    before.push(...guardsOf(h, '-'));
    after.push(...guardsOf(h, '+'));
  }
  const key = (g: Guard) => `${g.fn}\u0000${g.cond}\u0000${g.errno}`;
  const oldKeys = new Set(before.map(key));
  const newKeys = new Set(after.map(key));
  const newConds = new Set(after.map((g) => `${g.fn}\u0000${g.cond}`));
  const shape = new Map<Guard, string>();
  const shapeOf = (g: Guard) => entryOf(shape, g, () => shapeOfCond(g.cond));
  // A guard moved into a helper keeps its test (perhaps on a renamed variable) and its error.
  const kept = new Set(after.filter((g) => g.changed).map((g) => `${shapeOf(g)}\u0000${g.errno}`));
  const gone = before.filter((g) => g.changed && !newKeys.has(key(g)) && byUser(g.fn));
  const dropped = gone.filter((g) => !kept.has(`${shapeOf(g)}\u0000${g.errno}`));
  const out: Fact[] = [];
  const paired = new Set<Guard>();
  for (const g of after) {
    if (!g.changed || oldKeys.has(key(g)) || !byUser(g.fn)) continue;
    const was = gone.find((o) => !paired.has(o) && o.fn === g.fn && o.errno === g.errno);
    if (!was) continue;
    paired.add(was);
    // Renamed variables, a field reached another way, a helper called with other arguments:
    // the same test on the same kind of value.
    if (shapeOf(was) === shapeOf(g)) continue;
    // The test now names a constant the patch adds (a new flag let through, a new feature
    // refused when unsupported): it differs only for requests that use the new interface.
    if (namesAny(g.cond, newNames) && !namesAny(was.cond, newNames)) continue;
    // "(arg & ~(A|B))" → "(arg & ~(A|B|C))": more flags accepted, no request refused that was not before.
    if (widensAcceptedMask(was.cond, g.cond)) continue;
    out.push(
      lineFact('input-check-changed', g.errno, file, g.at, {
        detail: `${g.fn}() now fails with -${g.errno} when ${clip(g.cond)} instead of when ${clip(was.cond)}`,
        compat: compat('behaviour-change', 'a request existing userspace sends may now be refused, or one it could not send is now let through to code that never saw it'),
      }),
    );
  }
  for (const o of dropped) {
    // Same condition, another errno: errors.ts reports the new errno.
    if (paired.has(o) || newConds.has(`${o.fn}\u0000${o.cond}`)) continue;
    out.push(
      lineFact('error-return-removed', o.errno, file, o.at, {
        detail: `${o.fn}() no longer fails with -${o.errno} when ${clip(o.cond)}`,
        compat: compat('behaviour-change', 'input the call used to refuse now goes through, and userspace that probed for the refusal sees success'),
      }),
    );
  }
  return out;
});

const CHAIN = /[*&]?\b[a-z_]\w*(?:(?:->|\.)[A-Za-z_]\w*|\[[^\]]*\])*/g;
const CONSTANT = /\b[A-Z][A-Z0-9_]*\b/g;

/**
 * What a condition tests, without naming what it tests: each lower-case variable, field chain or
 * call (with its arguments) becomes "x", each constant "K"; numbers and operators stay.
 * "(!ops->open)" and "(!parent->ops->open)" have one shape, so have a constant and its new
 * name; "(arg & ~(A|B))" and "(arg & ~(A|B|C))" do not.
 */
export function shapeOfCond(cond: string): string {
  let s = cond.replace(CHAIN, 'x').replace(CONSTANT, 'K');
  // Calls: drop their arguments, innermost first (bounded: a condition is a few lines).
  for (let i = 0; i < 8; i++) {
    const t = s.replace(/x\([^()]*\)/g, 'x');
    if (t === s) break;
    s = t;
  }
  return s;
}

/**
 * The new test is the old one with constants or-ed into a complemented group, "~(A|B)" →
 * "~(A|B|C)": the mask of accepted bits grew, so the guard refuses strictly less.
 */
export function widensAcceptedMask(was: string, now: string): boolean {
  const old = was.replace(/\s+/g, '');
  const cur = now.replace(/\s+/g, '');
  if (!old.includes('~(') || cur.length <= old.length) return false;
  const known = new Set(old.match(CONSTANT) ?? []);
  const extra = [...new Set(cur.match(CONSTANT) ?? [])].filter((c) => !known.has(c));
  if (extra.length === 0) return false;
  let stripped = cur;
  for (const c of extra) stripped = stripped.split(`|${c}`).join('');
  return stripped === old;
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s);
