// Small helpers the formatters share.
import type { Finding } from '../model/finding.js';
import type { RuleMeta } from '../model/report.js';
import type { Patch } from '../model/patch.js';

export function location(f: Finding): string {
  if (!f.file) return '(patch)';
  return f.line === null ? f.file : `${f.file}:${f.line}`;
}

export function patchTitle(p: Patch): string {
  const prefix = p.prefix.tags.length > 0 ? `[${p.prefix.tags.join(' ')}] ` : '';
  return `${prefix}${p.subject || '(no subject)'}`;
}

/**
 * The entry's page on the compatibility-notes site, or none when no site URL is set: the
 * default site is not published, and a link to it would lead nowhere.
 */
export function entryUrl(siteUrl: string, ruleId: string): string | undefined {
  return siteUrl ? `${siteUrl.replace(/\/$/, '')}/entries/${ruleId}.html` : undefined;
}

/** Where a reader learns more about a rule: the entry's page, else its first citation. */
export function ruleLink(siteUrl: string, rule: RuleMeta): string | undefined {
  return entryUrl(siteUrl, rule.id) ?? rule.references[0]?.url;
}
