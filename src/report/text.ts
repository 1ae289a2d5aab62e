// Default human format, short enough to read in half a minute: per patch a verdict line, then
// each error and warning as a headline naming the symbol and the consequence, its places, the
// few most specific checklist questions and references (each rule's once per run), and notes
// as one line each. --verbose prints every finding in full. Lines are wrapped to the terminal's
// width, or to 100 columns when the output is not a terminal.
import type { FormatterFactory } from './formatter.js';
import type { Finding, Reference, Severity } from '../model/finding.js';
import type { TreeCoverage } from '../model/diff.js';
import { location, patchTitle } from './common.js';
import { headline, placesOf, placesText, ruleOf, topChecklist, topReferences, verdict, wrap, columns } from './layout.js';

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

/** Columns when the output is not a terminal (and the fallback when a terminal's width is unknown). */
export const DEFAULT_WIDTH = 100;

/** Checklist questions shown per finding by default: errors get one more. */
const QUESTIONS: Record<Severity, number> = { error: 3, warning: 2, note: 0 };
const REFERENCES_SHOWN = 2;
const INDENT = '    ';

export const textFormatter: FormatterFactory = (ctx) => {
  const c = (k: keyof typeof COLORS, s: string) => (ctx.color ? COLORS[k] + s + COLORS.reset : s);
  const width = Math.max(40, ctx.width ?? DEFAULT_WIDTH);
  /** Rules whose checklist and references this run has printed already. */
  const explained = new Set<string>();
  const wrapped = (text: string, first: string, indent = INDENT) => wrap(text, width, first, indent);

  /** A finding in full (--verbose): everything the entry and the match say. */
  function full(f: Finding): string[] {
    const rule = ruleOf(ctx.rulesMeta, f);
    const out: string[] = [];
    const ack = f.acknowledged ? ` (acknowledged: ${f.acknowledged.reason})` : '';
    const cls = f.compatClass ? ` {${f.compatClass}}` : '';
    out.push(...colorFirst(wrapped(`${location(f)}  ${rule.title}  [${f.ruleId}]${cls}${ack}`, `  ${f.severity.padEnd(8)}`, INDENT + '      '), f.severity));
    if (placesOf(f).length > 1) out.push(...wrapped(placesText(placesOf(f)), `${INDENT}at: `, INDENT + '    '));
    out.push(...wrapped(f.message, INDENT));
    for (const q of rule.checklist) out.push(...wrapped(q, `${INDENT}- [ ] `, INDENT + '      '));
    // Use sites from a consumers index are long: one a line.
    if (f.consumerUses) for (const u of f.consumers) out.push(...wrapped(u, `${INDENT}affects: `, INDENT + '  ').map((l) => c('dim', l)));
    else if (rule.consumers.length > 0) out.push(...wrapped(rule.consumers.join(', '), `${INDENT}affects: `).map((l) => c('dim', l)));
    for (const ref of rule.references) {
      out.push(...wrapped(`${ref.title ? ref.title + ' ' : ''}${ref.url}`, `${INDENT}see: `, INDENT + '     ').map((l) => c('dim', l)));
      for (const line of statementLines(f, ref)) out.push(...wrapped(line, INDENT + '  ', INDENT + '    '));
    }
    return out;
  }

  /** An error or a warning, short: headline, places, and the rule's most specific questions and references once per run. */
  function short(f: Finding): string[] {
    const rule = ruleOf(ctx.rulesMeta, f);
    const out = colorFirst(wrapped(`${headline(f, rule)} [${f.ruleId}]`, `  ${f.severity.padEnd(8)}`, INDENT + '      '), f.severity);
    out.push(...wrapped(placesText(placesOf(f)), `${INDENT}at: `, INDENT + '    ').map((l) => c('dim', l)));
    if (explained.has(f.ruleId)) return out;
    explained.add(f.ruleId);
    // With a consumers index: the first use sites the change reaches.
    if (f.consumerUses) {
      for (const u of f.consumers.slice(0, 2)) out.push(...wrapped(u, `${INDENT}affects: `, INDENT + '  ').map((l) => c('dim', l)));
      if (f.consumers.length > 2) out.push(c('dim', `${INDENT}(+${f.consumers.length - 2} more uses: --verbose)`));
    }
    for (const q of topChecklist(f, QUESTIONS[f.severity], rule)) out.push(...wrapped(q, `${INDENT}- [ ] `, INDENT + '      '));
    const refs = topReferences(f, REFERENCES_SHOWN, rule, width - columns(`${INDENT}see: `)).map((r) => r.url);
    const together = `${INDENT}see: ${refs.join('  ')}`;
    if (refs.length > 0) out.push(...(columns(together) <= width ? [together] : refs.map((u) => `${INDENT}see: ${u}`)).map((l) => c('dim', l)));
    // Asked for with --spec-index: the requirements of each cited section.
    for (const ref of rule.references) {
      const statements = statementLines(f, ref);
      if (statements.length === 0) continue;
      out.push(...wrapped(`${ref.title ?? ref.id}:`, INDENT, INDENT + '  ').map((l) => c('dim', l)));
      for (const line of statements) out.push(...wrapped(line, INDENT + '  ', INDENT + '    '));
    }
    return out;
  }

  /** A note, one line: headline and first place, cut to the width. */
  function noteLine(f: Finding): string {
    const line = `  ${'note'.padEnd(8)}${headline(f, ruleOf(ctx.rulesMeta, f))} (${placesText(placesOf(f).slice(0, 1))}) [${f.ruleId}]`;
    return c('note', clip(line, width));
  }

  function colorFirst(lines: string[], sev: Severity): string[] {
    return lines.map((l, i) => (i === 0 ? l.replace(/^(\s*)(\S+)/, (_m, sp: string, w: string) => sp + c(sev, w)) : l));
  }

  return {
    lean: true,
    begin: () => '',
    patch(r) {
      const out: string[] = [];
      out.push(...wrapped(patchTitle(r.patch), '', '  ').map((l) => c('bold', l)));
      const meta = [r.patch.messageId ? `<${r.patch.messageId}>` : null, r.patch.source].filter(Boolean).join('  ');
      out.push(...wrapped(meta, '  ', '    ').map((l) => c('dim', l)));
      if (r.series?.coverLetter) out.push(...wrapped(r.series.coverLetter, '  series: ', '    ').map((l) => c('dim', l)));
      const shown = ctx.verbose ? r.findings : r.findings.filter((f) => !f.acknowledged);
      out.push(...wrapped(verdict(r.findings), '  '));
      for (const f of shown) {
        if (ctx.verbose) out.push(...full(f));
        else if (f.severity === 'note') out.push(noteLine(f));
        else out.push(...short(f));
      }
      const acked = r.findings.length - shown.length;
      if (acked > 0) out.push(c('dim', `  ${acked} acknowledged finding${acked === 1 ? '' : 's'} not shown (--verbose shows them)`));
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
      const tree = s.tree ? treeCoverageLine(s.tree) : null;
      const sources = [...(s.sources ?? []).map((l) => `used ${l}`), ...(tree ? [tree] : [])].flatMap((l) => wrap(l, width, 'patch-review: ', '  ')).map((l) => `${l}\n`).join('');
      return sources + wrap(parts.join(', '), width, 'patch-review: ', '  ').map((l) => c('bold', l)).join('\n') + '\n';
    },
  };
};

/**
 * Said only when the tree was not simply the patches' base: files it has in another version were
 * read from the patch alone, and files placed at an offset carry the tree's line numbers.
 */
function treeCoverageLine(t: TreeCoverage): string | null {
  const apart = t.files - t.whole;
  if (apart === 0 && t.moved === 0) return null;
  const parts = [`whole files from the tree for ${t.whole} of ${t.files} files`];
  if (t.moved) parts.push(`${t.moved} placed where the tree drifted (their line numbers are the tree's)`);
  if (apart) parts.push(`${apart} another version there (read from the patch alone)`);
  return parts.join('; ');
}

/** A line cut to `width` columns, with "…" where it was cut. */
function clip(line: string, width: number): string {
  if (columns(line) <= width) return line;
  return [...line].slice(0, width - 1).join('') + '…';
}
