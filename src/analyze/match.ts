// Facts × rules → findings. One finding per entry and patch: a reviewer wants one checklist
// per concern, placed at the most severe (then first) place that raised it, with every other
// place it fired listed beside it.
import { UAPI_DECLARATION_KINDS, type Fact } from '../model/facts.js';
import { SEVERITY_RANK, type Finding, type Severity, type CompatClass, type Place } from '../model/finding.js';
import type { Trailer } from '../model/patch.js';
import { resolveReference } from '../knowledge/entry.js';
import { candidateTriggers, triggerMatches, type RuleSet } from './rules.js';

interface Hit {
  severity: Severity;
  fact: Fact;
  facts: Fact[];
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

export function matchFacts(facts: Fact[], rules: RuleSet): Finding[] {
  const hits = new Map<string, Hit>();
  const limit = Math.min(facts.length, MAX_FACTS_PER_PATCH);
  for (let i = 0; i < limit; i++) {
    const f = facts[i]!;
    for (const group of candidateTriggers(rules, f)) for (const t of group) {
      if (!triggerMatches(t, f)) continue;
      const key = t.entry.id;
      const hit = hits.get(key);
      if (!hit) hits.set(key, { severity: t.severity, fact: f, facts: [f] });
      else {
        if (!hit.facts.includes(f)) hit.facts.push(f);
        if (SEVERITY_RANK[t.severity] > SEVERITY_RANK[hit.severity]) {
          hit.severity = t.severity;
          hit.fact = f;
        }
      }
    }
  }
  const findings: Finding[] = [];
  for (const [key, hit] of hits) {
    const entry = rules.entries.get(key)!;
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
    const details = unique(hit.facts.map((f) => f.detail).filter((d): d is string => !!d));
    const symbols = unique([hit.fact.symbol, ...hit.facts.map((f) => f.symbol)]).slice(0, 20);
    const finding: Finding = {
      ruleId: entry.id,
      category: entry.category,
      severity: hit.severity,
      title: entry.title,
      message: details.length > 0 ? `${entry.summary.trim()} Here: ${details.slice(0, 3).join('; ')}${details.length > 3 ? ` (+${details.length - 3} more)` : ''}.` : entry.summary.trim(),
      file: hit.fact.file,
      line: hit.fact.line,
      symbols,
      checklist: entry.checklist,
      consumers: entry.consumers,
      references: entry.references.map(resolveReference),
      places: placesOf(hit.fact, hit.facts),
    };
    if (worst) {
      finding.compatClass = worst.compat!.class;
      finding.message += ` Compatibility: ${worst.compat!.class}: ${worst.compat!.reason}`;
    }
    finding.message += verification;
    findings.push(finding);
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
