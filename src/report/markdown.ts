// A review checklist to paste into a reply, an issue or a merge request.
import type { FormatterFactory } from './formatter.js';
import { location, patchTitle, entryUrl } from './common.js';
import { statementLines } from './text.js';

/** Markdown-escape text that comes from patches or entries. */
export function mdEscape(s: string): string {
  return s.replace(/([\\`*_{}[\]<>()#+!|])/g, '\\$1');
}

export const markdownFormatter: FormatterFactory = (ctx) => ({
  lean: true,
  begin: () => '# patch-review\n\n',
  patch(r) {
    const out: string[] = [`## ${mdEscape(patchTitle(r.patch))}`, ''];
    if (r.patch.messageId) out.push(`Message-ID: \`${r.patch.messageId.replace(/`/g, '')}\``, '');
    if (r.findings.length === 0) return out.concat('No findings.', '', '').join('\n');
    for (const f of r.findings) {
      const ack = f.acknowledged ? ` _(acknowledged: ${mdEscape(f.acknowledged.reason)})_` : '';
      out.push(`### ${f.severity.toUpperCase()}: ${mdEscape(f.title)}${ack}`, '');
      out.push(`\`${location(f).replace(/`/g, '')}\` · [${f.ruleId}](${entryUrl(ctx.siteUrl, f.ruleId)}) · ${f.category}${f.compatClass ? ` · ${f.compatClass}` : ''}`, '');
      out.push(mdEscape(f.message), '');
      for (const q of f.checklist) out.push(`- [ ] ${mdEscape(q)}`);
      out.push('');
      if (f.consumers.length) out.push(`Affects: ${f.consumers.map(mdEscape).join(', ')}`, '');
      out.push('References:');
      for (const ref of f.references) {
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
