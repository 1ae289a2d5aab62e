// error-value-changed: in a function userspace reaches, the patch changes what a failure hands
// back, without adding a new refusal (errors.ts) or a new check (input-checks.ts):
//  - swapped: a "return -EA;" / "ret = -EA;" rewritten in place to another errno, to the callee's
//    code ("return ret;"), or the reverse: the caller sees another errno for the same failure;
//  - overwritten: "ret = -EA;" followed, with nothing that reads ret or leaves in between, by
//    another "ret = ...;": the error is lost before the return;
//  - success: "return 0;" as the body of "if (ret)" / "if (IS_ERR(p))": the failure is reported
//    as success;
//  - dropped: "ret = foo(...); if (ret) ..." rewritten to a bare "foo(...);": the failure is ignored;
//  - count: a read/write/sendmsg/show handler returns another count in place of the one it
//    returned ("return copied;" → "return len;"): what userspace is told was moved changes.
// Reviewers raise each of these as "userspace now sees a different error" or "the error is lost".
import type { Fact } from '../../model/facts.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { isCLike } from '../annotate.js';
import type { PatchScope } from '../uapi/scope.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';
import { reachedByUser } from './user-entry.js';
import { compat } from '../uapi/compat.js';
import { detector, execIn, gated, testIn } from './literal-gate.js';
import { isIdentChar } from '../c-code.js';
import { RESULT_NAMES, alternativesOf } from './result-names.js';
import { entryOf } from '../map-entry.js';

/** Names a function keeps its result in. */
const RESULT_VAR = alternativesOf(RESULT_NAMES);
/** "return -EINVAL;", "return ERR_PTR(-EINVAL);", "return ret;": group 1 the value. */
const RETURN = /^\s*return\s+(?:ERR_PTR\s*\(\s*)?(-E[A-Z0-9]{2,}|[a-z_]\w*)\s*(?:\)\s*)?;\s*$/;
/** "ret = -EINVAL;": group 1 the variable, group 2 the errno. */
const ERRNO_ASSIGN = gated(new RegExp(`^\\s*(${RESULT_VAR})\\s*=\\s*(-E[A-Z0-9]{2,})\\s*;\\s*$`), ['-E']);
/** "ret = anything;" (not "==", not "+="): group 1 the variable. */
const ASSIGN = /^\s*([a-z_]\w*)\s*=(?!=)/;
/** "ret = foo(a, b);" on one line: group 1 the variable, group 2 the call. */
const CALL_ASSIGN = gated(new RegExp(`^\\s*(${RESULT_VAR})\\s*=\\s*([a-z_]\\w*(?:(?:->|\\.)\\w+)*\\s*\\([^;]*\\))\\s*;\\s*$`), ['(']);
const ERRNO = /^-E[A-Z0-9]{2,}$/;
const RESULT = new RegExp(`^(?:${RESULT_VAR})$`);
/**
 * Lines after which an earlier assignment may be read on another path, or after which the next
 * statement runs only on a condition ("ret = -ENOENT; if (found) ret = 0;" is a default).
 */
const LEAVES = /\b(?:return|goto|break|continue|else|case|default|if|for|while|switch|do)\b|^\s*[a-z_]\w*\s*:(?!:)|^\s*#/;
/** "if (ret)", "if (err < 0)", "if (unlikely(ret))", "if (IS_ERR(p))" with nothing after but "{". */
const FAILED = gated(new RegExp(`^\\s*if\\s*\\(\\s*(?:unlikely\\s*\\(\\s*)?(?:(?:${RESULT_VAR})(?:\\s*(?:<|!=)\\s*0)?|IS_ERR(?:_OR_NULL)?\\s*\\([^()]*\\))\\s*(?:\\)\\s*)?\\)\\s*(?:\\{\\s*)?$`), ['if']);
const RETURN_ZERO = gated(/^\s*return\s+0\s*;\s*$/, ['return']);

type Side = ' ' | '+' | '-';
type ScopedFileProducer = (file: Parameters<FileFactProducer>[0], hunks: AnnotatedHunk[], scope?: PatchScope) => Fact[];

export const errorFlowFacts: ScopedFileProducer = detector({ files: isCLike, needs: [ERRNO_ASSIGN, RETURN_ZERO, CALL_ASSIGN] }, (file, allHunks, scope?: PatchScope) => {
  const hunks = bounded(allHunks);
  const byUser = reachedByUser(hunks, scope);
  // Asked of every line of a hunk: one answer per function.
  const reached = new Map<string, boolean>();
  const reachable = (l: AnnotatedLine) => {
    const fn = l.function;
    if (!fn) return false;
    let yes = reached.get(fn);
    if (yes === undefined) reached.set(fn, (yes = byUser(fn)));
    return yes;
  };
  const out: Fact[] = [];
  const seen = new Set<string>();
  const push = (l: AnnotatedLine, key: string, detail: string, why: string) => {
    if (seen.has(`${l.function}:${key}`)) return;
    seen.add(`${l.function}:${key}`);
    out.push(lineFact('error-value-changed', l.function!, file, l, { detail: `${l.function}() ${detail}`, compat: compat('behaviour-change', why) }));
  };
  for (const h of hunks) {
    // Every finding sits on a line of a function userspace reaches: a hunk with none has none.
    if (!h.lines.some((l) => l.kind !== ' ') || !h.lines.some(reachable)) continue;
    for (const s of swaps(h.lines)) {
      if (!reachable(s.added)) continue;
      if (s.count) {
        push(s.added, `count:${s.from}:${s.to}`, `now returns ${s.to} where it returned ${s.from}`, 'the count userspace gets back (bytes or entries moved) may now mean something else, or be short or long for the same request');
        continue;
      }
      push(s.added, `swap:${s.from}:${s.to}`, `now ${s.to === '0' ? 'returns 0' : `hands back ${show(s.to)}`} where it handed back ${show(s.from)}`, s.to === '0' ? 'a failure the caller saw is now reported as success' : 'a caller that tells failures apart by errno now sees another one for the same failure');
    }
    const before = new Set(overwrites(h.lines, '-').map((o) => o.key));
    for (const o of overwrites(h.lines, '+')) {
      if (before.has(o.key) || !o.changed || !reachable(o.at)) continue;
      const what = ERRNO.test(o.errno) ? o.errno : `the result of ${o.errno.replace(/\s*\(.*$/s, '')}()`;
      push(o.at, `over:${o.variable}`, `sets ${o.variable} to ${what}, then overwrites it before it is checked or returned ("${o.at.code.trim()}")`, `${what} is lost: the caller sees whatever the later assignment leaves`);
    }
    for (const d of dropped(h.lines)) {
      if (!reachable(d.at)) continue;
      push(d.at, `drop:${d.callee}`, `no longer passes on what ${d.callee}() returns ("${d.at.code.trim()}")`, `a failure of ${d.callee}() is now ignored and the caller sees success`);
    }
    const hadSuccess = new Set(successes(h.lines, '-').map((s) => s.key));
    for (const s of successes(h.lines, '+')) {
      if (hadSuccess.has(s.key) || s.at.kind !== '+' || !reachable(s.at)) continue;
      push(s.at, `ok:${s.key}`, `returns 0 when ${s.guard} says the call failed`, 'the failure is reported as success and the caller carries on');
    }
  }
  return out;
});

/** The most lines either side of a change block may have for its returns to be paired. */
const REWRITE_LINES = 4;
const resultValue = (v: string) => ERRNO.test(v) || RESULT.test(v) || v === '0';
const show = (v: string) => (ERRNO.test(v) ? v : `the callee's code (${v})`);

interface Swap {
  added: AnnotatedLine;
  from: string;
  to: string;
  /** A count returned by a data call, not an error. */
  count: boolean;
}

/** Handlers whose non-negative return is the number of bytes or entries moved. */
const DATA_CALL = /_(?:read|write|read_iter|write_iter|recvmsg|sendmsg|show|store|splice_read|splice_write)$/;
/**
 * Names of lengths. A result variable ("ret") is left out: "return count;" ↔ "return ret;" in a
 * store is how the error path is restructured, and ret holds the count on success.
 */
const LENGTH_NAME = /^(?:len|count|copied|size|written|total|bytes|nbytes|total_written|sent|recvd)$/;

/** Two lengths returned by a data call, one in place of the other. */
function countChange(from: string, to: string, fn: string | null): boolean {
  return !!fn && DATA_CALL.test(fn) && LENGTH_NAME.test(from) && LENGTH_NAME.test(to);
}

/**
 * In each block of removed lines followed by added lines: the returns (and result assignments)
 * whose value changed, paired in order per target. At least one side is an errno literal; a
 * variable replaced by another variable is a rename.
 */
export function swaps(lines: AnnotatedLine[]): Swap[] {
  const out: Swap[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.kind !== '-') {
      i++;
      continue;
    }
    const removed: AnnotatedLine[] = [];
    const added: AnnotatedLine[] = [];
    while (i < lines.length && lines[i]!.kind === '-') removed.push(lines[i++]!);
    while (i < lines.length && lines[i]!.kind === '+') added.push(lines[i++]!);
    // Only a local rewrite pairs its returns: in a restructured block they need not correspond.
    if (removed.length > REWRITE_LINES || added.length > REWRITE_LINES) continue;
    const olds = valuesOf(removed);
    const news = valuesOf(added);
    for (const [target, from] of olds) {
      const to = news.get(target);
      if (!to || from.length !== to.length) continue;
      from.forEach((f, k) => {
        const t = to[k]!;
        // One side an errno literal, the other another errno, the result variable or (in place
        // of an error) 0; a variable replaced by another variable is a rename.
        if (f.value === t.value) return;
        // A data call's return is a count: another count (or the result variable) in its place
        // changes what read()/write()/sendmsg() tell userspace was moved.
        if (target === 'return' && countChange(f.value, t.value, t.line.function)) {
          out.push({ added: t.line, from: f.value, to: t.value, count: true });
          return;
        }
        if (f.value === '0' || !resultValue(f.value) || !resultValue(t.value)) return;
        if (!ERRNO.test(f.value) && !ERRNO.test(t.value)) return;
        out.push({ added: t.line, from: f.value, to: t.value, count: false });
      });
    }
  }
  return out;
}

/** Per target ("return" or the variable assigned), the values in order. */
function valuesOf(lines: AnnotatedLine[]): Map<string, { value: string; line: AnnotatedLine }[]> {
  const out = new Map<string, { value: string; line: AnnotatedLine }[]>();
  const add = (target: string, value: string, line: AnnotatedLine) => entryOf(out, target, () => []).push({ value, line });
  for (const l of lines) {
    if (l.code.includes('return')) {
      const r = RETURN.exec(l.code) ?? (RETURN_ZERO.re.test(l.code) ? ['', '0'] : null);
      if (r) add('return', r[1]!, l);
      continue;
    }
    const m = testIn(l.code, ERRNO_ASSIGN) ? ERRNO_ASSIGN.re.exec(l.code) : null;
    if (m) add(m[1]!, m[2]!, l);
  }
  return out;
}

interface Overwrite {
  variable: string;
  errno: string;
  at: AnnotatedLine;
  key: string;
  /** A changed line (of either side) lies between the assignment and its overwrite, both included. */
  changed: boolean;
}

/**
 * On one side of the hunk ('+' the new, '-' the old): an errno assigned to a result variable,
 * then the same variable assigned again at the same or an outer brace depth, with no line in
 * between that reads it, leaves the block or joins another path.
 */
function overwrites(lines: AnnotatedLine[], side: Side): Overwrite[] {
  const out: Overwrite[] = [];
  let pending: { variable: string; errno: string; depth: number; code: string; changed: boolean } | null = null;
  let depth = 0;
  for (const l of lines) {
    if (l.kind !== ' ' && l.kind !== side) {
      // A line only the other side has, between the two: the patch made this pair.
      if (pending) pending.changed = true;
      continue;
    }
    const code = l.code;
    if (code.trim() === '') continue;
    const assign = testIn(code, ERRNO_ASSIGN) ? ERRNO_ASSIGN.re.exec(code) : execIn(code, CALL_ASSIGN);
    if (pending) {
      pending.changed ||= l.kind === side;
      const again = ASSIGN.exec(code);
      if (again && again[1] === pending.variable && depth <= pending.depth && !readsAfterAssign(code, pending.variable)) {
        // Keyed by what is lost and who overwrites it: an argument added to either call is the same pair.
        const by = /=\s*([\w.>-]+)/.exec(code)?.[1] ?? '';
        out.push({ variable: pending.variable, errno: pending.errno, at: l, key: `${pending.variable}|${pending.errno.replace(/\s*\(.*$/s, '')}|${by}`, changed: pending.changed });
        pending = null;
      } else if (LEAVES.test(code) || mentions(code, pending.variable)) pending = null;
    }
    depth += count(code, '{') - count(code, '}');
    if (depth < (pending?.depth ?? -Infinity)) pending = null;
    if (assign) pending = { variable: assign[1]!, errno: assign[2]!, depth, code, changed: l.kind === side };
  }
  return out;
}

/** "ret = ret ?: foo();" reads it: only the right-hand side is looked at. */
function readsAfterAssign(code: string, variable: string): boolean {
  return mentions(code.slice(code.indexOf('=') + 1), variable);
}

function mentions(code: string, variable: string): boolean {
  let at = code.indexOf(variable);
  while (at >= 0) {
    const before = code.charCodeAt(at - 1);
    const after = code.charCodeAt(at + variable.length);
    if (!isIdentChar(before) && !isIdentChar(after) && code[at - 1] !== '.' && code[at - 1] !== '>') return true;
    at = code.indexOf(variable, at + 1);
  }
  return false;
}

function count(code: string, ch: string): number {
  let n = 0;
  for (let at = code.indexOf(ch); at >= 0; at = code.indexOf(ch, at + 1)) n++;
  return n;
}

/** "ret = foo(", "if (foo(", "if (!foo(", "return foo(": a call whose result the code uses; group 1 the callee. */
const USED_CALL = new RegExp(`^\\s*(?:(?:${RESULT_VAR})\\s*=|if\\s*\\(\\s*!?|return\\s+)\\s*([a-z_]\\w*)\\s*\\(`);
/** "foo(...);" or "(void)foo(": a call statement whose result nobody reads; group 1 the callee. */
const BARE_CALL = /^\s*(?:\(void\)\s*)?([a-z_]\w*)\s*\(/;
/** "static void foo(" at the start of a definition: group 1 the name. */
const VOID_DEF = /^(?:static\s+)?(?:inline\s+)?void\s+([a-z_]\w*)\s*\(/;
/** A line after which a new statement starts, and the ends of a call statement's first line. */
const STATEMENT_END = /[;{}:]$/;
const STATEMENT_TAIL = /(?:\);|,|\()$/;
const NOT_CALL = /^(?:if|for|while|switch|return|sizeof|do|else|case|goto|typeof|__typeof__)$/;

/**
 * A call whose result a removed line used ("ret = foo(...)", "if (foo(...))"), made a bare
 * statement by an added line of the same hunk and function, with no added line there using it:
 * its failure is no longer handed back.
 */
function dropped(lines: AnnotatedLine[]): { at: AnnotatedLine; callee: string }[] {
  const used = new Set<string>();
  const usedNow = new Set<string>();
  const bare: { at: AnnotatedLine; callee: string }[] = [];
  // The new side's previous line: a call starts a statement only after one ended.
  let previous = ';';
  // Functions the patch makes void: they have nothing to pass a failure on in.
  const madeVoid = new Set<string>();
  for (const l of lines) {
    const code = l.code.trim();
    if (l.kind === '+') {
      const v = VOID_DEF.exec(l.code);
      if (v) madeVoid.add(v[1]!);
    }
    if (l.kind !== ' ' && code !== '') {
      const u = USED_CALL.exec(l.code);
      if (u) (l.kind === '-' ? used : usedNow).add(`${l.function}:${u[1]}`);
      else if (l.kind === '+' && STATEMENT_END.test(previous) && STATEMENT_TAIL.test(code)) {
        const b = BARE_CALL.exec(l.code);
        if (b && !NOT_CALL.test(b[1]!)) bare.push({ at: l, callee: b[1]! });
      }
    }
    if (l.kind !== '-' && code !== '') previous = code;
  }
  return bare.filter((b) => !madeVoid.has(b.at.function ?? '') && used.has(`${b.at.function}:${b.callee}`) && !usedNow.has(`${b.at.function}:${b.callee}`));
}

/** On one side: "return 0;" as the first statement under a guard that tests a failure. */
function successes(lines: AnnotatedLine[], side: Side): { at: AnnotatedLine; guard: string; key: string }[] {
  const out: { at: AnnotatedLine; guard: string; key: string }[] = [];
  let previous = '';
  for (const l of lines) {
    if (l.kind !== ' ' && l.kind !== side) continue;
    const code = l.code.trim();
    if (code === '') continue;
    if (testIn(l.code, RETURN_ZERO) && testIn(previous, FAILED)) {
      const guard = previous.trim().replace(/\s*\{$/, '');
      out.push({ at: l, guard: `"${guard}"`, key: guard.replace(/\s+/g, '') });
    }
    previous = l.code;
  }
  return out;
}
