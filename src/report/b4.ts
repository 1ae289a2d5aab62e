// b4's review check commands (b4.review-perpatch-check-cmd / review-series-check-cmd): a JSON
// array of {tool, status, summary, url, details}, one element per reviewed patch; `[]` when no
// patch was reviewed (a series check handed the cover letter). Like terse, only open findings
// at warning or above are listed: notes and acknowledged findings are counted in the summary,
// and a patch with nothing else gets a clean "pass". `details` is a JSON list of the findings,
// as b4's built-in checks give it.
import type { FormatterFactory } from './formatter.js';
import { SEVERITY_RANK, type Finding } from '../model/finding.js';
import type { PatchReport, RulesMeta } from '../model/report.js';
import { ruleLink, location } from './common.js';
import { headline, ruleOf } from './layout.js';
import { terseFindings } from './terse.js';

type Status = 'pass' | 'warn' | 'fail';

function statusOf(f: Finding): Status {
  return f.severity === 'error' ? 'fail' : f.severity === 'warning' ? 'warn' : 'pass';
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export function b4Result(r: PatchReport, meta: RulesMeta, siteUrl: string, tool: string, verbose = false) {
  const shown = terseFindings(r, verbose);
  const acknowledged = r.findings.filter((f) => f.acknowledged).length;
  const notes = r.findings.filter((f) => !f.acknowledged && f.severity === 'note').length;
  const leftOut = [acknowledged && `${acknowledged} acknowledged`, !verbose && notes && plural(notes, 'note')].filter(Boolean).join(', ');
  const worst = shown.reduce<Finding | null>((w, f) => (w === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w.severity] ? f : w), null);
  const count = (s: Status) => shown.filter((f) => statusOf(f) === s).length;
  const parts = [count('fail') && plural(count('fail'), 'error'), count('warn') && plural(count('warn'), 'warning')].filter(Boolean);
  const details = shown.map((f) => ({
    status: statusOf(f),
    context: f.ruleId,
    description: `${location(f)}: ${headline(f, ruleOf(meta, f))}`,
    url: ruleLink(siteUrl, ruleOf(meta, f)) ?? '',
  }));
  const status: Status = worst && SEVERITY_RANK[worst.severity] >= SEVERITY_RANK.warning ? statusOf(worst) : 'pass';
  return {
    tool,
    status,
    summary: status === 'pass' ? `pass${leftOut ? ` (${leftOut})` : ''}` : `${parts.join(', ')}${leftOut ? `; not listed: ${leftOut}` : ''}`,
    url: (worst && ruleLink(siteUrl, ruleOf(meta, worst))) ?? siteUrl,
    details: JSON.stringify(details),
  };
}

export const b4Formatter: FormatterFactory = (ctx) => {
  let first = true;
  return {
    lean: true,
    begin: () => '[',
    patch(r) {
      const s = (first ? '' : ',\n') + JSON.stringify(b4Result(r, ctx.rulesMeta, ctx.siteUrl, ctx.tool.name, ctx.verbose));
      first = false;
      return s;
    },
    end: () => ']\n',
  };
};
