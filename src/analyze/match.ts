// Facts × rules → findings. One finding per entry and patch: a reviewer wants one checklist
// per concern, placed at the most severe (then first) place that raised it, with every other
// place it fired listed beside it.
import { UAPI_DECLARATION_KINDS, type Fact } from '../model/facts.js';
import { SEVERITY_RANK, type Finding, type Severity, type CompatClass, type Place } from '../model/finding.js';
import type { Trailer } from '../model/patch.js';
import { candidateTriggers, severityFor, triggerPatternsMatch, triggerPlaceMatches, type RuleSet } from './rules.js';
import { incompleteFinding } from './incomplete.js';
import { riskIndex, risksFor } from './risk.js';

interface Hit {
  severity: Severity;
  fact: Fact;
  facts: Fact[];
  /** The same facts, to add each once without a scan per fact (one rule can fire thousands of times). */
  seen: Set<Fact>;
}

const CLASS_RANK: Record<CompatClass, number> = { compatible: 1, 'compatible-if-negotiated': 2, 'behaviour-change': 3, 'abi-break': 4 };

/** Issue 4's rule: a uAPI declaration finding's severity follows its compatibility class. */
export const CLASS_SEVERITY: Record<CompatClass, Severity> = { 'abi-break': 'error', 'behaviour-change': 'warning', 'compatible-if-negotiated': 'warning', compatible: 'note' };

const DECLARATION = new Set<string>(UAPI_DECLARATION_KINDS);

/** The fact with the worst compatibility class, if any fact has one. */
function worstCompat(facts: Fact[]): Fact | undefined {
  let worst: Fact | undefined;
  for (const f of facts) if (f.compat && (!worst || CLASS_RANK[f.compat.class] > CLASS_RANK[worst.compat!.class])) worst = f;
  return worst;
}

/** Upper bound on facts examined per patch: a 100,000-hunk diff still finishes. */
export const MAX_FACTS_PER_PATCH = 200_000;

/**
 * Time one patch may spend matching facts against rules. Patterns are checked for linear time
 * when the knowledge is compiled; this bounds what slips through (a tampered cache, a huge
 * patch): past it the patch is reported as not fully reviewed and the hook goes on.
 */
export const MATCH_BUDGET_MS = 2000;

/** Findings reported per patch; the rest are counted in a review-incomplete finding. */
export const MAX_FINDINGS_PER_PATCH = 1000;

export function matchFacts(facts: Fact[], rules: RuleSet, budgetMs = MATCH_BUDGET_MS): Finding[] {
  const hits = new Map<string, Hit>();
  const limit = Math.min(facts.length, MAX_FACTS_PER_PATCH);
  const started = performance.now();
  // Time spent in each rule's patterns, to name the one that used the budget up.
  const patternTime = new Map<string, number>();
  let stoppedAt = -1;
  const risks = riskIndex(facts, limit);
  for (let i = 0; i < limit; i++) {
    const f = facts[i]!;
    if ((i & 63) === 0 && performance.now() - started > budgetMs) {
      stoppedAt = i;
      break;
    }
    for (const group of candidateTriggers(rules, f)) for (const t of group) {
      if (!triggerPlaceMatches(t, f)) continue;
      let matched = true;
      // Only the patterns are timed: the clock costs more than the checks before them.
      if (t.lines || t.symbolPatterns || t.functions) {
        const t0 = performance.now();
        matched = triggerPatternsMatch(t, f);
        const t1 = performance.now();
        const id = t.entry.id;
        patternTime.set(id, (patternTime.get(id) ?? 0) + t1 - t0);
        if (t1 - started > budgetMs) stoppedAt = i;
      }
      if (!matched) continue;
      const given = severityFor(t, f);
      let severity = given.severity;
      let fact = f;
      const extra: Fact[] = [];
      // A generic match ("this function changed") is a note unless the same function has a
      // fact of the entry's own category: then it is the concern the entry is about.
      if (given.escalatesTo) {
        const risky = risksFor(risks, f, t.entry.category);
        if (risky.length > 0) {
          severity = given.escalatesTo;
          fact = risky[0]!;
          extra.push(...risky);
        }
      }
      const key = t.entry.id;
      const hit = hits.get(key);
      const found = fact === f ? [f, ...extra] : [...extra, f];
      if (!hit) hits.set(key, { severity, fact, facts: found, seen: new Set(found) });
      else {
        for (const x of found) if (!hit.seen.has(x)) {
          hit.seen.add(x);
          hit.facts.push(x);
        }
        if (SEVERITY_RANK[severity] > SEVERITY_RANK[hit.severity]) {
          hit.severity = severity;
          hit.fact = fact;
        }
      }
    }
    if (stoppedAt >= 0) break;
  }
  const findings: Finding[] = [];
  for (const [key, hit] of hits) {
    const entry = rules.entries.get(key)!;
    const meta = rules.meta.get(entry.id)!;
    // uAPI rules (category uapi-abi) are at least as severe as the worst declaration change
    // they saw (a break is an error whatever the trigger said) and point at it; an entry may
    // still raise a compatible change to a warning for a reason of its own.
    const worst = worstCompat(hit.facts);
    if (worst && entry.category === 'uapi-abi' && DECLARATION.has(worst.kind)) {
      const bySeverity = CLASS_SEVERITY[worst.compat!.class];
      if (SEVERITY_RANK[bySeverity] >= SEVERITY_RANK[hit.severity]) {
        hit.severity = bySeverity;
        hit.fact = worst;
      }
    }
    // An error about a layout or a request number rests on a compiler-confirmed fact; the
    // hand evaluator's reading of the hunk is at most a warning, and says why.
    let verification = '';
    if (hit.severity === 'error' && hit.fact.unverified && !hit.facts.some((f) => f.verified && f.compat?.class === 'abi-break')) {
      hit.severity = 'warning';
      verification = ` Not verified (${hit.fact.unverified}).`;
    } else if (hit.fact.verified) verification = ` Verified by ${hit.fact.verified}.`;
    // The lead fact first: what this patch does to which symbol, and what breaks; the
    // entry's background after it.
    const lead = hit.fact;
    const details = unique([describeFact(lead), ...hit.facts.filter((f) => f !== lead).map((f) => f.detail).filter((d): d is string => !!d)]);
    const symbols = unique([hit.fact.symbol, ...hit.facts.map((f) => f.symbol)]).slice(0, 20);
    const breaks = lead.compat ? ` ${capitalise(lead.compat.reason)}.` : '';
    const more = details.length > 1 ? ` Here: ${details.slice(1, 3).join('; ')}${details.length > 3 ? ` (+${details.length - 3} more)` : ''}.` : '';
    const finding: Finding = {
      ruleId: entry.id,
      category: entry.category,
      severity: hit.severity,
      title: meta.title,
      message: `${capitalise(details[0]!)}.${breaks}${more} ${meta.summary}`,
      file: hit.fact.file,
      line: hit.fact.line,
      symbols,
      checklist: meta.checklist,
      consumers: meta.consumers,
      references: meta.references,
      places: placesOf(hit.fact, hit.facts),
    };
    if (worst) {
      finding.compatClass = worst.compat!.class;
      if (worst !== lead) finding.message += ` Compatibility: ${worst.compat!.class}: ${worst.compat!.reason}`;
    }
    finding.message += verification;
    findings.push(finding);
  }
  // Bounded output: a patch touching 200,000 files would otherwise print a report no string can hold.
  if (findings.length > MAX_FINDINGS_PER_PATCH) {
    const sorted = sortFindings([...findings]);
    const dropped = sorted.splice(MAX_FINDINGS_PER_PATCH);
    const files = new Set(dropped.map((f) => f.file)).size;
    findings.length = 0;
    findings.push(...sorted, incompleteFinding(`${dropped.length} more findings (in ${files} files) are not shown: at most ${MAX_FINDINGS_PER_PATCH} per patch, the most severe first`));
  }
  if (stoppedAt >= 0) {
    const slowest = [...patternTime].sort((a, b) => b[1] - a[1])[0];
    const rule = slowest ? ` (most of it in rule ${slowest[0]}'s patterns: ${Math.round(slowest[1])} ms)` : '';
    findings.push(incompleteFinding(`matching stopped after ${budgetMs} ms at fact ${stoppedAt} of ${facts.length}${rule}`));
  } else if (facts.length > limit) {
    findings.push(incompleteFinding(`only the first ${limit} of ${facts.length} facts were matched`));
  }
  return sortFindings(findings);
}

/** Plain code-unit order: localeCompare would load ICU collation on every start-up. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      cmp(a.file ?? '\uffff', b.file ?? '\uffff') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      cmp(a.ruleId, b.ruleId),
  );
}

/** "Patch-Review-Ack: <ruleId> <reason>" trailers mark findings as acknowledged. */
export function applyWaivers(findings: Finding[], trailers: Trailer[]): Finding[] {
  const acks = new Map<string, string>();
  for (const t of trailers) {
    if (t.key !== 'Patch-Review-Ack') continue;
    const [rule, ...reason] = t.value.split(/\s+/);
    if (rule) acks.set(rule, reason.join(' ') || 'acknowledged');
  }
  if (acks.size === 0) return findings;
  return findings.map((f) => (acks.has(f.ruleId) ? { ...f, acknowledged: { reason: acks.get(f.ruleId)! } } : f));
}

const GENERIC_VERB: Partial<Record<Fact['kind'], string>> = {
  'symbol-added': 'uses',
  'symbol-removed': 'no longer uses',
  'op-assigned': 'implements the op',
  'op-called': 'calls the op',
  'function-changed': 'changes',
  'uapi-header-changed': 'changes the uAPI header',
  'doc-changed': 'changes the document',
};

/** One clause naming what the patch does to which symbol, where. */
export function describeFact(f: Fact): string {
  if (f.detail) return f.detail;
  const verb = GENERIC_VERB[f.kind] ?? f.kind.replace(/-/g, ' ');
  const where = f.function && f.kind !== 'function-changed' ? ` in ${f.function}()` : '';
  const sym = f.kind === 'function-changed' ? `${f.symbol}()` : f.symbol;
  return `this patch ${verb} ${sym}${where}${f.file ? ` (${f.file})` : ''}`;
}

function capitalise(s: string): string {
  // A scan from the end, not a `[.\s]+$` regex: that one is quadratic on a long run of spaces
  // anywhere in a detail that quotes a patch's line.
  let end = s.length;
  while (end > 0 && (s[end - 1] === '.' || /\s/.test(s[end - 1]!))) end--;
  const t = s.slice(0, end);
  // An English first word gets its capital; a symbol (vhost_vsock_set_features()) keeps its spelling.
  return /^[a-z]+(?![\w(])/.test(t) ? t.charAt(0).toUpperCase() + t.slice(1) : t;
}

/** Every place a rule fired, the finding's own first, then in file and line order. */
function placesOf(main: Fact, facts: Fact[]): Place[] {
  const seen = new Set<string>();
  const out: Place[] = [];
  const rest = facts.filter((f) => f !== main).sort((a, b) => cmp(a.file ?? '\uffff', b.file ?? '\uffff') || (a.line ?? 0) - (b.line ?? 0));
  for (const f of [main, ...rest]) {
    const key = `${f.file ?? ''}:${f.line ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: f.file, line: f.line });
  }
  return out;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
