// What renderers receive: per-patch results and a run summary.
import type { Finding, Severity } from './finding.js';
import type { Patch } from './patch.js';
import type { FileDiff } from './diff.js';

export interface PatchReport {
  patch: Patch;
  files: FileDiff[];
  findings: Finding[];
}

export interface RunSummary {
  patches: number;
  skipped: { reply: number; 'cover-letter': number; 'no-diff': number };
  findings: Record<Severity, number>;
  acknowledged: number;
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
