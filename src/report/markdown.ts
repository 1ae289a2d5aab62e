// A review checklist to paste into a reply, an issue or a merge request.
import type { FormatterFactory } from './formatter.js';
import { location, patchTitle, ruleLink } from './common.js';
import { ruleOf } from './layout.js';
import { statementLines } from './text.js';

/**
 * What can start Markdown markup inside a word: backslash, code, `*` emphasis, HTML, table
 * cells, strikethrough, entities, link brackets, and `_` at a word's edge (CommonMark never
 * reads an underscore inside a word as emphasis, so vhost_vring_state stays as it is).
 */
const ACTIVE = /[\\`*<>|]|~~|&[#A-Za-z0-9]+;|\]\(|\]\[|^\[.*\]:$|^[^A-Za-z0-9]*_|_[^A-Za-z0-9]*$/;
/** What starts a block at the beginning of a line: heading, list, quote, numbered list. */
const BLOCK_START = /^(#|[-+>]|\d+[.)]$)/;

/** A code span around a word, with a fence longer than any run of backticks inside it. */
function codeSpan(word: string): string {
  const longest = Math.max(0, ...(word.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 || word.startsWith('`') || word.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${word}${pad}${fence}`;
}

/**
 * Makes text from patches or entries inert in Markdown without backslash escapes, so that it
 * also reads cleanly when pasted into a plain-text mail: each word that holds a character
 * Markdown would act on (an identifier like vhost_vring_state, a path, <angle brackets>)
 * becomes a code span; every other word stays as it is.
 */
export function mdEscape(s: string): string {
  // Code spans the text already has (`VHOST_SET_OWNER`) are kept as they are.
  return s
    .split(/(`[^`\n]+`)/)
    .map((part, p) =>
      p % 2 === 1
        ? part
        : part
            .split(/(\s+)/)
            .map((word, i) => (word.trim() !== '' && (ACTIVE.test(word) || (p === 0 && i === 0 && BLOCK_START.test(word))) ? codeSpan(word) : word))
            .join(''),
    )
    .join('');
}

export const markdownFormatter: FormatterFactory = (ctx) => ({
  lean: true,
  begin: () => '# patch-review\n\n',
  patch(r) {
    const out: string[] = [`## ${mdEscape(patchTitle(r.patch))}`, ''];
    if (r.patch.messageId) out.push(`Message-ID: \`${r.patch.messageId.replace(/`/g, '')}\``, '');
    if (r.findings.length === 0) return out.concat('No findings.', '', '').join('\n');
    for (const f of r.findings) {
      const rule = ruleOf(ctx.rulesMeta, f);
      const ack = f.acknowledged ? ` _(acknowledged: ${mdEscape(f.acknowledged.reason)})_` : '';
      out.push(`### ${f.severity.toUpperCase()}: ${mdEscape(rule.title)}${ack}`, '');
      const link = ruleLink(ctx.siteUrl, rule);
      out.push(`\`${location(f).replace(/`/g, '')}\` · ${link ? `[${f.ruleId}](${link})` : `\`${f.ruleId}\``} · ${f.category}${f.compatClass ? ` · ${f.compatClass}` : ''}`, '');
      out.push(mdEscape(f.message), '');
      for (const q of rule.checklist) out.push(`- [ ] ${mdEscape(q)}`);
      out.push('');
      const consumers = f.consumerUses ? f.consumers : rule.consumers;
      if (consumers.length) out.push(`Affects: ${consumers.map(mdEscape).join(', ')}`, '');
      out.push('References:');
      for (const ref of rule.references) {
        out.push(`- [${mdEscape(ref.title ?? ref.id)}](${ref.url})`);
        // The user's spec copy (--spec-index): the section's requirements, keyword in bold.
        for (const line of statementLines(f, ref)) {
          const m = /^([A-Z ]+): (.*)$/.exec(line);
          out.push(m ? `  - **${m[1]}**: ${mdEscape(m[2]!)}` : `  - ${mdEscape(line)}`);
        }
      }
      out.push('');
    }
    return out.join('\n') + '\n';
  },
  end: (s) => `---\n${s.patches} patches: ${s.findings.error} errors, ${s.findings.warning} warnings, ${s.findings.note} notes${s.acknowledged ? `, ${s.acknowledged} acknowledged` : ''}.\n`,
});
