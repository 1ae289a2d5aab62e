// What the short report is made of: a verdict per patch, a headline per finding naming the
// symbol and the consequence, its places, and the few checklist questions and references that
// are most specific to what the patch did. Formatters (text, terse, the hook) share these.
// Rule text (title, checklist, references) comes from the rule metadata the engine built once
// per rule (FormatContext.rulesMeta), never from the finding: a finding names its rule by id.
import type { Finding, Place, Reference } from '../model/finding.js';
import type { RuleMeta, RulesMeta } from '../model/report.js';

/**
 * A finding's rule, from the rule metadata. A rule the metadata does not know (a finding made
 * outside the engine's knowledge base) is named by its id and has no checklist or references.
 */
export function ruleOf(meta: RulesMeta, f: Finding): RuleMeta {
  return meta.get(f.ruleId) ?? { id: f.ruleId, title: f.ruleId, category: f.category, summary: '', checklist: [], consumers: [], references: [] };
}

/**
 * What the patch did, in the finding's words: the specifics the diff stage gave ("Here: …"),
 * else the message's first sentence when it names one of the finding's symbols, else the
 * symbols themselves.
 */
export function specifics(f: Finding): string {
  // A finding's message leads with what this patch does to which symbol (analyze/match.ts);
  // the rule's background comes after it and is not repeated in a headline.
  const first = firstSentence(f.message);
  if (first) return trimSentence(first);
  if (f.symbols.length > 0) return `${f.symbols.slice(0, 3).join(', ')} changed`;
  return '';
}

function firstSentence(s: string): string {
  const m = /^(.+?[.!?])(\s|$)/.exec(s.trim());
  return m ? m[1]! : s.trim();
}

function trimSentence(s: string): string {
  return s.trim().replace(/\.$/, '');
}

/** The headline of a finding: what the patch did to which symbol, then the consequence (the rule's title). */
export function headline(f: Finding, rule: RuleMeta): string {
  const what = specifics(f);
  return what ? `${what} — ${rule.title}` : rule.title;
}

export function placesOf(f: Finding): Place[] {
  return f.places && f.places.length > 0 ? f.places : [{ file: f.file, line: f.line }];
}

/** "file.c:1-4, 9; other.c:7": places grouped by file, runs of lines as ranges; "(patch)" for the patch as a whole. */
export function placesText(places: Place[]): string {
  const byFile = new Map<string, number[]>();
  for (const p of places) {
    const key = p.file ?? '(patch)';
    const lines = byFile.get(key) ?? [];
    if (p.line !== null) lines.push(p.line);
    byFile.set(key, lines);
  }
  return [...byFile].map(([file, lines]) => (lines.length ? `${file}:${lineRanges(lines)}` : file)).join('; ');
}

/** "3-5, 9" from [3, 4, 5, 9], in the order first seen, each run ascending. */
function lineRanges(lines: number[]): string {
  const first = lines[0]!;
  const rest = [...new Set(lines.slice(1))].filter((l) => l !== first).sort((a, b) => a - b);
  const runs: string[] = [String(first)];
  for (let i = 0; i < rest.length; ) {
    let j = i;
    while (j + 1 < rest.length && rest[j + 1] === rest[j]! + 1) j++;
    runs.push(j > i ? `${rest[i]}-${rest[j]}` : String(rest[i]));
    i = j + 1;
  }
  return runs.join(', ');
}

/** Words of a text, for matching checklist questions and references to what the patch did. */
function terms(s: string): Set<string> {
  return new Set((s.match(/[A-Za-z_][A-Za-z0-9_]{2,}/g) ?? []).map((w) => w.toLowerCase()));
}

/** How much a text shares with the finding's symbols and specifics: symbols count most. */
function specificity(text: string, f: Finding): number {
  const t = terms(text);
  let score = 0;
  for (const s of f.symbols) if (t.has(s.toLowerCase())) score += 3;
  for (const w of terms(specifics(f))) if (t.has(w) && w.length > 3) score += 1;
  return score;
}

/** The `n` checklist questions most specific to the finding, in the entry's order. */
export function topChecklist(f: Finding, n: number, rule: RuleMeta): string[] {
  const ranked = rule.checklist.map((q, i) => ({ q, i, s: specificity(q, f) })).sort((a, b) => b.s - a.s || a.i - b.i);
  return ranked.slice(0, n).sort((a, b) => a.i - b.i).map((x) => x.q);
}

/** A list discussion or a commit says more about a case than a document does. */
const REFERENCE_WEIGHT: Record<Reference['type'], number> = { lore: 2, commit: 2, spec: 1, doc: 0, url: 0 };

/** The `n` references most specific to the finding; with `maxUrl`, those whose link fits first. */
export function topReferences(f: Finding, n: number, rule: RuleMeta, maxUrl = Infinity): Reference[] {
  const ranked = rule.references
    .map((r, i) => ({ r, i, s: specificity(`${r.title ?? ''} ${r.id}`, f) * 2 + REFERENCE_WEIGHT[r.type], fits: columns(r.url) <= maxUrl }))
    .sort((a, b) => Number(b.fits) - Number(a.fits) || b.s - a.s || a.i - b.i);
  return ranked.slice(0, n).map((x) => x.r);
}

const VERDICT_WORDS = { error: 'breaks userspace', warning: 'needs a reviewer', note: 'no compatibility concern found' } as const;

/**
 * One line per patch: the worst the patch does, then what it did for the two most severe
 * findings, e.g. "breaks userspace: struct vhost_vring_state grows 8 → 12 bytes; …".
 * Acknowledged findings do not count.
 */
export function verdict(findings: Finding[]): string {
  const open = findings.filter((f) => !f.acknowledged);
  if (open.length === 0) return findings.length === 0 ? 'no findings' : `no open findings (${findings.length} acknowledged)`;
  const worst = open.some((f) => f.severity === 'error') ? 'error' : open.some((f) => f.severity === 'warning') ? 'warning' : 'note';
  if (worst === 'note') return `${VERDICT_WORDS.note} (${open.length} note${open.length === 1 ? '' : 's'})`;
  const top = open.filter((f) => f.severity === worst);
  const what = [...new Set(top.flatMap((f) => specifics(f).split('; ')).filter((s) => s !== ''))];
  const shown = what.slice(0, 2).join('; ');
  const more = what.length > 2 ? ` (+${what.length - 2} more)` : '';
  return `${VERDICT_WORDS[worst]}${shown ? `: ${shown}${more}` : ''}`;
}

/**
 * Wraps text to `width` columns: the first line after `first`, the rest after `indent`.
 * Words longer than a line (URLs) get a line of their own and are never split.
 */
export function wrap(text: string, width: number, first: string, indent: string): string[] {
  const out: string[] = [];
  let cur = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    const sep = empty ? '' : ' ';
    if (!empty && columns(cur) + 1 + columns(word) > width) {
      out.push(cur);
      cur = indent + word;
    } else cur += sep + word;
    empty = false;
  }
  out.push(cur);
  return out;
}

/** Display columns of a string (code points: the arrows and dashes we print are one column). */
export function columns(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
