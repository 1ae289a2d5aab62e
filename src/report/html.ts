// A self-contained HTML report (no scripts, no external resources), rendered from the
// Handlebars templates in templates/report-{head,patch,foot}.hbs so that it streams patch by
// patch. Templates only use the escaping {{…}} form; links pass through safeUrl, which lets
// nothing but http(s) through, so text from a patch can never become markup or a script.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { FormatterFactory } from './formatter.js';
import type { Finding } from '../model/finding.js';
import type { PatchReport, RuleMeta, RulesMeta } from '../model/report.js';
import { TEMPLATE_DIR } from '../io/paths.js';
import { referenceUrl } from '../knowledge/entry.js';
import { ruleLink, location, patchTitle } from './common.js';
import { locateFinding } from './email.js';
import { ruleOf } from './layout.js';

const TEMPLATES = ['head', 'patch', 'foot'] as const;
/** Diff lines shown around a finding's line. */
const EXCERPT_RADIUS = 3;

export function safeUrl(url: unknown): string {
  return typeof url === 'string' && /^https?:\/\/[^\s"'<>`]+$/i.test(url) ? url : '#';
}

function loadTemplates(): Record<(typeof TEMPLATES)[number], Handlebars.TemplateDelegate> {
  const hb = Handlebars.create();
  hb.registerHelper('safeUrl', safeUrl);
  const out = {} as Record<(typeof TEMPLATES)[number], Handlebars.TemplateDelegate>;
  for (const t of TEMPLATES) out[t] = hb.compile(readFileSync(join(TEMPLATE_DIR, `report-${t}.hbs`), 'utf8'));
  return out;
}

function excerpt(r: PatchReport, f: Finding): { cls: string; text: string }[] {
  const at = locateFinding(r.files, f);
  if (!at || at.hunk === null || at.line === null) return [];
  const lines = at.file.hunks[at.hunk]!.lines;
  const from = Math.max(0, at.line - EXCERPT_RADIUS);
  return lines.slice(from, at.line + EXCERPT_RADIUS + 1).map((l, i) => ({
    cls: from + i === at.line ? 'hit' : l.kind === '+' ? 'add' : l.kind === '-' ? 'del' : 'ctx',
    text: `${l.kind}${l.text}`,
  }));
}

export function patchView(r: PatchReport, meta: RulesMeta, siteUrl: string, index: number) {
  const p = r.patch;
  return {
    title: patchTitle(p),
    messageId: p.messageId,
    messageUrl: p.messageId ? referenceUrl('lore', p.messageId) : null,
    author: p.author,
    date: p.date,
    source: p.source,
    files: r.files.map((f) => ({ path: f.path, additions: f.additions, deletions: f.deletions })),
    findings: r.findings.map((f, i) => findingView(r, f, ruleOf(meta, f), siteUrl, `p${index}-f${i}`)),
  };
}

function findingView(r: PatchReport, f: Finding, rule: RuleMeta, siteUrl: string, anchor: string) {
  return {
    anchor,
    severity: f.severity,
    acknowledged: f.acknowledged?.reason ?? null,
    where: location(f),
    category: f.category,
    compatClass: f.compatClass ?? null,
    title: rule.title,
    ruleId: f.ruleId,
    ruleUrl: ruleLink(siteUrl, rule) ?? null,
    message: f.message,
    excerpt: excerpt(r, f),
    checklist: rule.checklist,
    // Use sites from a consumers index belong to the finding; otherwise the rule's consumers.
    consumers: f.consumerUses ? f.consumers : rule.consumers,
    references: rule.references.map((ref) => ({ url: ref.url, label: ref.title ? `${ref.title} (${ref.type})` : `${ref.type}: ${ref.id}` })),
  };
}

export const htmlFormatter: FormatterFactory = (ctx) => {
  const t = loadTemplates();
  let n = 0;
  return {
    begin: () => t.head({ tool: ctx.tool, siteUrl: ctx.siteUrl }),
    patch: (r) => t.patch(patchView(r, ctx.rulesMeta, ctx.siteUrl, n++)),
    end(summary) {
      const skipped = summary.skipped.reply + summary.skipped['cover-letter'] + summary.skipped['no-diff'];
      return t.foot({ tool: ctx.tool, summary, onePatch: summary.patches === 1, skipped, oneSkipped: skipped === 1 });
    },
  };
};
