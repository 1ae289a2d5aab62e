// An entry as a reader sees it in a terminal (`kb show`, `--explain`).
import type { Entry } from './entry.js';
import { resolveReference } from './entry.js';

export function renderEntryText(e: Entry): string {
  const out: string[] = [];
  out.push(`${e.title}`, `${'='.repeat(Math.min(e.title.length, 78))}`);
  out.push(`id: ${e.id}   area: ${e.area}   category: ${e.category}   severity: ${e.severity}${e.since ? `   since: ${e.since}` : ''}`);
  out.push('', e.summary.trim(), '');
  out.push(`symbols: ${e.symbols.join(', ')}`, '');
  if (e.body) out.push(e.body.trim(), '');
  out.push('Review checklist:');
  for (const q of e.checklist) out.push(`  - [ ] ${q}`);
  out.push('', `Consumers: ${e.consumers.join(', ')}`);
  if (e.history?.length) {
    out.push('', 'History:');
    for (const h of e.history) out.push(`  - ${h.version}: ${h.change}${h.commit ? ` (commit ${h.commit})` : ''}${h.messageId ? ` <${h.messageId}>` : ''}`);
  }
  out.push('', 'References:');
  for (const r of e.references.map(resolveReference)) out.push(`  - [${r.type}] ${r.title ? r.title + ': ' : ''}${r.url}`);
  return out.join('\n') + '\n';
}
