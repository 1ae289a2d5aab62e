// What renderers receive: per-patch results and a run summary.
import type { Finding, Severity } from './finding.js';
import type { Patch } from './patch.js';
import type { FileDiff } from './diff.js';

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
  /** Prior list discussion of what the patch touches (--inbox): rendered text and JSON. */
  prior?: { text: string; json: object };
}

export interface RunSummary {
  patches: number;
  skipped: { reply: number; 'cover-letter': number; 'no-diff': number };
  findings: Record<Severity, number>;
  acknowledged: number;
  /** What the review read besides the patch (the source tree, header directory), one line each. */
  sources?: string[];
}

export function emptySummary(): RunSummary {
  return { patches: 0, skipped: { reply: 0, 'cover-letter': 0, 'no-diff': 0 }, findings: { error: 0, warning: 0, note: 0 }, acknowledged: 0 };
}

export function addToSummary(s: RunSummary, r: PatchReport): void {
  s.patches++;
  for (const f of r.findings) {
    if (f.acknowledged) s.acknowledged++;
    else s.findings[f.severity]++;
  }
}
