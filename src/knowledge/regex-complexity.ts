// Knowledge-compile-time check that a trigger pattern matches in linear time. A pattern that
// backtracks super-linearly could stall the send-email hook on a crafted line, so it is
// rejected when the knowledge is compiled (the build for the shipped base, the first load for
// a custom directory, whose result is cached): reviews never pay for the analysis.
//
// Two checks: scslre finds quantifiers that trade characters with each other (a*a*, \s*,?\s*)
// and exponential nesting; it does not flag a quantified alternation whose alternatives can
// start with the same character ((a|aa)+, (VHOST|\w)*), so that is checked here as well.
import { analyse } from 'scslre';
import { RegExpParser, visitRegExpAST } from '@eslint-community/regexpp';
import type { Alternative, Quantifier } from '@eslint-community/regexpp/ast';
import { getFirstConsumedChar } from 'regexp-ast-analysis';

/** Why the pattern can take super-linear time, or null when it cannot. */
export function superLinearReason(pattern: string): string | null {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (e) {
    return `not a valid regular expression (${(e as Error).message})`;
  }
  const result = analyse(re, { assumeRejectingSuffix: true, maxReports: 1 });
  const report = result.reports[0];
  if (report) {
    const kind = report.exponential ? 'exponential' : 'polynomial';
    const what = report.type === 'Trade' ? `quantifiers ${report.startQuant.raw} and ${report.endQuant.raw} can match the same text` : report.type === 'Self' ? `${report.quant.raw} repeats something that can match in several ways` : `${report.quant.raw} is retried from every start position`;
    return `${kind} backtracking: ${what} (rewrite it so each character can be matched one way only)`;
  }
  const overlap = overlappingAlternation(pattern);
  if (overlap) return `exponential backtracking: the alternatives of ${overlap} under a repetition can start with the same character`;
  return null;
}

/** The raw text of a repeated group whose alternatives can begin alike, or null. */
function overlappingAlternation(pattern: string): string | null {
  const ast = new RegExpParser({ ecmaVersion: 2022 }).parseLiteral(`/${pattern.replace(/\//g, '\\/')}/`);
  const flags = ast.flags;
  let found: string | null = null;
  visitRegExpAST(ast, {
    onQuantifierEnter(q: Quantifier) {
      if (found || q.max <= 1) return;
      const el = q.element;
      if (el.type !== 'Group' && el.type !== 'CapturingGroup') return;
      const alts: readonly Alternative[] = el.alternatives;
      const firsts = alts.map((a) => getFirstConsumedChar(a, 'ltr', flags));
      for (let i = 0; i < firsts.length && !found; i++) {
        for (let j = i + 1; j < firsts.length; j++) {
          const a = firsts[i]!;
          const b = firsts[j]!;
          // An alternative that can be empty overlaps with everything under a repetition.
          if (a.empty || b.empty || !a.char.isDisjointWith(b.char)) {
            found = q.raw;
            break;
          }
        }
      }
    },
  });
  return found;
}
