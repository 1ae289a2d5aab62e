// The review pipeline over a stream of ingested items: diff → facts → findings, with series
// state kept small and judged when a series' last patch arrives.
import type { IngestItem } from '../ingest/read-input.js';
import type { PatchReport, RunSummary } from '../model/report.js';
import { addToSummary, emptySummary } from '../model/report.js';
import { analyzeDiff } from '../diff/facts.js';
import { matchFacts, applyWaivers, sortFindings } from './match.js';
import type { RuleSet } from './rules.js';
import { foldIntoSeries, newSeries, seriesFacts, seriesKey, type SeriesSummary } from './series.js';
import type { Patch } from '../model/patch.js';

export function reviewPatch(patch: Patch, rules: RuleSet, series?: SeriesSummary): PatchReport {
  const { files, facts } = analyzeDiff(patch);
  if (series) {
    foldIntoSeries(series, patch, files, facts);
    const last = patch.prefix.total === null || patch.prefix.index === patch.prefix.total;
    if (last) facts.push(...seriesFacts(series));
  }
  const findings = applyWaivers(matchFacts(facts, rules), patch.trailers);
  return { patch, files, findings: sortFindings(findings) };
}

/** Reviews items in input order; `onReport` is called per patch so output can stream. */
export async function reviewStream(
  items: AsyncIterable<IngestItem>,
  rules: RuleSet,
  onReport: (r: PatchReport) => void | Promise<void>,
): Promise<RunSummary> {
  const summary = emptySummary();
  const open = new Map<string, SeriesSummary>();
  for await (const item of items) {
    if (item.kind === 'skipped') {
      summary.skipped[item.reason]++;
      continue;
    }
    const key = seriesKey(item.patch);
    let s = open.get(key);
    if (!s) {
      s = newSeries(key);
      open.set(key, s);
    }
    const report = reviewPatch(item.patch, rules, s);
    if (item.patch.prefix.total === null || item.patch.prefix.index === item.patch.prefix.total) open.delete(key);
    // Bound memory on archives where some series never complete.
    if (open.size > 10_000) open.delete(open.keys().next().value as string);
    addToSummary(summary, report);
    await onReport(report);
  }
  return summary;
}
