// Patchwork checks: one per patch, as a CI bot posts them (POST /api/patches/<id>/checks/ or
// `pwclient check-create`). `msgid` tells the bot which patch the check belongs to; the other
// four fields are the check itself.
import type { FormatterFactory } from './formatter.js';
import { SEVERITY_RANK, type Finding } from '../model/finding.js';
import type { PatchReport, RulesMeta } from '../model/report.js';
import { ruleLink } from './common.js';
import { ruleOf } from './layout.js';

export const PATCHWORK_CONTEXT = 'patch-review';
/** Patchwork shows the description inline in its patch list: keep it short. */
const MAX_DESCRIPTION = 250;

export type CheckState = 'success' | 'warning' | 'fail';

function counted(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

export function patchworkCheck(r: PatchReport, meta: RulesMeta, siteUrl: string) {
  const open = r.findings.filter((f) => !f.acknowledged);
  const worst = open.reduce<Finding | null>((w, f) => (w === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[w.severity] ? f : w), null);
  const state: CheckState = worst?.severity === 'error' ? 'fail' : worst?.severity === 'warning' ? 'warning' : 'success';
  let description: string;
  if (r.findings.length === 0) description = 'no findings';
  else {
    const n = (s: Finding['severity']) => open.filter((f) => f.severity === s).length;
    const parts = [n('error') && counted(n('error'), 'error'), n('warning') && counted(n('warning'), 'warning'), n('note') && counted(n('note'), 'note')].filter(Boolean) as string[];
    const acked = r.findings.length - open.length;
    if (acked) parts.push(`${acked} acknowledged`);
    const rules = [...new Set(open.map((f) => f.ruleId))].join(', ');
    description = `${parts.join(', ')}${rules ? `: ${rules}` : ''}`;
    if (description.length > MAX_DESCRIPTION) description = description.slice(0, MAX_DESCRIPTION - 1) + '…';
  }
  return {
    msgid: r.patch.messageId,
    context: PATCHWORK_CONTEXT,
    state,
    target_url: (worst ? ruleLink(siteUrl, ruleOf(meta, worst)) : siteUrl) || null,
    description,
  };
}

export const patchworkFormatter: FormatterFactory = (ctx) => {
  let first = true;
  return {
    lean: true,
    begin: () => '[',
    patch(r) {
      const s = (first ? '\n' : ',\n') + JSON.stringify(patchworkCheck(r, ctx.rulesMeta, ctx.siteUrl));
      first = false;
      return s;
    },
    end: () => '\n]\n',
  };
};
