// The finding that says a patch was not fully reviewed (a time budget or a size cap was hit):
// silence about the rest of a patch must never read as "clean".
import type { Finding } from '../model/finding.js';

export const INCOMPLETE_RULE = 'review-incomplete';

export function incompleteFinding(why: string): Finding {
  return {
    ruleId: INCOMPLETE_RULE,
    category: 'patch-format',
    severity: 'warning',
    title: 'Not fully reviewed',
    message: `This patch was not fully reviewed: ${why}. Review the rest by hand or split the patch.`,
    file: null,
    line: null,
    symbols: [],
    checklist: ['Was the part of the patch past the limit reviewed by hand?'],
    consumers: [],
    references: [],
  };
}
