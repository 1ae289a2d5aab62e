// b4's review check commands (b4.review-perpatch-check-cmd / review-series-check-cmd): a JSON
// array of {tool, status, summary, url, details}, one element per reviewed patch, `[]` when
// there is nothing to report. `details` is a JSON list of the findings, as b4's built-in checks give it.
import type { FormatterFactory } from './formatter.js';
import { SEVERITY_RANK, type Finding } from '../model/finding.js';
import type { PatchReport } from '../model/report.js';
import { ruleLink, location } from './common.js';

type Status = 'pass' | 'warn' | 'fail';

function statusOf(f: Finding): Status {
  if (f.acknowledged) return 'pass';
  return f.severity === 'error' ? 'fail' : f.severity === 'warning' ? 'warn' : 'pass';
}

const ORDER: Record<Status, number> = { pass: 0, warn: 1, fail: 2 };

export function b4Result(r: PatchReport, siteUrl: string, tool: string) {
  if (r.findings.length === 0) return null;
  const worst = r.findings.reduce((w, f) => (ORDER[statusOf(f)] > ORDER[statusOf(w)] || (statusOf(f) === statusOf(w) && SEVERITY_RANK[f.severity] > SEVERITY_RANK[w.severity]) ? f : w));
  const count = (s: Status) => r.findings.filter((f) => statusOf(f) === s).length;
  const parts = [
    count('fail') && `${count('fail')} error${count('fail') === 1 ? '' : 's'}`,
    count('warn') && `${count('warn')} warning${count('warn') === 1 ? '' : 's'}`,
    count('pass') && `${count('pass')} note${count('pass') === 1 ? '' : 's'} or acknowledged`,
  ].filter(Boolean);
  const details = r.findings.map((f) => ({
    status: statusOf(f),
    context: f.ruleId,
    description: `${location(f)}: ${f.title}${f.acknowledged ? ` (acknowledged: ${f.acknowledged.reason})` : ''}`,
    url: ruleLink(siteUrl, f),
  }));
  return {
    tool,
    status: statusOf(worst),
    summary: parts.join(', '),
    url: ruleLink(siteUrl, worst),
    details: JSON.stringify(details),
  };
}

export const b4Formatter: FormatterFactory = (ctx) => {
  let first = true;
  return {
    lean: true,
    begin: () => '[',
    patch(r) {
      const res = b4Result(r, ctx.siteUrl, ctx.tool.name);
      if (!res) return '';
      const s = (first ? '' : ',\n') + JSON.stringify(res);
      first = false;
      return s;
    },
    end: () => ']\n',
  };
};
