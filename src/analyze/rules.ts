// Knowledge entries → compiled rules: triggers with their regexes and globs built once,
// and an index from exact symbol to the triggers that name it.
import { createRequire } from 'node:module';
import type { Entry } from '../knowledge/entry.js';
import type { Fact, FactKind } from '../model/facts.js';
import { SEVERITY_RANK, type Severity } from '../model/finding.js';
import { unsafeReason } from '../knowledge/safe-regex.js';
import { resolveReference } from '../knowledge/entry.js';
import type { RuleMeta, RulesMeta } from '../model/report.js';
import { INCOMPLETE_META, INCOMPLETE_RULE } from './incomplete.js';

export interface CompiledTrigger {
  entry: Entry;
  severity: Severity;
  /**
   * For a trigger held to a note because it matches only generic facts: the severity it asks
   * for (at most a warning), given when the same function also has a risky fact of the
   * entry's category (see match.ts).
   */
  escalatesTo?: Severity;
  symbols: Set<string> | null;
  symbolPatterns: (() => RegExp[]) | null;
  facts: Set<FactKind> | null;
  files: ((p: string) => boolean) | null;
  notFiles: ((p: string) => boolean) | null;
  lines: (() => RegExp[]) | null;
  functions: (() => RegExp[]) | null;
}

export interface RuleSet {
  bySymbol: Map<string, CompiledTrigger[]>;
  /** Triggers without exact symbols but with fact kinds: checked against facts of those kinds. */
  scanByKind: Map<FactKind, CompiledTrigger[]>;
  /** Triggers with neither: checked against every fact. */
  scanAny: CompiledTrigger[];
  entries: Map<string, Entry>;
  /** Rule metadata, built on first use per rule (references resolved once, not per finding). */
  meta: RulesMeta;
}

/** Without explicit triggers an entry fires on any mention, but never above warning: errors need a narrow trigger. */
const DEFAULT_TRIGGER_CAP: Severity = 'warning';

/**
 * Facts that only say "this was touched": a function changed, an identifier appears on a
 * changed line, an op is assigned or called, a header or document changed. A trigger that
 * accepts nothing more specific gives context, not a concern: its findings are notes. A
 * warning needs a fact that says what the patch does (a bit offered, a lock moved, a length
 * taken from userspace unchecked, a declaration changed).
 */
export const GENERIC_FACT_KINDS: ReadonlySet<FactKind> = new Set<FactKind>(['symbol-added', 'symbol-removed', 'function-changed', 'op-assigned', 'op-called', 'uapi-header-changed', 'doc-changed']);

/** The cap for a trigger that matches only generic facts. */
export const GENERIC_TRIGGER_CAP: Severity = 'note';

/** Touching a function, an op, a header or a document says nothing about what changed. */
const PLACE_ONLY: ReadonlySet<FactKind> = new Set<FactKind>(['function-changed', 'op-assigned', 'op-called', 'uapi-header-changed', 'doc-changed']);

/**
 * Generic: the trigger accepts only "touched" facts, either about places (a function, an op)
 * or about identifiers it does not name exactly (a pattern over names). A trigger naming
 * exact identifiers (a feature bit, a type tag) on a changed line is specific enough.
 */
function onlyGeneric(t: { facts?: FactKind[]; symbols?: string[] }): boolean {
  const facts = t.facts ?? [];
  if (facts.length > 0 && facts.every((k) => PLACE_ONLY.has(k))) return true;
  const named = !!t.symbols && t.symbols.length > 0;
  return !named && (facts.length === 0 || facts.every((k) => GENERIC_FACT_KINDS.has(k)));
}

/**
 * The severity a trigger gives one fact. A trigger that also accepts specific facts keeps its
 * severity for them, but a place-only fact it matches (the function changed, an op assigned)
 * follows the generic rule all the same: a note, raised only when the function also carries a
 * risky fact of the entry's category.
 */
export function severityFor(t: CompiledTrigger, f: Fact): { severity: Severity; escalatesTo?: Severity } {
  if (t.escalatesTo || !PLACE_ONLY.has(f.kind) || SEVERITY_RANK[t.severity] <= SEVERITY_RANK[GENERIC_TRIGGER_CAP]) {
    return t.escalatesTo ? { severity: t.severity, escalatesTo: t.escalatesTo } : { severity: t.severity };
  }
  return { severity: GENERIC_TRIGGER_CAP, escalatesTo: SEVERITY_RANK[t.severity] > SEVERITY_RANK.warning ? 'warning' : t.severity };
}

/** Line text longer than this is cut before pattern matching: bounds the time per line. */
export const MAX_MATCH_TEXT = 2000;

/** One compiled RegExp per source: many triggers share the same patterns and file globs. */
const compiledRegexes = new Map<string, RegExp | null>();

/** The pattern compiled, or null when it is unsafe (reported at load, never run). */
function compiled(source: string, checked: boolean): RegExp | null {
  let re = compiledRegexes.get(source);
  if (re === undefined) {
    re = checked || unsafeReason(source) === null ? new RegExp(source) : null;
    compiledRegexes.set(source, re);
  }
  return re;
}

/** Compiled on first use: most triggers never see a fact that reaches their patterns. */
function regexes(patterns: string[] | undefined): (() => RegExp[]) | null {
  if (!patterns || patterns.length === 0) return null;
  let list: RegExp[] | null = null;
  return () => (list ??= patterns.map((p) => compiled(p, false)).filter((re): re is RegExp => re !== null));
}

/** Set by the knowledge compiler (compile.ts): the globs as one regular expression. */
interface CompiledGlobs {
  filesRegex?: string;
  notFilesRegex?: string;
}

function fileTest(list: string[] | undefined, precompiled: string | undefined): ((p: string) => boolean) | null {
  if (precompiled) {
    // Made by the knowledge compiler from globs: safe by construction. A patch's facts come
    // file by file, so the last answer is usually the one asked for again.
    let re: RegExp | null = null;
    let lastPath: string | null = null;
    let last = false;
    return (p) => {
      if (p !== lastPath) {
        last = (re ??= compiled(precompiled, true)!).test(p);
        lastPath = p;
      }
      return last;
    };
  }
  return globs(list);
}

/**
 * Compiled on first use (most triggers never reach their file check), and remembered per
 * path: a patch asks about the same few files for thousands of facts.
 */
function globs(list: string[] | undefined): ((p: string) => boolean) | null {
  if (!list || list.length === 0) return null;
  let matcher: ((p: string) => boolean) | null = null;
  const seen = new Map<string, boolean>();
  return (p) => {
    let r = seen.get(p);
    if (r === undefined) {
      r = (matcher ??= (createRequire(import.meta.url)('picomatch') as typeof import('picomatch'))(list, { dot: true }))(p);
      if (seen.size > 4096) seen.clear();
      seen.set(p, r);
    }
    return r;
  };
}

export function compileRules(entries: Entry[]): RuleSet {
  const bySymbol = new Map<string, CompiledTrigger[]>();
  const scanByKind = new Map<FactKind, CompiledTrigger[]>();
  const scanAny: CompiledTrigger[] = [];
  const push = <K>(m: Map<K, CompiledTrigger[]>, k: K, t: CompiledTrigger) => {
    const list = m.get(k);
    if (list) list.push(t);
    else m.set(k, [t]);
  };
  for (const entry of entries) {
    const explicit = entry.triggers && entry.triggers.length > 0;
    const triggers = explicit ? entry.triggers! : [{ symbols: entry.symbols }];
    for (const t of triggers) {
      let severity: Severity = t.severity ?? entry.severity;
      if (!explicit && SEVERITY_RANK[severity] > SEVERITY_RANK[DEFAULT_TRIGGER_CAP]) severity = DEFAULT_TRIGGER_CAP;
      let escalatesTo: Severity | undefined;
      if (onlyGeneric(t) && SEVERITY_RANK[severity] > SEVERITY_RANK[GENERIC_TRIGGER_CAP]) {
        escalatesTo = SEVERITY_RANK[severity] > SEVERITY_RANK.warning ? 'warning' : severity;
        severity = GENERIC_TRIGGER_CAP;
      }
      const ct: CompiledTrigger = {
        entry,
        severity,
        ...(escalatesTo ? { escalatesTo } : {}),
        symbols: t.symbols && t.symbols.length > 0 ? new Set(t.symbols) : null,
        symbolPatterns: regexes(t.symbolPatterns),
        facts: t.facts && t.facts.length > 0 ? new Set(t.facts) : null,
        files: fileTest(t.files, (t as CompiledGlobs).filesRegex),
        notFiles: fileTest(t.notFiles, (t as CompiledGlobs).notFilesRegex),
        lines: regexes(t.lines),
        functions: regexes(t.functions),
      };
      if (ct.symbols) for (const s of ct.symbols) push(bySymbol, s, ct);
      else if (ct.facts) for (const k of ct.facts) push(scanByKind, k, ct);
      else scanAny.push(ct);
    }
  }
  const byId = new Map(entries.map((e) => [e.id, e]));
  return { bySymbol, scanByKind, scanAny, entries: byId, meta: rulesMeta(byId) };
}

/**
 * Metadata per rule, made when a rule first fires: an entry's texts and references live in the
 * snapshot's details file, and most entries never fire in a run.
 */
function rulesMeta(entries: Map<string, Entry>): RulesMeta {
  const made = new Map<string, RuleMeta>();
  return {
    get(ruleId) {
      let m = made.get(ruleId);
      if (m) return m;
      const e = entries.get(ruleId);
      if (!e) return ruleId === INCOMPLETE_RULE ? INCOMPLETE_META : undefined;
      m = { id: e.id, title: e.title, category: e.category, summary: e.summary.trim(), checklist: e.checklist, consumers: e.consumers, references: e.references.map(resolveReference) };
      made.set(ruleId, m);
      return m;
    },
  };
}

/** The cheap part of a trigger: exact symbols, fact kinds and file globs. */
export function triggerPlaceMatches(t: CompiledTrigger, f: Fact): boolean {
  if (t.symbols && !t.symbols.has(f.symbol)) return false;
  if (t.facts && !t.facts.has(f.kind)) return false;
  if (t.files && (f.file === null || !t.files(f.file))) return false;
  if (t.notFiles && f.file !== null && t.notFiles(f.file)) return false;
  return true;
}

/** The knowledge's own regular expressions: over the symbol, the enclosing function and the line text. */
export function triggerPatternsMatch(t: CompiledTrigger, f: Fact): boolean {
  if (t.symbolPatterns && !t.symbolPatterns().some((re) => re.test(f.symbol))) return false;
  if (t.functions && !(f.function && t.functions().some((re) => re.test(f.function!)))) return false;
  if (t.lines) {
    const text = (f.text ?? '').slice(0, MAX_MATCH_TEXT);
    if (!t.lines().some((re) => re.test(text))) return false;
  }
  return true;
}

const NONE: CompiledTrigger[] = [];

/** The triggers that could match a fact: by its symbol, by its kind, and the few that match anything. */
export function candidateTriggers(rules: RuleSet, f: Fact): CompiledTrigger[][] {
  return [rules.bySymbol.get(f.symbol) ?? NONE, rules.scanByKind.get(f.kind) ?? NONE, rules.scanAny];
}
