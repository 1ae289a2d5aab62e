// SARIF 2.1.0 for code-scanning services: one run, one rule per knowledge entry that fired
// (with its description, checklist and a link to the entry's page), results with paths
// relative to the repository root, fingerprints that survive line shifts, and waivers as
// in-source suppressions. Written as the patches stream by; rules follow the results.
import { createHash } from 'node:crypto';
import type { FormatterFactory } from './formatter.js';
import type { Finding, Severity } from '../model/finding.js';
import type { PatchReport } from '../model/report.js';
import { ruleLink } from './common.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', note: 'note' };

/** The entry's summary: a finding's message is the summary plus " Here: <specifics>." */
export function ruleSummary(f: Finding): string {
  const at = f.message.indexOf(' Here: ');
  return at > 0 ? f.message.slice(0, at) : f.message;
}

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

function rule(f: Finding, siteUrl: string) {
  const checklist = f.checklist.map((q) => `- [ ] ${q}`).join('\n');
  const refs = f.references.map((r) => `- [${(r.title ?? r.id).replace(/[[\]]/g, '')}](${r.url})`).join('\n');
  return {
    id: f.ruleId,
    name: f.ruleId.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: f.title },
    fullDescription: { text: ruleSummary(f) },
    ...(ruleLink(siteUrl, f) ? { helpUri: ruleLink(siteUrl, f) } : {}),
    help: {
      text: `${ruleSummary(f)}\n\nReview checklist:\n${checklist}`,
      markdown: `${ruleSummary(f)}\n\n**Review checklist**\n\n${checklist}${refs ? `\n\n**References**\n\n${refs}` : ''}`,
    },
    defaultConfiguration: { level: LEVEL[f.severity] },
    properties: { category: f.category, tags: ['patch-review', f.category] },
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
      consumers: f.consumers,
      ...(f.consumerUses ? { consumerUses: f.consumerUses } : {}),
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
          entry = { index: rules.size, rule: rule(f, ctx.siteUrl) };
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
