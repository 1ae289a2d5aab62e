// Text for `related`, `who` and the review's prior-discussion section. The sentences shown are
// the list's own words, read at run time from the user's index and always given with their link.
import type { RelatedResult, RelatedThread, VersionEntry, Mention } from './related.js';
import type { ThreadSummary } from './threads.js';

const MAX_PEOPLE = 5;

export function outcomeText(t: ThreadSummary): string {
  const acks = t.trailers.filter((x) => x.kind !== 'Nacked-by');
  const naks = t.trailers.filter((x) => x.kind === 'Nacked-by');
  const parts: string[] = [t.outcome];
  if (naks.length) parts.push(`NAK: ${unique(naks.map((x) => x.name)).join(', ')}`);
  if (acks.length) parts.push(unique(acks.map((x) => `${x.kind}: ${x.name}`)).join(', '));
  if (t.supersededBy) parts.push(`superseded by ${t.supersededBy.version}`);
  return parts.join('; ');
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function people(t: ThreadSummary): string {
  const shown = t.participants.slice(0, MAX_PEOPLE).map((p) => p.name);
  const more = t.participants.length - shown.length;
  return shown.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

function span(t: ThreadSummary): string {
  if (!t.firstDate) return 'undated';
  return t.lastDate && t.lastDate !== t.firstDate ? `${t.firstDate} … ${t.lastDate}` : t.firstDate;
}

export function mentionLines(ms: Mention[], indent: string): string[] {
  const out: string[] = [];
  for (const m of ms) {
    out.push(`${indent}${m.from}, ${m.date ?? 'undated'}, on ${m.symbol}: “${m.sentence}”`);
    if (m.url) out.push(`${indent}  ${m.url}`);
  }
  return out;
}

function matchedText(t: RelatedThread): string {
  return t.matched
    .slice(0, 6)
    .map((m) => `${m.name} (${[m.inPatch ? 'patch' : '', m.inTexts ? `${m.inTexts} repl${m.inTexts === 1 ? 'y' : 'ies'}` : ''].filter(Boolean).join(', ')})`)
    .join(', ') + (t.matched.length > 6 ? `, +${t.matched.length - 6}` : '');
}

export function threadLines(t: RelatedThread, head: string, indent: string): string[] {
  const out = [`${head}${t.subject}  [${span(t)}, ${t.messages} message${t.messages === 1 ? '' : 's'}]`];
  if (t.url) out.push(`${indent}${t.url}`);
  out.push(`${indent}versions: ${t.versions.join(', ') || 'none (a discussion)'} · outcome: ${outcomeText(t)}`);
  out.push(`${indent}participants: ${people(t)}`);
  if (t.matched.length) out.push(`${indent}matched: ${matchedText(t)}`);
  out.push(...mentionLines(t.mentions, indent));
  return out;
}

function versionLines(v: VersionEntry, indent: string): string[] {
  const pad = indent + ' '.repeat(11);
  const label = `${v.version}${v.self ? '*' : ''}${v.level === 'series' ? ' (s)' : ''}`;
  const replies = `${v.directReplies} repl${v.directReplies === 1 ? 'y' : 'ies'} to it, ${v.replies} in the thread`;
  const out = [`${indent}${label.padEnd(10)} ${v.firstDate ?? 'undated'}  ${v.messageSubject}  [${replies}; ${outcomeText(v)}]`];
  if (v.messageUrl) out.push(`${pad}${v.messageUrl}`);
  if (v.url && v.root !== v.messageId) out.push(`${pad}thread: ${v.subject} ${v.url}`);
  out.push(...mentionLines(v.mentions, pad));
  return out;
}

export function renderRelatedText(results: RelatedResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    const title = r.patch.subject || `(no subject: ${r.patch.source})`;
    out.push(`${r.patch.version === 'v1' ? '' : `[${r.patch.version}] `}${title}${r.patch.messageId ? `  <${r.patch.messageId}>` : ''}`);
    if (r.symbols.length === 0) {
      out.push('  no symbol of this patch is in the index', '');
      continue;
    }
    const names = r.symbols.slice(0, 10).map((s) => s.name);
    out.push(`  symbols: ${names.join(', ')}${r.symbols.length > names.length ? ` (+${r.symbols.length - names.length})` : ''}`);
    if (r.versions.length > 0) {
      const notes = [r.versions.some((v) => v.self) ? '* is this one' : '', r.versions.some((v) => v.level === 'series') ? '(s): a version of its series' : ''].filter(Boolean);
      out.push('', `  Versions of this patch in the index (${r.versions.length}${notes.length ? `; ${notes.join(', ')}` : ''}):`);
      for (const v of r.versions) out.push(...versionLines(v, '    '));
    }
    out.push('', r.threads.length ? '  Related discussions:' : '  No other thread discussed these symbols.');
    r.threads.forEach((t, i) => {
      out.push(...threadLines(t, `  ${String(i + 1).padStart(2)}. `, '      '));
    });
    out.push('');
  }
  return out.join('\n');
}
