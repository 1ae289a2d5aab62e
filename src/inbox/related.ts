// Which indexed threads discussed what a patch touches. A thread scores for each symbol the
// patch shares with it, more when a review reply (not just another patch) named it, more still
// when both happened in the same thread, weighted by how rare the symbol is in the archive and
// how strongly the patch is about it; then by outcome and by distance in time.
import type { Patch } from '../model/patch.js';
import type { Fact } from '../model/facts.js';
import type { InboxDb } from './store.js';
import { KIND_CODE, placeholders } from './store.js';
import { patchSymbols, type SymbolWeight } from './symbols.js';
import { parseAddress } from './address.js';
import { parseDate } from './record.js';
import { normalizeSubject, subjectSimilarity, SAME_TOPIC, TOPIC_WINDOW, versionLabel } from './topics.js';
import { loadThreads, loreUrl, isoDate, type ThreadSummary, type Outcome, type MessageRow } from './threads.js';

export interface QuerySymbol {
  id: number;
  name: string;
  /** How strongly the patch is about it (see symbols.ts). */
  weight: SymbolWeight;
  /** Patches and texts in the index that name it. */
  df: number;
  idf: number;
}

export interface Mention {
  symbol: string;
  sentence: string;
  messageId: string;
  url: string | null;
  from: string;
  date: string | null;
  /** "reply", or "other" for a discussion that is not about a posted patch. */
  kind: string;
}

export interface MatchedSymbol {
  name: string;
  /** A patch in the thread touches it. */
  inPatch: boolean;
  /** How many replies (and cover letters) name it. */
  inTexts: number;
}

export interface RelatedThread extends ThreadSummary {
  score: number;
  matched: MatchedSymbol[];
  mentions: Mention[];
}

export interface VersionEntry extends RelatedThread {
  /** The version label of this line of work in that thread, e.g. "RFC v2". */
  version: string;
  /** The mail of that version (the patch itself, or the cover letter for a series-level match). */
  messageId: string;
  messageUrl: string | null;
  messageSubject: string;
  /** Replies to that mail (directly or further down), not to the rest of the series. */
  directReplies: number;
  /** It is the patch being asked about. */
  self: boolean;
  /** "patch": a version of this very patch; "series": a version of the series it belongs to (matched by its cover letter). */
  level: 'patch' | 'series';
}

export interface RelatedResult {
  patch: { source: string; subject: string; version: string; messageId: string | null; author: string; date: string | null };
  /** The symbols looked up, strongest and rarest first; `skipped` were too common in the archive to mean anything. */
  symbols: QuerySymbol[];
  skipped: string[];
  versions: VersionEntry[];
  threads: RelatedThread[];
}

export interface RelatedOptions {
  /** How many related threads (default 8). */
  limit?: number;
  /** Sentences shown per thread (default 3). */
  mentionsPerThread?: number;
  /** Symbols used at most (rarest and strongest first; default 60). */
  maxSymbols?: number;
  /** The series' cover letter subject (without prefix), when known: finds earlier versions of the series. */
  coverSubject?: string;
}

/**
 * A symbol named by more than this share of all indexed mails (and by at least COMMON_MIN of
 * them, so that a small index keeps everything) says nothing about a thread, unless the patch
 * declares it.
 */
const COMMON_SHARE = 0.03;
const COMMON_MIN = 50;

export function lookupSymbols(inbox: InboxDb, facts: readonly Fact[], maxSymbols = 60): { symbols: QuerySymbol[]; skipped: string[] } {
  const wanted = patchSymbols(facts, 2000);
  // Rowids are dense (nothing is ever deleted): max(id) is the count without a scan.
  const total = Math.max(1, (inbox.one<{ n: number | null }>('SELECT max(id) AS n FROM messages')?.n as number | null) ?? 1);
  const weight = new Map(wanted.map((w) => [w.name, w.weight]));
  const rows: QuerySymbol[] = [];
  const names = wanted.map((w) => w.name);
  for (let i = 0; i < names.length; i += 500) {
    const chunk = names.slice(i, i + 500);
    for (const r of inbox.all<{ id: number; name: string; patch_df: number; text_df: number }>(
      `SELECT id, name, patch_df, text_df FROM symbols WHERE name IN (${placeholders(chunk.length)})`,
      chunk,
    )) {
      const df = r.patch_df + r.text_df;
      if (df === 0) continue;
      rows.push({ id: r.id, name: r.name, weight: weight.get(r.name)!, df, idf: Math.log(1 + total / (1 + df)) });
    }
  }
  const skipped: string[] = [];
  const kept = rows.filter((r) => {
    if (r.weight < 3 && r.df > Math.max(total * COMMON_SHARE, COMMON_MIN)) {
      skipped.push(r.name);
      return false;
    }
    return true;
  });
  kept.sort((a, b) => b.idf * b.weight - a.idf * a.weight || a.name.localeCompare(b.name));
  skipped.push(...kept.slice(maxSymbols).map((s) => s.name));
  return { symbols: kept.slice(0, maxSymbols), skipped };
}

interface ThreadScore {
  patch: Map<number, number>; // sym → strongest weight in a patch of the thread
  texts: Map<number, number>; // sym → replies naming it
  replyTexts: Set<number>; // syms named by a reply proper (not a cover letter)
  lastDate: number | null;
}


/** Per-thread evidence for the symbols. */
function gather(inbox: InboxDb, symbols: QuerySymbol[]): Map<number, ThreadScore> {
  const out = new Map<number, ThreadScore>();
  if (symbols.length === 0) return out;
  const ids = symbols.map((s) => s.id);
  const get = (thread: number) => {
    let t = out.get(thread);
    if (!t) {
      t = { patch: new Map(), texts: new Map(), replyTexts: new Set(), lastDate: null };
      out.set(thread, t);
    }
    return t;
  };
  const seenDate = (t: ThreadScore, d: number | null) => {
    if (d !== null && (t.lastDate === null || d > t.lastDate)) t.lastDate = d;
  };
  for (const r of inbox.all<{ sym: number; weight: number; thread: number; date: number | null }>(
    `SELECT ps.sym, ps.weight, m.thread, m.date FROM patch_symbols ps JOIN messages m ON m.id = ps.msg WHERE ps.sym IN (${placeholders(ids.length)})`,
    ids,
  )) {
    const t = get(r.thread);
    t.patch.set(r.sym, Math.max(t.patch.get(r.sym) ?? 0, r.weight));
    seenDate(t, r.date);
  }
  for (const r of inbox.all<{ sym: number; thread: number; kind: number; date: number | null }>(
    `SELECT mn.sym, m.thread, m.kind, m.date FROM mentions mn JOIN messages m ON m.id = mn.msg WHERE mn.sym IN (${placeholders(ids.length)})`,
    ids,
  )) {
    const t = get(r.thread);
    t.texts.set(r.sym, (t.texts.get(r.sym) ?? 0) + 1);
    if (r.kind === KIND_CODE.reply || r.kind === KIND_CODE.other) t.replyTexts.add(r.sym);
    seenDate(t, r.date);
  }
  return out;
}

const OUTCOME_FACTOR: Record<Outcome, number> = { nacked: 1.3, applied: 1.15, acked: 1.1, reviewed: 1.1, discussed: 1, 'no-replies': 0.7 };

/** Squared idf: a symbol only a handful of mails name says far more than a type every driver uses. */
export function rarity(q: QuerySymbol): number {
  return (q.idf * q.idf) / 10;
}

/**
 * Evidence score before outcome and time. A patch of the thread touching the symbol counts a
 * little (both must be strongly about it to count fully); a review reply naming it counts more,
 * and most when the thread's patch touches it too: then the review was about this symbol.
 */
export function evidenceScore(t: ThreadScore, symbols: Map<number, QuerySymbol>): number {
  let score = 0;
  for (const [sym, w] of t.patch) {
    const q = symbols.get(sym)!;
    score += rarity(q) * Math.min(q.weight, w) * 0.5;
  }
  for (const [sym, n] of t.texts) {
    const q = symbols.get(sym)!;
    const inReply = t.replyTexts.has(sym);
    score += rarity(q) * q.weight * (inReply ? 1.5 : 0.5) * (1 + 0.25 * Math.min(n - 1, 4));
    if (inReply && t.patch.has(sym)) score += rarity(q) * q.weight;
  }
  return score;
}

/** 1 at the patch's own date, 0.5 three years away. */
export function recencyFactor(threadDate: number | null, ref: number): number {
  if (threadDate === null) return 0.8;
  const years = Math.abs(ref - threadDate) / (365.25 * 24 * 3600);
  return 1 / (1 + years / 3);
}

/** Lines of work (topics) by `email` whose subjects match `subject`, near `when`. */
function topicsBySubject(inbox: InboxDb, email: string, subject: string, kind: number, when: number | null, into: Set<number>): void {
  const norm = normalizeSubject(subject);
  const rows = inbox.all<{ subject: string; topic: number | null; date: number | null }>(
    `SELECT m.subject, m.topic, m.date FROM messages m JOIN people p ON p.id = m.author WHERE p.email = ? AND m.kind = ?`,
    [email, kind],
  );
  for (const r of rows) {
    if (r.topic === null || into.has(r.topic)) continue;
    if (when !== null && r.date !== null && Math.abs(when - r.date) > TOPIC_WINDOW) continue;
    if (subjectSimilarity(norm, normalizeSubject(r.subject)) >= SAME_TOPIC) into.add(r.topic);
  }
}

/** The topics (lines of work) the asked-about patch and its series continue, and its own thread when indexed. */
function versionTopics(inbox: InboxDb, patch: Patch, when: number | null, coverSubject: string | undefined): { patch: Set<number>; series: Set<number>; self: number | null } {
  const own = new Set<number>();
  const series = new Set<number>();
  let self: number | null = null;
  if (patch.messageId) {
    const row = inbox.one<{ topic: number | null; thread: number }>('SELECT topic, thread FROM messages WHERE msgid = ?', [patch.messageId]);
    if (row) {
      self = row.thread;
      if (row.topic !== null) own.add(row.topic);
    }
  }
  // The cover letter it hangs from, when indexed.
  const root = patch.references[0] ?? patch.inReplyTo;
  if (root) {
    const cover = inbox.one<{ topic: number | null }>(`SELECT topic FROM messages WHERE msgid = ? AND kind = ${KIND_CODE.cover}`, [root]);
    if (cover?.topic !== null && cover?.topic !== undefined) series.add(cover.topic);
  }
  const author = parseAddress(patch.author);
  if (author) {
    topicsBySubject(inbox, author.email, patch.subject, KIND_CODE.patch, when, own);
    if (coverSubject) topicsBySubject(inbox, author.email, coverSubject, KIND_CODE.cover, when, series);
  }
  return { patch: own, series, self };
}

/** Messages below `root` in its thread, following In-Reply-To links. */
function subtree(rows: readonly MessageRow[], root: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const r of rows) if (r.parent) children.set(r.parent, [...(children.get(r.parent) ?? []), r.msgid]);
  const out = new Set<string>();
  const todo = [root];
  while (todo.length) {
    const id = todo.pop()!;
    for (const c of children.get(id) ?? []) {
      if (out.has(c)) continue;
      out.add(c);
      todo.push(c);
    }
  }
  return out;
}

interface MentionRow {
  [k: string]: string | number | null;
  thread: number;
  sym: number;
  name: string;
  sentence: string;
  msgid: string;
  date: number | null;
  kind: number;
  who: string | null;
}

/** The reply sentences naming the symbols in these threads (cover letters are the author's words, not discussion). */
function mentionRows(inbox: InboxDb, threads: number[], symbols: QuerySymbol[]): Map<number, MentionRow[]> {
  const out = new Map<number, MentionRow[]>();
  if (threads.length === 0 || symbols.length === 0) return out;
  for (const r of inbox.all<MentionRow>(
    `SELECT m.thread, mn.sym, s.name, mn.sentence, m.msgid, m.date, m.kind, p.name AS who FROM messages m
       JOIN mentions mn ON mn.msg = m.id JOIN symbols s ON s.id = mn.sym LEFT JOIN people p ON p.id = m.author
      WHERE m.thread IN (${placeholders(threads.length)}) AND m.kind IN (${KIND_CODE.reply}, ${KIND_CODE.other}) AND mn.sym IN (${placeholders(symbols.length)})`,
    [...threads, ...symbols.map((s) => s.id)],
  )) {
    const list = out.get(r.thread);
    if (list) list.push(r);
    else out.set(r.thread, [r]);
  }
  return out;
}

/**
 * Up to `limit` sentences: replies under `prefer` (the patch's own sub-thread) first, then the
 * rarest symbols; one sentence per message and per symbol.
 */
function pickMentions(rows: readonly MentionRow[], symbols: QuerySymbol[], limit: number, prefer?: Set<string>): Mention[] {
  const rank = new Map(symbols.map((s, i) => [s.id, i]));
  const near = (r: { msgid: string }) => (prefer?.has(r.msgid) ? 0 : 1);
  const sorted = [...rows].sort((a, b) => near(a) - near(b) || rank.get(a.sym)! - rank.get(b.sym)! || (a.date ?? 0) - (b.date ?? 0));
  const out: Mention[] = [];
  const usedMsg = new Set<string>();
  const usedSym = new Set<number>();
  const usedSentence = new Set<string>();
  for (const r of sorted) {
    if (out.length >= limit) break;
    if (usedMsg.has(r.msgid) || usedSym.has(r.sym) || usedSentence.has(r.sentence)) continue;
    usedMsg.add(r.msgid);
    usedSym.add(r.sym);
    usedSentence.add(r.sentence);
    out.push({
      symbol: r.name,
      sentence: r.sentence,
      messageId: r.msgid,
      url: loreUrl(r.msgid),
      from: r.who ?? 'unknown',
      date: isoDate(r.date),
      kind: r.kind === KIND_CODE.reply ? 'reply' : 'other',
    });
  }
  return out;
}

function countReplies(rows: readonly MessageRow[], ids: Set<string>): number {
  return rows.filter((r) => r.kind === KIND_CODE.reply && ids.has(r.msgid)).length;
}

function matchedOf(t: ThreadScore | undefined, symbols: Map<number, QuerySymbol>): MatchedSymbol[] {
  if (!t) return [];
  const ids = new Set([...t.patch.keys(), ...t.texts.keys()]);
  return [...ids]
    .map((id) => ({ q: symbols.get(id)!, m: { name: symbols.get(id)!.name, inPatch: t.patch.has(id), inTexts: t.texts.get(id) ?? 0 } }))
    .sort((a, b) => b.q.idf * b.q.weight - a.q.idf * a.q.weight)
    .map((x) => x.m);
}

export function relatedFor(inbox: InboxDb, patch: Patch, facts: readonly Fact[], opts: RelatedOptions = {}): RelatedResult {
  const limit = opts.limit ?? 8;
  const perThread = opts.mentionsPerThread ?? 3;
  const when = parseDate(patch.date);
  const ref = when ?? Math.floor(Date.now() / 1000);
  const { symbols, skipped } = lookupSymbols(inbox, facts, opts.maxSymbols ?? 60);
  const bySym = new Map(symbols.map((s) => [s.id, s]));
  const evidence = gather(inbox, symbols);

  const topics = versionTopics(inbox, patch, when, opts.coverSubject);
  const self = topics.self;
  // Every mail of those lines of work; per thread the patch itself is preferred over the cover letter.
  const all = [...topics.patch, ...topics.series];
  const versionRows =
    all.length === 0
      ? []
      : inbox.all<{ thread: number; msgid: string; subject: string; version: number; rfc: number; kind: number; topic: number; date: number | null }>(
          `SELECT thread, msgid, subject, version, rfc, kind, topic, date FROM messages WHERE topic IN (${placeholders(all.length)}) ORDER BY date, kind, id`,
          all,
        );
  const versionThreads = new Set(versionRows.map((r) => r.thread));
  if (self !== null) versionThreads.add(self);

  const byThread = new Map<number, (typeof versionRows)[number]>();
  const isOwn = (r: { topic: number }) => topics.patch.has(r.topic);
  for (const r of versionRows) {
    const had = byThread.get(r.thread);
    if (!had || (!isOwn(had) && isOwn(r))) byThread.set(r.thread, r);
  }
  if (self !== null && patch.messageId && (!byThread.has(self) || !isOwn(byThread.get(self)!))) {
    byThread.set(self, { thread: self, msgid: patch.messageId, subject: patch.subject, version: patch.prefix.version, rfc: patch.prefix.rfc ? 1 : 0, kind: KIND_CODE.patch, topic: -1, date: when });
  }
  // Candidates by evidence and time; the outcome (which needs the thread) re-ranks a few more than asked for.
  const candidates = [...evidence]
    .filter(([thread]) => !versionThreads.has(thread))
    .map(([thread, t]) => ({ thread, pre: evidenceScore(t, bySym) * recencyFactor(t.lastDate, ref) }))
    .sort((a, b) => b.pre - a.pre)
    .slice(0, limit + 4)
    .map((c) => c.thread);
  const wanted = [...byThread.keys(), ...candidates];
  const loaded = loadThreads(inbox, wanted);
  const said = mentionRows(inbox, wanted, symbols);

  const build = (thread: number, prefer?: Set<string>): RelatedThread => {
    const summary = loaded.summaries.get(thread)!;
    const t = evidence.get(thread);
    const base = t ? evidenceScore(t, bySym) : 0;
    const score = base * OUTCOME_FACTOR[summary.outcome] * recencyFactor(t?.lastDate ?? null, ref);
    return { ...summary, score: Math.round(score * 100) / 100, matched: matchedOf(t, bySym), mentions: pickMentions(said.get(thread) ?? [], symbols, perThread, prefer) };
  };

  const versions: VersionEntry[] = [];
  for (const r of [...byThread.values()].sort((a, b) => (a.date ?? 0) - (b.date ?? 0))) {
    const rows = loaded.messages.get(r.thread) ?? [];
    const below = subtree(rows, r.msgid);
    const own = r.msgid === patch.messageId;
    versions.push({
      ...build(r.thread, below),
      version: versionLabel(r.version, r.rfc === 1),
      messageId: r.msgid,
      messageUrl: loreUrl(r.msgid),
      messageSubject: r.subject,
      directReplies: countReplies(rows, below),
      self: own,
      level: own || isOwn(r) ? 'patch' : 'series',
    });
  }

  const ranked = candidates
    .map((thread) => build(thread))
    .sort((a, b) => b.score - a.score || (b.lastDate ?? '').localeCompare(a.lastDate ?? ''))
    .slice(0, limit);

  return {
    patch: {
      source: patch.source,
      subject: patch.subject,
      version: versionLabel(patch.prefix.version, patch.prefix.rfc),
      messageId: patch.messageId,
      author: patch.author,
      date: isoDate(when),
    },
    symbols,
    skipped,
    versions,
    threads: ranked,
  };
}
