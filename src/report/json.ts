// JSON: {"schema":2,"tool":…,"patches":[…],"rules":{…},"summary":…}, written patch by patch.
// A finding carries its ruleId and what is specific to it (severity, message, places, symbols,
// use sites); each rule's title, summary, checklist, consumers and references are written once,
// in "rules" by id, from the rule metadata. "rules" follows the patches: a stream knows which
// rules fired only at its end.
// JSON Lines: one record a line, each with a "type": a "rule" record the first time a rule is
// used, before the "patch" record that uses it, so a reader that reads line by line always has
// the rule of a finding already.
import type { FormatterFactory } from './formatter.js';
import type { Finding } from '../model/finding.js';
import type { PatchReport, RuleMeta, RulesMeta } from '../model/report.js';
import { ruleOf } from './layout.js';

export const JSON_SCHEMA_VERSION = 2;

/** A finding without its rule's text: what this patch did, where, and how bad it is. */
export function findingJson(f: Finding) {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    places: f.places ?? [{ file: f.file, line: f.line }],
    symbols: f.symbols,
    ...(f.compatClass ? { compatClass: f.compatClass } : {}),
    ...(f.acknowledged ? { acknowledged: f.acknowledged } : {}),
    // With --consumers the use sites are the finding's own; the rule's consumers are in "rules".
    ...(f.consumerUses ? { consumers: f.consumers, consumerUses: f.consumerUses } : {}),
    ...(f.specStatements ? { specStatements: f.specStatements } : {}),
  };
}

/** A rule as "rules" holds it (the id is the key in json, a field in jsonl). */
export function ruleJson(m: RuleMeta) {
  return { title: m.title, category: m.category, summary: m.summary, checklist: m.checklist, consumers: m.consumers, references: m.references };
}

export function patchJson(r: PatchReport) {
  return {
    subject: r.patch.subject,
    rawSubject: r.patch.rawSubject,
    messageId: r.patch.messageId,
    source: r.patch.source,
    author: r.patch.author,
    date: r.patch.date,
    version: r.patch.prefix.version,
    index: r.patch.prefix.index,
    total: r.patch.prefix.total,
    series: r.series ? { key: r.series.key, coverLetter: r.series.coverLetter } : null,
    files: r.files.map((f) => f.path),
    findings: r.findings.map(findingJson),
    ...(r.prior ? { priorDiscussion: r.prior.json } : {}),
  };
}

/** The rules of a report's findings not seen before, in finding order, each once per run. */
function newRules(r: PatchReport, meta: RulesMeta, seen: Map<string, RuleMeta>): RuleMeta[] {
  const out: RuleMeta[] = [];
  for (const f of r.findings) {
    if (seen.has(f.ruleId)) continue;
    const m = ruleOf(meta, f);
    seen.set(f.ruleId, m);
    out.push(m);
  }
  return out;
}

export const jsonFormatter: FormatterFactory = (ctx) => {
  let first = true;
  const rules = new Map<string, RuleMeta>();
  return {
    lean: true,
    begin: () => `{"schema":${JSON_SCHEMA_VERSION},"tool":${JSON.stringify(ctx.tool)},"patches":[`,
    patch(r) {
      newRules(r, ctx.rulesMeta, rules);
      const s = (first ? '\n' : ',\n') + JSON.stringify(patchJson(r));
      first = false;
      return s;
    },
    end: (summary) => `\n],"rules":${JSON.stringify(Object.fromEntries([...rules].map(([id, m]) => [id, ruleJson(m)])))},"summary":${JSON.stringify(summary)}}\n`,
  };
};

export const jsonlFormatter: FormatterFactory = (ctx) => {
  const rules = new Map<string, RuleMeta>();
  return {
    lean: true,
    begin: () => '',
    patch: (r) =>
      newRules(r, ctx.rulesMeta, rules)
        .map((m) => JSON.stringify({ type: 'rule', id: m.id, ...ruleJson(m) }) + '\n')
        .join('') + JSON.stringify({ type: 'patch', ...patchJson(r) }) + '\n',
    end: () => '',
  };
};
