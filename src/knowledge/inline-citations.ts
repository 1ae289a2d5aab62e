// Citations written inline in an entry's prose, "(lore: <Message-ID>, …)" and "(commit <id>)",
// and the check that each one is also listed in the entry's `references` (the reader's list).
import type { Entry } from './entry.js';
import type { Problem } from './compile.js';

export interface InlineCitation {
  type: 'lore' | 'commit';
  id: string;
}

/** A Message-ID or commit id in a list: separated by ",", ";" or "and". */
const LIST_ITEM = /^\s*(?:[,;]\s*|\s+and\s+)?([^\s,;()]+)/;
const LORE = /\blore:\s*/g;
const COMMIT = /\bcommits?\s+(?=[0-9a-f]{12,40}\b)/g;

/** The ids cited inline in a text, in order (duplicates kept). */
export function inlineCitations(text: string): InlineCitation[] {
  const out: InlineCitation[] = [];
  const collect = (re: RegExp, type: InlineCitation['type'], accept: (id: string) => boolean) => {
    for (const m of text.matchAll(re)) {
      let rest = text.slice(m.index + m[0].length);
      let first = true;
      for (;;) {
        const item = LIST_ITEM.exec(rest);
        if (!item || (first && /^[,;]|^\s+and\s/.test(rest))) break;
        const id = item[1]!.replace(/[.:]+$/, '');
        if (!accept(id)) break;
        out.push({ type, id });
        rest = rest.slice(item[0].length);
        first = false;
      }
    }
  };
  collect(LORE, 'lore', (id) => /@/.test(id) || /^[\w.+%=$-]{8,}$/.test(id));
  collect(COMMIT, 'commit', (id) => /^[0-9a-f]{12,40}$/.test(id));
  return out;
}

/** The prose of an entry that may carry inline citations. */
export function entryProse(e: Entry): string {
  return [e.summary, ...e.checklist, ...(e.history ?? []).map((h) => h.change), e.body].join('\n');
}

function sameCommit(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** Whether a reference (or a link in it) carries the id. */
function listed(e: Entry, c: InlineCitation): boolean {
  return e.references.some((r) => {
    if (c.type === 'lore') return (r.type === 'lore' && r.id === c.id) || (r.type === 'url' && [r.id, r.url ?? ''].some((u) => u.includes(c.id)));
    if (r.type === 'commit' && sameCommit(r.id, c.id)) return true;
    return r.type === 'url' && [r.id, r.url ?? ''].some((u) => (u.match(/\b[0-9a-f]{12,40}\b/g) ?? []).some((h) => sameCommit(h, c.id)));
  });
}

/** Inline citations the entry's `references` do not list. */
export function unlistedInlineCitations(e: Entry): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const c of inlineCitations(entryProse(e))) {
    const key = `${c.type}:${c.id}`;
    if (seen.has(key) || listed(e, c)) continue;
    seen.add(key);
    problems.push({ file: e.file, field: 'references', message: `the prose cites (${c.type === 'lore' ? 'lore: ' : 'commit '}${c.id}) but references does not list it`, check: 'inline-not-in-references' });
  }
  return problems;
}
