// The unit of work of --jobs: one mail (raw, as split from an mbox) or one already-read patch,
// analysed on its own in a worker: parsed, its files, its findings, and what it adds to its
// series' summary. The series itself is judged later, in input order, from the contributions.
import { analyzeDiff, type DiffContext } from '../diff/facts.js';
import type { FileDiff } from '../model/diff.js';
import type { Finding } from '../model/finding.js';
import type { Patch } from '../model/patch.js';
import { mailItem, type IngestItem } from '../ingest/read-input.js';
import { matchFacts } from './match.js';
import type { RuleSet } from './rules.js';
import { foldIntoSeries, newSeries, type SeriesSummary } from './series.js';

export type UnitRequest = { seq: number; patch: Patch } | { seq: number; raw: Uint8Array; source: string };

export type UnitResult =
  | { seq: number; patch: Patch; files: FileDiff[]; findings: Finding[]; delta: SeriesSummary }
  | { seq: number; skipped: Extract<IngestItem, { kind: 'skipped' }> }
  | { seq: number; error: string; inputError?: { input: string; problem: string } };

export function analyzeUnit(req: UnitRequest, rules: RuleSet, ctx: DiffContext, lean: boolean): UnitResult {
  let patch: Patch;
  if ('patch' in req) patch = req.patch;
  else {
    const item = mailItem(Buffer.from(req.raw.buffer, req.raw.byteOffset, req.raw.byteLength), req.source);
    if (item.kind === 'skipped') return { seq: req.seq, skipped: item };
    patch = item.patch;
  }
  const { files, facts } = analyzeDiff(patch, ctx);
  const delta = newSeries('');
  foldIntoSeries(delta, patch, files, facts);
  const findings = matchFacts(facts, rules);
  // Hunks and patch text are the bulk of a result, and copying it back costs the worker more
  // than a small patch's analysis: lean formatters never read them.
  if (lean) return { seq: req.seq, patch: { ...patch, diff: '', commitMessage: '' }, files: files.map((f) => ({ ...f, hunks: [] })), findings, delta };
  return { seq: req.seq, patch, files, findings, delta };
}
