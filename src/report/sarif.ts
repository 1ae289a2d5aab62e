// SARIF 2.1.0 for code-scanning services: one run, one rule per knowledge entry that fired
// (tool.driver.rules, from the rule metadata: description, checklist, references and a link to
// the entry's page), results that name their rule by ruleId and ruleIndex, with paths
// relative to the repository root, fingerprints that survive line shifts, and waivers as
// in-source suppressions. Written as the patches stream by; rules follow the results.
import { createHash } from 'node:crypto';
import type { FormatterFactory } from './formatter.js';
import type { Finding, Severity } from '../model/finding.js';
import type { PatchReport, RuleMeta } from '../model/report.js';
import { ruleLink } from './common.js';
import { ruleOf } from './layout.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };

/** A repository-relative path as a URI reference (each segment percent-encoded). */
export function pathUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Stable across line shifts and rebases: rule, file, first symbol and patch subject. */
export function fingerprint(f: Finding, subject: string): string {
  return createHash('sha256')
    .update([f.ruleId, f.file ?? '', f.symbols[0] ?? '', subject].join('\0'))
    .digest('hex')
    .slice(0, 32);
}

/** A reportingDescriptor for tool.driver.rules, from the rule's metadata; the level is its first finding's. */
function rule(meta: RuleMeta, level: Severity, siteUrl: string) {
  const checklist = meta.checklist.map((q) => `- [ ] ${q}`).join('\n');
  const refs = meta.references.map((r) => `- [${(r.title ?? r.id).replace(/[[\]]/g, '')}](${r.url})`).join('\n');
  const link = ruleLink(siteUrl, meta);
  return {
    id: meta.id,
    name: meta.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: meta.title },
    ...(meta.summary ? { fullDescription: { text: meta.summary } } : {}),
    ...(link ? { helpUri: link } : {}),
    help: {
      text: `${meta.summary}\n\nReview checklist:\n${checklist}`,
      markdown: `${meta.summary}\n\n**Review checklist**\n\n${checklist}${refs ? `\n\n**References**\n\n${refs}` : ''}`,
    },
    defaultConfiguration: { level: LEVEL[level] },
    properties: { category: meta.category, tags: ['patch-review', meta.category], ...(meta.consumers.length ? { consumers: meta.consumers } : {}) },
  };
}

function result(f: Finding, r: PatchReport, ruleIndex: number) {
  // Series- and patch-level findings have no file; code scanning needs a location, so they
  // are placed on the patch's first file, without a line.
  const file = f.file ?? r.files[0]?.path ?? null;
  const location = file
    ? {
        physicalLocation: {
          artifactLocation: { uri: pathUri(file), uriBaseId: '%SRCROOT%' },
          ...(f.file && f.line !== null ? { region: { startLine: f.line } } : {}),
        },
      }
    : null;
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    ...(location ? { locations: [location] } : {}),
    partialFingerprints: { 'patchReviewFinding/v1': fingerprint(f, r.patch.subject) },
    ...(f.acknowledged ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: f.acknowledged.reason }] } : {}),
    properties: {
      patch: r.patch.rawSubject,
      ...(r.patch.messageId ? { messageId: r.patch.messageId } : {}),
      scope: f.file === null ? 'patch' : 'file',
      symbols: f.symbols,
      // The rule's consumers are in its descriptor; use sites (--consumers) belong to the finding.
      ...(f.consumerUses ? { consumers: f.consumers, consumerUses: f.consumerUses } : {}),
      ...(f.compatClass ? { compatClass: f.compatClass } : {}),
    },
  };
}

export const sarifFormatter: FormatterFactory = (ctx) => {
  const rules = new Map<string, { index: number; rule: ReturnType<typeof rule> }>();
  let first = true;
  return {
    lean: true,
    begin: () => `{"$schema":${JSON.stringify(SARIF_SCHEMA)},"version":"2.1.0","runs":[{"results":[`,
    patch(r) {
      let out = '';
      for (const f of r.findings) {
        let entry = rules.get(f.ruleId);
        if (!entry) {
          entry = { index: rules.size, rule: rule(ruleOf(ctx.rulesMeta, f), f.severity, ctx.siteUrl) };
          rules.set(f.ruleId, entry);
        }
        out += (first ? '\n' : ',\n') + JSON.stringify(result(f, r, entry.index));
        first = false;
      }
      return out;
    },
    end(summary) {
      const driver = {
        name: ctx.tool.name,
        version: ctx.tool.version,
        ...(ctx.siteUrl ? { informationUri: ctx.siteUrl } : {}),
        rules: [...rules.values()].map((e) => e.rule),
      };
      const run = {
        tool: { driver },
        columnKind: 'unicodeCodePoints',
        invocations: [{ executionSuccessful: true }],
        properties: { summary },
      };
      return `\n],${JSON.stringify(run).slice(1)}]}\n`;
    },
  };
};
