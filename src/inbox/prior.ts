// What a review shows from an index: per patch, a "prior discussion" section (earlier versions
// of the patch and the threads that discussed what it touches), and for findings whose knowledge
// entry cites a list thread, that thread as the index knows it. Pure over an open index; the
// review command opens it once (openInbox) and calls these per patch.
import type { Patch } from '../model/patch.js';
import type { Fact } from '../model/facts.js';
import type { Finding } from '../model/finding.js';
import type { InboxDb } from './store.js';
import { relatedFor, type RelatedThread, type VersionEntry } from './related.js';
import { summarizeThread, threadIdOf, bareMessageId, type ThreadSummary } from './threads.js';
import { outcomeText, mentionLines } from './render.js';

export interface PriorDiscussion {
  /** Other versions of this patch (and of its series) in the index, oldest first. */
  versions: VersionEntry[];
  /** Other threads that discussed its symbols, best first. */
  threads: RelatedThread[];
  /** The symbols looked up. */
  symbols: string[];
}

export interface PriorOptions {
  /** Related threads to keep (default 3). */
  limit?: number;
  /** Sentences per thread (default 2). */
  mentionsPerThread?: number;
  /** The series' cover-letter subject, when the caller saw it. */
  coverSubject?: string;
}

export function priorDiscussion(inbox: InboxDb, patch: Patch, facts: readonly Fact[], opts: PriorOptions = {}): PriorDiscussion {
  const r = relatedFor(inbox, patch, facts, {
    limit: opts.limit ?? 3,
    mentionsPerThread: opts.mentionsPerThread ?? 2,
    ...(opts.coverSubject ? { coverSubject: opts.coverSubject } : {}),
  });
  return { versions: r.versions.filter((v) => !v.self), threads: r.threads, symbols: r.symbols.map((s) => s.name) };
}

export interface CitedThread {
  ruleId: string;
  /** The Message-ID the knowledge entry cites. */
  messageId: string;
  title?: string;
  thread: ThreadSummary;
}

/** For each finding, the lore threads its knowledge entry cites that are in the index. */
export function citedThreads(inbox: InboxDb, findings: readonly Finding[]): CitedThread[] {
  const out: CitedThread[] = [];
  const cache = new Map<number, ThreadSummary>();
  for (const f of findings) {
    for (const ref of f.references) {
      if (ref.type !== 'lore') continue;
      const id = bareMessageId(ref.id);
      const thread = threadIdOf(inbox, id);
      if (thread === null) continue;
      let summary = cache.get(thread);
      if (!summary) {
        summary = summarizeThread(inbox, thread);
        cache.set(thread, summary);
      }
      out.push({ ruleId: f.ruleId, messageId: id, ...(ref.title ? { title: ref.title } : {}), thread: summary });
    }
  }
  return out;
}

/** The section as plain text (the text and terse reports); empty when there is nothing to say. */
export function renderPriorDiscussionText(pd: PriorDiscussion, cited: readonly CitedThread[] = []): string {
  const out: string[] = [];
  if (pd.versions.length) {
    out.push('Earlier versions (from the inbox index):');
    for (const v of pd.versions) {
      out.push(`  ${(v.version + (v.level === 'series' ? ' (series)' : '')).padEnd(14)} ${v.firstDate ?? 'undated'}  ${v.directReplies} repl${v.directReplies === 1 ? 'y' : 'ies'} to it; ${outcomeText(v)}`);
      if (v.messageUrl) out.push(`    ${v.messageUrl}`);
      out.push(...mentionLines(v.mentions, '    '));
    }
  }
  if (pd.threads.length) {
    out.push('Prior discussion of its symbols:');
    for (const t of pd.threads) {
      out.push(`  ${t.subject} [${t.firstDate ?? 'undated'}; ${outcomeText(t)}]`);
      if (t.url) out.push(`    ${t.url}`);
      if (t.matched.length) out.push(`    matched: ${t.matched.slice(0, 5).map((m) => m.name).join(', ')}`);
      out.push(...mentionLines(t.mentions, '    '));
    }
  }
  if (cited.length) {
    out.push('Threads cited by the findings, as indexed:');
    for (const c of cited) out.push(`  ${c.ruleId}: ${c.thread.subject} [${c.thread.firstDate ?? 'undated'}; ${c.thread.replies} replies; ${outcomeText(c.thread)}] ${c.thread.url ?? c.messageId}`);
  }
  return out.length ? out.join('\n') + '\n' : '';
}

/** The section as data (json reports): links, dates, outcomes, participants and the sentences with their links. */
export function priorDiscussionJson(pd: PriorDiscussion, cited: readonly CitedThread[] = []): object {
  const thread = (t: ThreadSummary) => ({
    root: t.root,
    url: t.url,
    subject: t.subject,
    firstDate: t.firstDate,
    lastDate: t.lastDate,
    versions: t.versions,
    outcome: t.outcome,
    supersededBy: t.supersededBy,
    participants: t.participants.map((p) => p.name),
    trailers: t.trailers.map((x) => ({ kind: x.kind, name: x.name, messageId: x.messageId })),
  });
  return {
    symbols: pd.symbols,
    versions: pd.versions.map((v) => ({ version: v.version, level: v.level, messageId: v.messageId, url: v.messageUrl, directReplies: v.directReplies, thread: thread(v), mentions: v.mentions })),
    threads: pd.threads.map((t) => ({ ...thread(t), score: t.score, matched: t.matched, mentions: t.mentions })),
    cited: cited.map((c) => ({ ruleId: c.ruleId, messageId: c.messageId, title: c.title, thread: thread(c.thread) })),
  };
}
