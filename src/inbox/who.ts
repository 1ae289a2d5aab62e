// `who`: the people who reviewed changes to these symbols before, like get_maintainer.pl but
// from review history. A reviewer scores for each earlier thread whose patches touched the
// symbols and that they replied to (more when they gave a trailer), and for each reply of
// theirs that named one of the symbols, weighted by the symbol's rarity and by recency.
import type { Fact } from '../model/facts.js';
import type { InboxDb } from './store.js';
import { KIND_CODE, placeholders } from './store.js';
import { isBot, parseAddress } from './address.js';
import { lookupSymbols, recencyFactor, rarity } from './related.js';
import { isoDate } from './threads.js';
import { isGenericKernelApi } from './generic-apis.js';
import { mapPerson, type Mailmap } from './mailmap.js';

export interface Reviewer {
  name: string;
  email: string;
  score: number;
  /** Threads about these symbols they replied in. */
  threads: number;
  /** Trailers they gave in those threads, by kind. */
  trailers: Record<string, number>;
  /** Their replies that named one of the symbols. */
  mentions: number;
  lastDate: string | null;
  /** The symbols their activity was about, strongest first. */
  symbols: string[];
}

export interface WhoResult {
  symbols: string[];
  reviewers: Reviewer[];
}


const TRAILER_BONUS: Record<string, number> = { 'Acked-by': 1, 'Reviewed-by': 1.5, 'Tested-by': 0.5, 'Nacked-by': 1.5 };

interface Acc {
  name: string;
  email: string;
  score: number;
  threads: Set<number>;
  trailers: Record<string, number>;
  mentions: number;
  last: number | null;
  bySymbol: Map<string, number>;
}

/**
 * Reviewers for patches with these facts. `authors` (e-mail addresses) are left out: the
 * patch's own author is not a reviewer of it. `now` anchors recency (default: the newest mail).
 */
export function whoFor(inbox: InboxDb, facts: readonly Fact[], authors: string[], opts: { limit?: number; now?: number; mailmap?: Mailmap } = {}): WhoResult {
  const limit = opts.limit ?? 8;
  // Generic kernel APIs (refcount_inc, xa_erase, UINT_MAX) are no evidence of who knows the code.
  const { symbols } = lookupSymbols(inbox, facts.filter((f) => !isGenericKernelApi(f.symbol)), 60);
  if (symbols.length === 0) return { symbols: [], reviewers: [] };
  const bySym = new Map(symbols.map((s) => [s.id, s]));
  const ids = symbols.map((s) => s.id);
  const now = opts.now ?? Number(inbox.meta('newest_date') ?? Math.floor(Date.now() / 1000));
  const excluded = new Set(authors.map((a) => a.toLowerCase()));
  // One person may write from several addresses: they are one reviewer (by name), reached at the latest one.
  const people = new Map<string, Acc>();
  const acc = (rawName: string, rawEmail: string): Acc | null => {
    // The tree's .mailmap names people at the address they use now.
    const { name, email } = opts.mailmap ? mapPerson(opts.mailmap, rawName, rawEmail) : { name: rawName, email: rawEmail };
    if (excluded.has(email.toLowerCase()) || excluded.has(rawEmail.toLowerCase()) || isBot({ name, email })) return null;
    const key = name.includes('@') ? email : name.toLowerCase().replace(/\s+/g, ' ');
    let a = people.get(key);
    if (!a) {
      a = { name, email, score: 0, threads: new Set(), trailers: {}, mentions: 0, last: null, bySymbol: new Map() };
      people.set(key, a);
    }
    return a;
  };
  const credit = (a: Acc, sym: string, v: number, date: number | null, email: string) => {
    a.score += v;
    a.bySymbol.set(sym, (a.bySymbol.get(sym) ?? 0) + v);
    if (date !== null && (a.last === null || date > a.last)) {
      a.last = date;
      a.email = opts.mailmap ? mapPerson(opts.mailmap, a.name, email).email : email;
    }
  };

  // Threads whose patches touched the symbols, with how much they were about them.
  const relevance = new Map<number, { value: number; top: string; topValue: number; author: Set<number> }>();
  for (const r of inbox.all<{ sym: number; weight: number; thread: number; author: number | null }>(
    `SELECT ps.sym, ps.weight, m.thread, m.author FROM patch_symbols ps JOIN messages m ON m.id = ps.msg WHERE ps.sym IN (${placeholders(ids.length)})`,
    ids,
  )) {
    const q = bySym.get(r.sym)!;
    const v = rarity(q) * Math.min(q.weight, r.weight);
    const t = relevance.get(r.thread) ?? { value: 0, top: q.name, topValue: 0, author: new Set<number>() };
    if (v > t.topValue) {
      t.top = q.name;
      t.topValue = v;
    }
    t.value += v;
    if (r.author !== null) t.author.add(r.author);
    relevance.set(r.thread, t);
  }
  // One thread counts at most 40: a huge series should not make everyone in it the top reviewer.
  const threadIds = [...relevance.keys()];
  for (let i = 0; i < threadIds.length; i += 500) {
    const chunk = threadIds.slice(i, i + 500);
    for (const r of inbox.all<{ thread: number; author: number; name: string; email: string; date: number | null; msgid: string }>(
      `SELECT m.thread, m.author, p.name, p.email, m.date, m.msgid FROM messages m JOIN people p ON p.id = m.author
        WHERE m.kind = ${KIND_CODE.reply} AND m.thread IN (${placeholders(chunk.length)})`,
      chunk,
    )) {
      const t = relevance.get(r.thread)!;
      if (t.author.has(r.author)) continue;
      const a = acc(r.name, r.email);
      if (!a || a.threads.has(r.thread)) continue;
      a.threads.add(r.thread);
      credit(a, t.top, Math.min(t.value, 40) * recencyFactor(r.date, now), r.date, r.email);
    }
    for (const r of inbox.all<{ thread: number; person: number; kind: string; name: string; email: string; date: number | null }>(
      `SELECT m.thread, t.person, t.kind, p.name, p.email, m.date FROM trailers t JOIN messages m ON m.id = t.msg JOIN people p ON p.id = t.person
        WHERE m.thread IN (${placeholders(chunk.length)})`,
      chunk,
    )) {
      const t = relevance.get(r.thread)!;
      if (t.author.has(r.person)) continue;
      const a = acc(r.name, r.email);
      if (!a) continue;
      a.trailers[r.kind] = (a.trailers[r.kind] ?? 0) + 1;
      credit(a, t.top, Math.min(t.value, 40) * (TRAILER_BONUS[r.kind] ?? 0) * recencyFactor(r.date, now), r.date, r.email);
    }
  }
  // Replies (and discussions) anywhere that named the symbols in their own words.
  for (const r of inbox.all<{ sym: number; author: number; name: string; email: string; date: number | null }>(
    `SELECT mn.sym, m.author, p.name, p.email, m.date FROM mentions mn JOIN messages m ON m.id = mn.msg JOIN people p ON p.id = m.author
      WHERE m.kind IN (${KIND_CODE.reply}, ${KIND_CODE.other}) AND mn.sym IN (${placeholders(ids.length)})`,
    ids,
  )) {
    const a = acc(r.name, r.email);
    if (!a) continue;
    const q = bySym.get(r.sym)!;
    a.mentions++;
    credit(a, q.name, rarity(q) * q.weight * 1.5 * recencyFactor(r.date, now), r.date, r.email);
  }
  const reviewers = [...people.values()]
    .filter((a) => a.threads.size > 0 || a.mentions > 0)
    .sort((x, y) => y.score - x.score || x.name.localeCompare(y.name))
    .slice(0, limit)
    .map((a) => ({
      name: a.name,
      email: a.email,
      score: Math.round(a.score * 10) / 10,
      threads: a.threads.size,
      trailers: a.trailers,
      mentions: a.mentions,
      lastDate: isoDate(a.last),
      symbols: [...a.bySymbol].sort((x, y) => y[1] - x[1]).slice(0, 5).map(([s]) => s),
    }));
  return { symbols: symbols.map((s) => s.name), reviewers };
}

/** E-mail addresses of the authors of patches (their in-body From or sender). */
export function authorEmails(authors: string[]): string[] {
  return authors.map((a) => parseAddress(a)?.email).filter((e): e is string => Boolean(e));
}

export function renderWhoText(r: WhoResult): string {
  if (r.symbols.length === 0) return 'No symbol of these patches is in the index: no review history to go by.\n';
  if (r.reviewers.length === 0) return `Nobody reviewed changes to ${r.symbols.slice(0, 5).join(', ')} in the index.\n`;
  const out = [`Reviewed changes to these symbols before (${r.symbols.slice(0, 6).join(', ')}${r.symbols.length > 6 ? ', …' : ''}):`];
  for (const p of r.reviewers) {
    const trailers = Object.entries(p.trailers)
      .map(([k, n]) => `${k} ×${n}`)
      .join(', ');
    const facts = [`${p.threads} thread${p.threads === 1 ? '' : 's'}`, trailers, p.mentions ? `${p.mentions} repl${p.mentions === 1 ? 'y' : 'ies'} naming them` : '', p.lastDate ? `last ${p.lastDate}` : '']
      .filter(Boolean)
      .join(', ');
    out.push(`  ${`${p.name} <${p.email}>`.padEnd(48)} ${String(p.score).padStart(6)}  ${facts}; on ${p.symbols.join(', ')}`);
  }
  out.push('');
  for (const p of r.reviewers) out.push(`Cc: ${p.name} <${p.email}>`);
  return out.join('\n') + '\n';
}
