// Knowledge entries → compiled rules: triggers with their regexes and globs built once,
// and an index from exact symbol to the triggers that name it.
import picomatch from 'picomatch';
import type { Entry } from '../knowledge/entry.js';
import type { Fact, FactKind } from '../model/facts.js';
import { SEVERITY_RANK, type Severity } from '../model/finding.js';
import { unsafeReason } from '../knowledge/safe-regex.js';

export interface CompiledTrigger {
  entry: Entry;
  severity: Severity;
  symbols: Set<string> | null;
  symbolPatterns: RegExp[] | null;
  facts: Set<FactKind> | null;
  files: ((p: string) => boolean) | null;
  notFiles: ((p: string) => boolean) | null;
  lines: RegExp[] | null;
}

export interface RuleSet {
  bySymbol: Map<string, CompiledTrigger[]>;
  /** Triggers without exact symbols: checked against every fact. */
  scan: CompiledTrigger[];
  entries: Map<string, Entry>;
}

/** Without explicit triggers an entry fires on any mention, but never above warning: errors need a narrow trigger. */
const DEFAULT_TRIGGER_CAP: Severity = 'warning';

/** Line text longer than this is cut before pattern matching: bounds the time per line. */
export const MAX_MATCH_TEXT = 2000;

function regexes(patterns: string[] | undefined): RegExp[] | null {
  if (!patterns || patterns.length === 0) return null;
  // Unsafe patterns were reported at load; they are never run.
  return patterns.filter((p) => unsafeReason(p) === null).map((p) => new RegExp(p));
}

/** Compiled on first use: most triggers never see a fact that reaches their file check. */
function globs(list: string[] | undefined): ((p: string) => boolean) | null {
  if (!list || list.length === 0) return null;
  let matcher: ((p: string) => boolean) | null = null;
  return (p) => (matcher ??= picomatch(list, { dot: true }))(p);
}

export function compileRules(entries: Entry[]): RuleSet {
  const bySymbol = new Map<string, CompiledTrigger[]>();
  const scan: CompiledTrigger[] = [];
  for (const entry of entries) {
    const explicit = entry.triggers && entry.triggers.length > 0;
    const triggers = explicit ? entry.triggers! : [{ symbols: entry.symbols }];
    for (const t of triggers) {
      let severity: Severity = t.severity ?? entry.severity;
      if (!explicit && SEVERITY_RANK[severity] > SEVERITY_RANK[DEFAULT_TRIGGER_CAP]) severity = DEFAULT_TRIGGER_CAP;
      const ct: CompiledTrigger = {
        entry,
        severity,
        symbols: t.symbols && t.symbols.length > 0 ? new Set(t.symbols) : null,
        symbolPatterns: regexes(t.symbolPatterns),
        facts: t.facts && t.facts.length > 0 ? new Set(t.facts) : null,
        files: globs(t.files),
        notFiles: globs(t.notFiles),
        lines: regexes(t.lines),
      };
      if (ct.symbols) {
        for (const s of ct.symbols) {
          const list = bySymbol.get(s);
          if (list) list.push(ct);
          else bySymbol.set(s, [ct]);
        }
      } else scan.push(ct);
    }
  }
  return { bySymbol, scan, entries: new Map(entries.map((e) => [e.id, e])) };
}

export function triggerMatches(t: CompiledTrigger, f: Fact): boolean {
  if (t.symbols && !t.symbols.has(f.symbol)) return false;
  if (t.facts && !t.facts.has(f.kind)) return false;
  if (t.files && (f.file === null || !t.files(f.file))) return false;
  if (t.notFiles && f.file !== null && t.notFiles(f.file)) return false;
  if (t.symbolPatterns && !t.symbolPatterns.some((re) => re.test(f.symbol))) return false;
  if (t.lines) {
    const text = (f.text ?? '').slice(0, MAX_MATCH_TEXT);
    if (!t.lines.some((re) => re.test(text))) return false;
  }
  return true;
}

export function* candidateTriggers(rules: RuleSet, f: Fact): Generator<CompiledTrigger> {
  const exact = rules.bySymbol.get(f.symbol);
  if (exact) yield* exact;
  yield* rules.scan;
}
