// checkpatch-style: "FILE:LINE: ERROR|WARNING: [ruleId] what the patch did — consequence", one
// line per finding at warning or above (notes only with --verbose). Used by b4's per-patch check
// command and the send-email hook: b4 counts every line it is given, so acknowledged findings
// and notes are left out (the hook's summary counts them).
import type { FormatterFactory } from './formatter.js';
import type { Finding } from '../model/finding.js';
import type { PatchReport, RulesMeta } from '../model/report.js';
import { headline, ruleOf } from './layout.js';
import { oneLine } from './escape.js';

/** The findings a terse report prints: open ones at warning or above, or every open one with verbose. */
export function terseFindings(r: PatchReport, verbose = false): Finding[] {
  return r.findings.filter((f) => !f.acknowledged && (verbose || f.severity !== 'note'));
}

export function terseLine(f: Finding, r: PatchReport, meta: RulesMeta): string {
  const where = f.file ? `${f.file}:${f.line ?? 0}` : `${r.patch.source}:0`;
  const more = (f.places?.length ?? 1) > 1 ? ` (+${f.places!.length - 1} more place${f.places!.length === 2 ? '' : 's'})` : '';
  return oneLine(`${where}: ${f.severity.toUpperCase()}: [${f.ruleId}] ${headline(f, ruleOf(meta, f))}${more}`);
}

export const terseFormatter: FormatterFactory = (ctx) => ({
  lean: true,
  begin: () => '',
  patch: (r) => terseFindings(r, ctx.verbose).map((f) => terseLine(f, r, ctx.rulesMeta) + '\n').join(''),
  // No summary line: b4 takes every line it is given for a complaint, so a clean check prints
  // nothing at all. The hook and the text format count what terse leaves out.
  end: () => '',
});
