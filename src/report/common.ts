// Small helpers the formatters share.
import type { Finding } from '../model/finding.js';
import type { Patch } from '../model/patch.js';

export function location(f: Finding): string {
  if (!f.file) return '(patch)';
  return f.line === null ? f.file : `${f.file}:${f.line}`;
}

export function patchTitle(p: Patch): string {
  const prefix = p.prefix.tags.length > 0 ? `[${p.prefix.tags.join(' ')}] ` : '';
  return `${prefix}${p.subject || '(no subject)'}`;
}

export function severityLabel(f: Finding): string {
  return f.severity.toUpperCase();
}

export function entryUrl(siteUrl: string, ruleId: string): string {
  return `${siteUrl.replace(/\/$/, '')}/entries/${ruleId}.html`;
}
