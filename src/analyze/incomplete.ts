// The finding that says a patch was not fully reviewed (a time budget or a size cap was hit):
// silence about the rest of a patch must never read as "clean".
import type { Finding } from '../model/finding.js';
import type { RuleMeta } from '../model/report.js';

export const INCOMPLETE_RULE = 'review-incomplete';

/** The rule's text, as formatters read it from the rule metadata (no knowledge entry has it). */
export const INCOMPLETE_META: RuleMeta = {
  id: INCOMPLETE_RULE,
  title: 'Not fully reviewed',
  category: 'patch-format',
  summary: 'Part of this patch was not reviewed: a size limit or the time budget was reached.',
  checklist: ['Was the part of the patch past the limit reviewed by hand?'],
  consumers: [],
  references: [],
};

export function incompleteFinding(why: string): Finding {
  return {
    ruleId: INCOMPLETE_RULE,
    category: INCOMPLETE_META.category,
    severity: 'warning',
    title: INCOMPLETE_META.title,
    message: `This patch was not fully reviewed: ${why}. Review the rest by hand or split the patch.`,
    file: null,
    line: null,
    symbols: [],
    checklist: INCOMPLETE_META.checklist,
    consumers: [],
    references: [],
  };
}
