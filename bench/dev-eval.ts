// Evaluates the knowledge base on the labelled dev mails (../shared/corpus/dev): for each mail
// a real reviewer raised a concern on, is there a finding of that concern's category at
// warning or error? For the control mails (acked as they were), how many errors and warnings?
// `npm run eval` prints the figures per category; test/dev-eval.test.ts asserts the targets.
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../src/io/paths.js';
import { openReview } from '../src/engine/index.js';
import { parseMail } from '../src/ingest/mail.js';
import { extractPatch } from '../src/ingest/extract.js';
import { SEVERITY_RANK, type Finding } from '../src/model/finding.js';
import type { PatchReport } from '../src/model/report.js';
import { reportFigures, type ReportFigures } from './report-figures.js';

export const DEV_DIR = resolve(PACKAGE_ROOT, '..', 'shared', 'corpus', 'dev');

export interface DevResult {
  file: string;
  kind: 'labeled' | 'control';
  category: string | null;
  found: boolean; // labelled: a finding of the category at warning or error
  errors: number;
  warnings: number;
  findings: Finding[];
}

export interface DevSummary {
  labelled: number;
  found: number;
  byCategory: Record<string, { labelled: number; found: number }>;
  controls: number;
  controlErrors: number;
  controlWarnings: number;
  controlWarningsPerMail: number;
  results: DevResult[];
  /** Issue 16: length, width and naming of the text and terse reports of the dev patches. */
  report: ReportFigures;
}

export async function evaluateDev(dir = DEV_DIR): Promise<DevSummary> {
  const engine = await openReview();
  const labels = readFileSync(join(dir, 'labels.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; kind: 'labeled' | 'control'; category?: string });
  const results: DevResult[] = [];
  const reports: PatchReport[] = [];
  for (const l of labels) {
    const r = extractPatch(parseMail(readFileSync(join(dir, l.file))), l.file);
    const report = 'patch' in r ? engine.reviewOne(r.patch) : null;
    if (report) reports.push(report);
    const findings = report ? report.findings : [];
    const serious = findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning);
    results.push({
      file: l.file,
      kind: l.kind,
      category: l.category ?? null,
      found: l.category !== undefined && serious.some((f) => f.category === l.category),
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      findings,
    });
  }
  const labelled = results.filter((r) => r.kind === 'labeled');
  const controls = results.filter((r) => r.kind === 'control');
  const byCategory: DevSummary['byCategory'] = {};
  for (const r of labelled) {
    const c = (byCategory[r.category!] ??= { labelled: 0, found: 0 });
    c.labelled++;
    if (r.found) c.found++;
  }
  const controlWarnings = controls.reduce((n, r) => n + r.warnings, 0);
  return {
    labelled: labelled.length,
    found: labelled.filter((r) => r.found).length,
    byCategory,
    controls: controls.length,
    controlErrors: controls.reduce((n, r) => n + r.errors, 0),
    controlWarnings,
    controlWarningsPerMail: controls.length ? controlWarnings / controls.length : 0,
    results,
    report: reportFigures(reports, engine.rulesMeta),
  };
}

async function main() {
  if (!existsSync(join(DEV_DIR, 'labels.jsonl'))) {
    console.log(`skipped: ${DEV_DIR} not found`);
    return;
  }
  const s = await evaluateDev();
  console.log('dev set: labelled concerns found at warning or error, per category');
  for (const [cat, c] of Object.entries(s.byCategory).sort()) console.log(`  ${cat.padEnd(40)} ${c.found}/${c.labelled}`);
  console.log(`  ${'all'.padEnd(40)} ${s.found}/${s.labelled}`);
  console.log(`controls: ${s.controls} mails, ${s.controlErrors} errors, ${s.controlWarnings} warnings (${s.controlWarningsPerMail.toFixed(2)} per mail; targets: 0 errors, <= 0.5 per mail)`);
  const f = s.report;
  console.log(`text report per patch (${f.patches} patches): median ${f.textLines.median} lines, p90 ${f.textLines.p90}, max ${f.textLines.max} (targets: median <= 15, p90 <= 40)`);
  console.log(`terse: ${f.terseNamingSymbol}/${f.terseSerious} error and warning lines name a symbol of the patch (target: all)`);
  console.log(`text lines over 100 columns (not a terminal): ${f.linesOver100}, widest ${f.maxColumns} (target: none)`);
  if (process.argv.includes('--verbose')) {
    for (const l of f.terseWithoutSymbol) console.log(`no symbol: ${l}`);
    for (const r of s.results) {
      const cats = [...new Set(r.findings.filter((f) => f.severity !== 'note').map((f) => `${f.category}:${f.severity[0]}:${f.ruleId}`))].join(' ');
      console.log(`${r.file} ${r.kind === 'labeled' ? (r.found ? 'FOUND' : 'MISSED') : 'control'} ${r.category ?? ''} | ${cats}`);
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(PACKAGE_ROOT, 'dist', 'bench', 'dev-eval.js')) await main();
