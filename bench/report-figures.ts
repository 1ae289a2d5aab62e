// Issue 16's readability figures on the dev set: how long the default text report is per
// patch, whether every error and warning line in terse names a symbol of the patch, and how
// wide text lines run when stdout is not a terminal. `npm run eval` prints them.
import { analyzeDiff } from '../src/diff/facts.js';
import { textFormatter } from '../src/report/text.js';
import { terseFormatter } from '../src/report/terse.js';
import type { PatchReport, RulesMeta } from '../src/model/report.js';

export interface ReportFigures {
  patches: number;
  textLines: { median: number; p90: number; max: number };
  /** Terse lines at WARNING or ERROR, and how many of them name a symbol of the patch. */
  terseSerious: number;
  terseNamingSymbol: number;
  /** Terse lines that name no symbol, for the verbose listing. */
  terseWithoutSymbol: string[];
  maxColumns: number;
  linesOver100: number;
}


function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The identifiers the diff stage found in a patch (what its facts are about). */
export function patchSymbols(r: PatchReport): Set<string> {
  return new Set(analyzeDiff(r.patch).facts.map((f) => f.symbol).filter((s) => s.length > 0));
}

/** Whether a terse line's text (after the location and severity) names one of the symbols. */
export function namesSymbol(line: string, symbols: Set<string>): boolean {
  const text = line.replace(/^.*?: (ERROR|WARNING|NOTE): /, '').replace(/\[[a-z0-9-]+\]/, '');
  // A path names the file it ends in (uAPI header facts are about the header's name).
  for (const word of text.match(/[A-Za-z_][A-Za-z0-9_./-]*[A-Za-z0-9_]/g) ?? []) if (symbols.has(word) || symbols.has(word.slice(word.lastIndexOf('/') + 1))) return true;
  return false;
}

export function reportFigures(reports: PatchReport[], rulesMeta: RulesMeta): ReportFigures {
  const ctx = { color: false, tool: { name: 'patch-review', version: '0' }, siteUrl: '', rulesMeta };
  const text = textFormatter(ctx);
  const terse = terseFormatter(ctx);
  const counts: number[] = [];
  let maxColumns = 0;
  let linesOver100 = 0;
  let terseSerious = 0;
  let terseNamingSymbol = 0;
  const terseWithoutSymbol: string[] = [];
  for (const r of reports) {
    const lines = text.patch(r).replace(/\n$/, '').split('\n');
    counts.push(lines.length);
    for (const l of lines) {
      maxColumns = Math.max(maxColumns, [...l].length);
      if ([...l].length > 100) linesOver100++;
    }
    const symbols = patchSymbols(r);
    for (const l of terse.patch(r).split('\n')) {
      if (!/: (ERROR|WARNING): /.test(l)) continue;
      terseSerious++;
      if (namesSymbol(l, symbols)) terseNamingSymbol++;
      else terseWithoutSymbol.push(`${r.patch.source}: ${l}`);
    }
  }
  const sorted = [...counts].sort((a, b) => a - b);
  return {
    patches: reports.length,
    textLines: { median: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted[sorted.length - 1] ?? 0 },
    terseSerious,
    terseNamingSymbol,
    terseWithoutSymbol,
    maxColumns,
    linesOver100,
  };
}
