// The unit of work: one mail (raw, as split from an mbox) or one already-read patch, analyzed
// on its own, here or in a worker thread: parsed, its files, its facts, its findings and what it
// adds to its series' summary. The series itself is judged later, in input order, from the
// contributions (series-tracker.ts).
import { analyzeDiff, type DiffContext } from '../diff/facts.js';
import type { FileDiff, TreeCoverage } from '../model/diff.js';
import type { Fact } from '../model/facts.js';
import type { Finding } from '../model/finding.js';
import type { Patch } from '../model/patch.js';
import { mailItem, type IngestItem } from '../ingest/read-input.js';
import { InputError } from '../model/errors.js';
import { matchFacts } from '../analyze/match.js';
import { incompleteFinding } from '../analyze/incomplete.js';
import type { RuleSet } from '../analyze/rules.js';
import { foldIntoSeries, newSeries, type SeriesSummary } from '../analyze/series.js';

export type UnitRequest = { seq: number; patch: Patch } | { seq: number; raw: Uint8Array; source: string };

export interface AnalyzedPatch {
  patch: Patch;
  files: FileDiff[];
  /** Absent in lean mode. */
  facts?: Fact[];
  findings: Finding[];
  delta: SeriesSummary;
  /** In a source tree: how many files were read whole. */
  tree?: TreeCoverage;
}

export type UnitResult =
  | ({ seq: number } & AnalyzedPatch)
  | { seq: number; skipped: Extract<IngestItem, { kind: 'skipped' }> }
  | { seq: number; error: string; inputError?: { input: string; problem: string } };

/** One patch through the diff stage and the rules; `lean`: leave out what lean formatters never read. */
export function analyzePatch(patch: Patch, rules: RuleSet, ctx: DiffContext, lean: boolean): AnalyzedPatch {
  const { files, facts, incomplete, tree } = analyzeDiff(patch, ctx);
  const inTree = tree ? { tree } : {};
  const delta = newSeries('');
  foldIntoSeries(delta, patch, files, facts);
  const findings = matchFacts(facts, rules);
  if (incomplete) findings.push(incompleteFinding(incomplete));
  // Hunks, facts and patch text are the bulk of a result, and copying them back from a worker
  // costs more than a small patch's analysis: lean formatters never read them.
  if (lean) return { patch: { ...patch, diff: '', commitMessage: '' }, files: files.map((f) => ({ ...f, hunks: [] })), findings, delta, ...inTree };
  return { patch, files, facts, findings, delta, ...inTree };
}

export function analyzeUnit(req: UnitRequest, rules: RuleSet, ctx: DiffContext, lean: boolean): UnitResult {
  let patch: Patch;
  if ('patch' in req) patch = req.patch;
  else {
    const item = mailItem(Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength), req.source);
    if (item.kind === 'skipped') return { seq: req.seq, skipped: item };
    patch = item.patch;
  }
  return { seq: req.seq, ...analyzePatch(patch, rules, ctx, lean) };
}

/** A unit's result, its failure included (an input error keeps its input and problem for the main thread). */
export function settle(req: UnitRequest, analyze: (req: UnitRequest) => UnitResult): UnitResult {
  try {
    return analyze(req);
  } catch (e) {
    const inputError = e instanceof InputError ? { input: e.input, problem: e.problem } : undefined;
    return { seq: req.seq, error: (e as Error).message, ...(inputError ? { inputError } : {}) };
  }
}
