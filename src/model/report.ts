// What renderers receive: per-patch results and a run summary.
import type { Finding, Reference, Severity } from './finding.js';
import type { Patch } from './patch.js';
import type { FileDiff, TreeCoverage } from './diff.js';
import type { Fact } from './facts.js';

/** Where a patch sits in its series (grouped by thread root and version). */
export interface SeriesInfo {
  key: string;
  version: number;
  index: number | null;
  total: number | null;
  /** Subject of the series' cover letter (0/N), when it was in the input. */
  coverLetter: string | null;
}

export interface PatchReport {
  patch: Patch;
  files: FileDiff[];
  findings: Finding[];
  series?: SeriesInfo;
  /** The typed facts the diff stage found (what the findings rest on); left out in lean runs. */
  facts?: Fact[];
  /** Prior list discussion of what the patch touches (--inbox): rendered text and JSON. */
  prior?: { text: string; json: object };
  /** In a source tree: how many files were read whole. */
  tree?: TreeCoverage;
}

/**
 * What a formatter may want to know about a rule beyond a finding (ESLint's rulesMeta): the
 * entry's title, summary, checklist, consumers and resolved references, built once per rule
 * that fires and shared by all its findings.
 */
export interface RuleMeta {
  id: string;
  title: string;
  category: Finding['category'];
  summary: string;
  checklist: string[];
  consumers: string[];
  references: Reference[];
}

/** Rule metadata by rule id, for the rules of the knowledge base a run uses. */
export interface RulesMeta {
  get(ruleId: string): RuleMeta | undefined;
}

export interface RunSummary {
  patches: number;
  skipped: { reply: number; 'cover-letter': number; 'no-diff': number };
  findings: Record<Severity, number>;
  acknowledged: number;
  /** What the review read besides the patch (the source tree, header directory), one line each. */
  sources?: string[];
  /** In a source tree: files read whole, over the run. */
  tree?: TreeCoverage;
}

export function emptySummary(): RunSummary {
  return { patches: 0, skipped: { reply: 0, 'cover-letter': 0, 'no-diff': 0 }, findings: { error: 0, warning: 0, note: 0 }, acknowledged: 0 };
}

export function addToSummary(s: RunSummary, r: PatchReport): void {
  s.patches++;
  if (r.tree) {
    const t = (s.tree ??= { files: 0, whole: 0, moved: 0 });
    t.files += r.tree.files;
    t.whole += r.tree.whole;
    t.moved += r.tree.moved;
  }
  for (const f of r.findings) {
    if (f.acknowledged) s.acknowledged++;
    else s.findings[f.severity]++;
  }
}
