// reviewdog's Diagnostic Format: `rdjson` (one DiagnosticResult) and `rdjsonl` (one Diagnostic
// per line). code.value is the rule id and code.url the rule's citation; the message ends with
// the entry's page, where the whole checklist is.
import type { FormatterFactory } from './formatter.js';
import type { Finding, Severity } from '../model/finding.js';
import type { PatchReport, RulesMeta } from '../model/report.js';
import { entryUrl } from './common.js';
import { ruleOf } from './layout.js';

const SEVERITY: Record<Severity, 'ERROR' | 'WARNING' | 'INFO'> = { error: 'ERROR', warning: 'WARNING', note: 'INFO' };

export function diagnostic(f: Finding, r: PatchReport, meta: RulesMeta, siteUrl: string, tool: string) {
  const rule = ruleOf(meta, f);
  const page = entryUrl(siteUrl, f.ruleId);
  const ack = f.acknowledged ? ` (acknowledged: ${f.acknowledged.reason})` : '';
  // Patch- and series-level findings have no file; reviewdog needs a path, so they go on the patch's first file.
  const path = f.file ?? r.files[0]?.path ?? '';
  return {
    message: `${rule.title}${ack}\n${f.message}${page ? `\nChecklist: ${page}` : ''}`,
    location: { path, ...(f.file && f.line !== null ? { range: { start: { line: f.line } } } : {}) },
    severity: f.acknowledged ? 'INFO' : SEVERITY[f.severity],
    source: { name: tool, ...(siteUrl ? { url: siteUrl } : {}) },
    code: { value: f.ruleId, ...(rule.references[0]?.url ?? page ? { url: rule.references[0]?.url ?? page } : {}) },
  };
}

export const rdjsonFormatter: FormatterFactory = (ctx) => {
  let first = true;
  return {
    lean: true,
    begin: () => `{"source":${JSON.stringify({ name: ctx.tool.name, ...(ctx.siteUrl ? { url: ctx.siteUrl } : {}) })},"diagnostics":[`,
    patch(r) {
      let out = '';
      for (const f of r.findings) {
        out += (first ? '\n' : ',\n') + JSON.stringify(diagnostic(f, r, ctx.rulesMeta, ctx.siteUrl, ctx.tool.name));
        first = false;
      }
      return out;
    },
    end: () => '\n]}\n',
  };
};

export const rdjsonlFormatter: FormatterFactory = (ctx) => ({
  lean: true,
  begin: () => '',
  patch: (r) => r.findings.map((f) => JSON.stringify(diagnostic(f, r, ctx.rulesMeta, ctx.siteUrl, ctx.tool.name)) + '\n').join(''),
  end: () => '',
});
