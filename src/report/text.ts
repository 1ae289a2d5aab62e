// Default human format: per patch, findings by severity with checklist and references.
import type { FormatterFactory } from './formatter.js';
import type { Finding, Reference, Severity } from '../model/finding.js';
import { location, patchTitle } from './common.js';

const COLORS: Record<Severity | 'dim' | 'bold' | 'reset', string> = {
  error: '\x1b[31m',
  warning: '\x1b[33m',
  note: '\x1b[36m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  reset: '\x1b[0m',
};

/** At most this many statements per section: the rest are one look at the spec away. */
export const MAX_STATEMENTS_SHOWN = 10;

/** The requirement statements (--spec-index) of the section a spec reference cites, one per line. */
export function statementLines(f: Finding, ref: Reference): string[] {
  if (ref.type !== 'spec' || !f.specStatements) return [];
  const s = f.specStatements.find((x) => x.label === ref.id);
  if (!s) return [];
  const lines = s.statements.slice(0, MAX_STATEMENTS_SHOWN).map((st) => `${st.keyword}: ${st.text}`);
  const more = s.statements.length - MAX_STATEMENTS_SHOWN;
  if (more > 0) lines.push(`(${more} more in §${s.number} of your spec copy)`);
  return lines;
}

export const textFormatter: FormatterFactory = (ctx) => {
  const c = (k: keyof typeof COLORS, s: string) => (ctx.color ? COLORS[k] + s + COLORS.reset : s);
  return {
    lean: true,
    begin: () => '',
    patch(r) {
      const out: string[] = [];
      out.push(c('bold', patchTitle(r.patch)));
      const meta = [r.patch.messageId ? `<${r.patch.messageId}>` : null, r.patch.source].filter(Boolean).join('  ');
      out.push(c('dim', `  ${meta}`));
      if (r.series?.coverLetter) out.push(c('dim', `  series: ${r.series.coverLetter}`));
      if (r.findings.length === 0) out.push('  no findings');
      for (const f of r.findings) {
        const ack = f.acknowledged ? c('dim', ` (acknowledged: ${f.acknowledged.reason})`) : '';
        const cls = f.compatClass ? ` {${f.compatClass}}` : '';
        out.push(`  ${c(f.severity, f.severity.padEnd(7))} ${location(f)}  ${f.title}  [${f.ruleId}]${cls}${ack}`);
        out.push(`          ${f.message}`);
        for (const q of f.checklist) out.push(`          - [ ] ${q}`);
        // Use sites from a consumers index are long: one a line.
        if (f.consumerUses) for (const u of f.consumers) out.push(c('dim', `          affects: ${u}`));
        else if (f.consumers.length > 0) out.push(c('dim', `          affects: ${f.consumers.join(', ')}`));
        for (const ref of f.references) {
          out.push(c('dim', `          see: ${ref.title ? ref.title + ' ' : ''}${ref.url}`));
          for (const line of statementLines(f, ref)) out.push(`            ${line}`);
        }
      }
      if (r.prior?.text) out.push(r.prior.text.replace(/\n+$/, ''));
      out.push('');
      return out.join('\n') + '\n';
    },
    end(s) {
      const skipped = s.skipped.reply + s.skipped['cover-letter'] + s.skipped['no-diff'];
      const parts = [
        `${s.patches} patch${s.patches === 1 ? '' : 'es'}`,
        `${s.findings.error} error${s.findings.error === 1 ? '' : 's'}`,
        `${s.findings.warning} warning${s.findings.warning === 1 ? '' : 's'}`,
        `${s.findings.note} note${s.findings.note === 1 ? '' : 's'}`,
      ];
      if (s.acknowledged) parts.push(`${s.acknowledged} acknowledged`);
      if (skipped) parts.push(`${skipped} mail${skipped === 1 ? '' : 's'} skipped (${s.skipped.reply} replies, ${s.skipped['cover-letter']} cover letters, ${s.skipped['no-diff']} without a diff)`);
      const sources = (s.sources ?? []).map((l) => `patch-review: used ${l}\n`).join('');
      return sources + c('bold', `patch-review: ${parts.join(', ')}`) + '\n';
    },
  };
};
