// The review pipeline over a stream of ingested items: diff → facts → findings, with series
// state kept small and judged when a series' last patch arrives.
import type { IngestItem } from '../ingest/read-input.js';
import type { PatchReport, RunSummary } from '../model/report.js';
import { addToSummary, emptySummary } from '../model/report.js';
import { analyzeDiff, type DiffContext } from '../diff/facts.js';
import { matchFacts, applyWaivers, sortFindings } from './match.js';
import { incompleteFinding } from './incomplete.js';
import type { RuleSet } from './rules.js';
import { foldIntoSeries, newSeries, seriesFacts, type SeriesSummary } from './series.js';
import type { Patch } from '../model/patch.js';

export function reviewPatch(patch: Patch, rules: RuleSet, series?: SeriesSummary, ctx: DiffContext = {}): PatchReport {
  const { files, facts, incomplete } = analyzeDiff(patch, ctx);
  if (series) {
    foldIntoSeries(series, patch, files, facts);
    // Judge a series only when all of it was seen: a lone "[PATCH 3/3]" on stdin (b4, a hook
    // run without state) cannot know what patches 1 and 2 documented.
    const { total, index } = patch.prefix;
    const last = total === null || (index === total && series.seen >= total);
    if (last) facts.push(...seriesFacts(series));
  }
  const findings = applyWaivers(matchFacts(facts, rules), patch.trailers);
  if (incomplete) findings.push(incompleteFinding(incomplete));
  return { patch, files, findings: sortFindings(findings) };
}

/**
 * git send-email threads a series under its first mail: the cover letter (0/N), or patch 1/N
 * when there is none; every later patch replies to it. Patch 1/N replies to a cover letter
 * when there is one, and to anything (an older thread) otherwise.
 */
export function seriesKeyOf(p: Patch, covers: Map<string, string>): string {
  const { index, total, version } = p.prefix;
  if (total === null || total <= 1) return `single:${p.messageId ?? p.source}`;
  // format-patch files carry no Message-ID: a folder of them is one series.
  const own = p.messageId ?? p.source.replace(/[^/]*$/, '');
  const parent = p.inReplyTo ?? p.references[p.references.length - 1] ?? null;
  const root = index === 1 ? (parent && covers.has(parent) ? parent : own) : (parent ?? own);
  return `${root}|v${version}|${total}`;
}

/** Reviews items in input order; `onReport` is called per patch so output can stream. */
export async function reviewStream(
  items: AsyncIterable<IngestItem>,
  rules: RuleSet,
  onReport: (r: PatchReport) => void | Promise<void>,
  ctx: DiffContext = {},
): Promise<RunSummary> {
  const summary = emptySummary();
  const open = new Map<string, SeriesSummary>();
  const covers = new Map<string, string>();
  for await (const item of items) {
    if (item.kind === 'skipped') {
      summary.skipped[item.reason]++;
      // A cover letter is the thread root its patches refer to.
      if (item.reason === 'cover-letter' && item.messageId && (item.prefix.total ?? 0) > 1) {
        covers.set(item.messageId, item.subject);
        if (covers.size > 10_000) covers.delete(covers.keys().next().value as string);
      }
      continue;
    }
    const key = seriesKeyOf(item.patch, covers);
    let s = open.get(key);
    if (!s) {
      s = newSeries(key);
      open.set(key, s);
    }
    const report = reviewPatch(item.patch, rules, s, ctx);
    const { version, index, total } = item.patch.prefix;
    report.series = { key, version, index, total, coverLetter: covers.get(key.split('|')[0]!) ?? null };
    if (item.patch.prefix.total === null || item.patch.prefix.index === item.patch.prefix.total) open.delete(key);
    // Bound memory on archives where some series never complete.
    if (open.size > 10_000) open.delete(open.keys().next().value as string);
    addToSummary(summary, report);
    await onReport(report);
  }
  return summary;
}
