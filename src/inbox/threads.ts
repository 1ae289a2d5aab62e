// Thread summaries read back from the index: who took part, which versions were posted, which
// trailers were given, and how it ended. Pure over an open database.
import type { InboxDb } from './store.js';
import { KIND_CODE, placeholders } from './store.js';
import { SYNTHETIC_DOMAIN } from './record.js';
import { referenceUrl } from '../knowledge/entry.js';
import { versionLabel } from './topics.js';

export type Outcome = 'nacked' | 'applied' | 'acked' | 'reviewed' | 'discussed' | 'no-replies';

export interface Participant {
  name: string;
  email: string;
  messages: number;
}

export interface TrailerGiven {
  kind: string;
  name: string;
  email: string;
  /** The reply that gave it. */
  messageId: string;
  date: string | null;
}

export interface ThreadSummary {
  /** Message-ID the thread hangs from (the cover letter or first patch; it may not be indexed itself). */
  root: string;
  url: string | null;
  subject: string;
  firstDate: string | null;
  lastDate: string | null;
  messages: number;
  patches: number;
  replies: number;
  /** Versions posted in this thread, e.g. ["RFC v2"]; several when a new version was sent as a reply. */
  versions: string[];
  author: string | null;
  participants: Participant[];
  trailers: TrailerGiven[];
  outcome: Outcome;
  /** A later version of the same work was posted elsewhere. */
  supersededBy: { version: string; root: string; url: string | null } | null;
}

/** lore link for a Message-ID; null for ids the indexer made up. */
export function loreUrl(messageId: string): string | null {
  return messageId.endsWith(SYNTHETIC_DOMAIN) ? null : referenceUrl('lore', messageId);
}

export function isoDate(unix: number | null | undefined): string | null {
  return unix === null || unix === undefined ? null : new Date(unix * 1000).toISOString().slice(0, 10);
}

/** Normalizes a Message-ID given on the command line or in a reference: no <>, no "id:" or lore URL around it. */
export function bareMessageId(id: string): string {
  let s = id.trim();
  if (/^https?:\/\//i.test(s)) {
    // lore and public-inbox links: https://lore.kernel.org/r/<id>, …/<list>/<id>/T/
    let segments: string[] = [];
    try {
      segments = new URL(s).pathname.split('/');
    } catch {
      /* not a URL after all */
    }
    const seg = segments.find((p) => p.includes('@'));
    if (seg) s = safeDecode(seg);
  }
  return s.replace(/^id:/, '').replace(/^<|>$/g, '').trim();
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function threadIdOf(inbox: InboxDb, messageId: string): number | null {
  const row = inbox.one<{ thread: number }>('SELECT thread FROM messages WHERE msgid = ?', [messageId]);
  if (row) return row.thread;
  const root = inbox.one<{ id: number }>('SELECT id FROM threads WHERE root = ?', [messageId]);
  return root?.id ?? null;
}

export interface MessageRow {
  [k: string]: string | number | null;
  id: number;
  msgid: string;
  thread: number;
  parent: string | null;
  date: number | null;
  kind: number;
  version: number;
  rfc: number;
  subject: string;
  topic: number | null;
  applied: number;
  author: number | null;
  name: string | null;
  email: string | null;
}

export interface LoadedThreads {
  summaries: Map<number, ThreadSummary>;
  /** Every message of each thread, oldest first. */
  messages: Map<number, MessageRow[]>;
}


function groupBy<T>(rows: T[], key: (r: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Summaries of several threads with a handful of queries in all (not a handful per thread). */
export function loadThreads(inbox: InboxDb, ids: readonly number[]): LoadedThreads {
  const threads = [...new Set(ids)];
  const summaries = new Map<number, ThreadSummary>();
  const messages = new Map<number, MessageRow[]>();
  if (threads.length === 0) return { summaries, messages };
  const list = placeholders(threads.length);
  const roots = new Map(inbox.all<{ id: number; root: string }>(`SELECT id, root FROM threads WHERE id IN (${list})`, threads).map((r) => [r.id, r.root]));
  const rows = inbox.all<MessageRow>(
    `SELECT m.id, m.msgid, m.thread, m.parent, m.date, m.kind, m.version, m.rfc, m.subject, m.topic, m.applied, m.author, p.name, p.email
       FROM messages m LEFT JOIN people p ON p.id = m.author WHERE m.thread IN (${list}) ORDER BY m.date, m.id`,
    threads,
  );
  const trailerRows = inbox.all<{ thread: number; kind: string; name: string; email: string; msgid: string; date: number | null }>(
    `SELECT m.thread, t.kind, p.name, p.email, m.msgid, m.date FROM trailers t JOIN messages m ON m.id = t.msg JOIN people p ON p.id = t.person
      WHERE m.thread IN (${list}) ORDER BY m.date`,
    threads,
  );
  const byThread = groupBy(rows, (r) => r.thread);
  const trailersBy = groupBy(trailerRows, (r) => r.thread);
  // Later versions: every posting of the lines of work these threads carry.
  const topics = [...new Set(rows.filter((r) => r.topic !== null).map((r) => r.topic as number))];
  const postings = topics.length
    ? inbox.all<{ topic: number; thread: number; version: number; rfc: number; date: number | null; root: string }>(
        `SELECT m.topic, m.thread, m.version, m.rfc, m.date, t.root FROM messages m JOIN threads t ON t.id = m.thread WHERE m.topic IN (${placeholders(topics.length)})`,
        topics,
      )
    : [];
  const postingsBy = groupBy(postings, (p) => p.topic);
  for (const id of threads) {
    const msgs = byThread.get(id) ?? [];
    messages.set(id, msgs);
    summaries.set(id, summarize(roots.get(id) ?? '', msgs, trailersBy.get(id) ?? [], postingsBy, id));
  }
  return { summaries, messages };
}

export function summarizeThread(inbox: InboxDb, thread: number): ThreadSummary {
  return loadThreads(inbox, [thread]).summaries.get(thread)!;
}

function summarize(
  root: string,
  msgs: MessageRow[],
  trailers: { kind: string; name: string; email: string; msgid: string; date: number | null }[],
  postingsBy: Map<number, { topic: number; thread: number; version: number; rfc: number; date: number | null; root: string }[]>,
  thread: number,
): ThreadSummary {
  const rootMsg = msgs.find((m) => m.msgid === root);
  const lead = rootMsg ?? msgs.find((m) => m.kind === KIND_CODE.cover || m.kind === KIND_CODE.patch) ?? msgs[0];
  const posted = msgs.filter((m) => m.kind === KIND_CODE.patch || m.kind === KIND_CODE.cover);
  const versions = [...new Set(posted.map((m) => versionLabel(m.version, m.rfc === 1)))];
  const authorId = (posted[0] ?? lead)?.author ?? null;
  const people = new Map<string, Participant>();
  for (const m of msgs) {
    if (!m.email) continue;
    const p = people.get(m.email) ?? { name: m.name ?? m.email, email: m.email, messages: 0 };
    p.messages++;
    people.set(m.email, p);
  }
  const replies = msgs.filter((m) => m.kind === KIND_CODE.reply);
  const dates = msgs.map((m) => m.date).filter((d): d is number => d !== null);
  // The newest posting of the same work in another thread, after this one's.
  const lastPosted = Math.max(0, ...posted.map((m) => m.date ?? 0));
  let later: { version: number; rfc: number; date: number | null; root: string } | null = null;
  for (const topic of new Set(posted.map((m) => m.topic).filter((t): t is number => t !== null))) {
    for (const p of postingsBy.get(topic) ?? []) {
      if (p.thread === thread || (p.date ?? 0) <= lastPosted) continue;
      if (!later || (p.date ?? 0) > (later.date ?? 0)) later = p;
    }
  }
  return {
    root,
    url: loreUrl(root),
    subject: lead?.subject ?? '',
    firstDate: isoDate(dates.length ? Math.min(...dates) : null),
    lastDate: isoDate(dates.length ? Math.max(...dates) : null),
    messages: msgs.length,
    patches: msgs.filter((m) => m.kind === KIND_CODE.patch).length,
    replies: replies.length,
    versions,
    author: (posted[0] ?? lead)?.name ?? null,
    participants: [...people.values()].sort((a, b) => b.messages - a.messages || a.name.localeCompare(b.name)),
    trailers: trailers.map((t) => ({ kind: t.kind, name: t.name, email: t.email, messageId: t.msgid, date: isoDate(t.date) })),
    outcome: outcomeOf(
      trailers.map((t) => t.kind),
      replies.some((r) => r.applied === 1 && r.author !== authorId),
      replies.length,
    ),
    supersededBy: later ? { version: versionLabel(later.version, later.rfc === 1), root: later.root, url: loreUrl(later.root) } : null,
  };
}

export function outcomeOf(trailerKinds: string[], applied: boolean, replies: number): Outcome {
  if (trailerKinds.includes('Nacked-by')) return 'nacked';
  if (applied) return 'applied';
  if (trailerKinds.includes('Acked-by')) return 'acked';
  if (trailerKinds.includes('Reviewed-by')) return 'reviewed';
  return replies > 0 ? 'discussed' : 'no-replies';
}
