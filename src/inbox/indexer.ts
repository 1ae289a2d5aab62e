// `inbox index`: sources → records → rows. Incremental at two levels: a source that has not
// changed is not read (file size/mtime/head, epoch tips, Maildir names), and a mail whose
// Message-ID is already indexed is skipped before it is parsed.
import { resolve } from 'node:path';
import type { Statement } from 'sql.js';
import type { InboxDb } from './store.js';
import { KIND_CODE } from './store.js';
import { mailRecord, quickMessageId, syntheticId, type MailRecord } from './record.js';
import { detectSource, mboxReader, publicInboxReader, maildirReader, type SourceKind, type SourceReader } from './sources.js';
import { normalizeSubject, subjectSimilarity, subjectTokens, SAME_TOPIC, TOPIC_WINDOW } from './topics.js';
import { isBot, type Person } from './address.js';

export interface SourceStats {
  source: string;
  kind: SourceKind;
  /** The source had not changed since the last run and was not read. */
  unchanged: boolean;
  read: number;
  added: number;
  /** Already in the index (same Message-ID). */
  known: number;
  patches: number;
  covers: number;
  replies: number;
  other: number;
}

export interface IndexOptions {
  /** Called every `every` mails read, for a progress line. */
  onProgress?: (source: string, read: number) => void;
  every?: number;
  /**
   * Saves what is indexed so far (the caller's InboxDb.save): called between batches, at most
   * every checkpointMs, so a killed run loses one batch; the next run skips mails it has.
   */
  checkpoint?: () => void;
  checkpointMs?: number;
}

interface TopicCandidate {
  id: number;
  subject: string;
  tokens: Set<string>;
  first: number | null;
  last: number | null;
}

/** Holds prepared statements and id caches for one indexing run. */
class Writer {
  private readonly people = new Map<string, number>();
  private readonly symbols = new Map<string, number>();
  private readonly files = new Map<string, number>();
  private readonly threads = new Map<string, number>();
  private readonly topics = new Map<number, TopicCandidate[]>();
  private st!: Record<string, Statement>;

  constructor(private readonly inbox: InboxDb) {
    this.prepare();
  }

  /** (Re)prepares the statements: saving the database invalidates them. */
  prepare(): void {
    const db = this.inbox.db;
    const p = (sql: string) => db.prepare(sql);
    this.st = {
      msgByMsgid: p('SELECT id, thread FROM messages WHERE msgid = ?'),
      person: p('SELECT id FROM people WHERE email = ?'),
      addPerson: p('INSERT INTO people(email, name) VALUES (?, ?)'),
      symbol: p('SELECT id FROM symbols WHERE name = ?'),
      addSymbol: p('INSERT INTO symbols(name) VALUES (?)'),
      file: p('SELECT id FROM files WHERE path = ?'),
      addFile: p('INSERT INTO files(path) VALUES (?)'),
      thread: p('SELECT id FROM threads WHERE root = ?'),
      addThread: p('INSERT INTO threads(root) VALUES (?)'),
      topicsOf: p('SELECT id, subject, first_date, last_date FROM topics WHERE author = ?'),
      addTopic: p('INSERT INTO topics(author, subject, first_date, last_date) VALUES (?, ?, ?, ?)'),
      touchTopic: p('UPDATE topics SET first_date = ?, last_date = ? WHERE id = ?'),
      addMessage: p(
        'INSERT INTO messages(msgid, synthetic, thread, parent, date, author, subject, kind, version, rfc, idx, total, topic, applied) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
      ),
      addPatchSymbol: p('INSERT OR IGNORE INTO patch_symbols(sym, msg, weight) VALUES (?, ?, ?)'),
      addPatchFile: p('INSERT OR IGNORE INTO patch_files(msg, file) VALUES (?, ?)'),
      addMention: p('INSERT OR IGNORE INTO mentions(sym, msg, sentence) VALUES (?, ?, ?)'),
      addTrailer: p('INSERT INTO trailers(msg, target, kind, person) VALUES (?, ?, ?, ?)'),
      seen: p('SELECT 1 FROM maildir_seen WHERE source = ? AND name = ?'),
      addSeen: p('INSERT OR IGNORE INTO maildir_seen(source, name) VALUES (?, ?)'),
      lastId: p('SELECT last_insert_rowid()'),
      moveThread: p('UPDATE messages SET thread = ? WHERE thread = ?'),
      dropThread: p('DELETE FROM threads WHERE id = ?'),
    };
  }

  free(): void {
    for (const s of Object.values(this.st)) s.free();
  }

  private scalar(st: Statement, params: (string | number | null)[]): number | null {
    st.bind(params);
    const v = st.step() ? (st.get()[0] as number) : null;
    st.reset();
    return v;
  }

  private exec(st: Statement, params: (string | number | null)[]): void {
    st.run(params);
  }

  private lastId(): number {
    return this.scalar(this.st.lastId!, [])!;
  }

  private interned(cache: Map<string, number>, find: Statement, add: Statement, key: string, extra: (string | number | null)[] = []): number {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let id = this.scalar(find, [key]);
    if (id === null) {
      this.exec(add, [key, ...extra]);
      id = this.lastId();
    }
    cache.set(key, id);
    return id;
  }

  known(msgid: string): boolean {
    return this.scalar(this.st.msgByMsgid!, [msgid]) !== null;
  }

  seen(source: number, name: string): boolean {
    return this.scalar(this.st.seen!, [source, name]) !== null;
  }

  markSeen(source: number, name: string): void {
    this.exec(this.st.addSeen!, [source, name]);
  }

  person(p: Person): number {
    return this.interned(this.people, this.st.person!, this.st.addPerson!, p.email, [p.name]);
  }

  private threadOf(r: MailRecord): number {
    for (const id of [r.references[0], r.parent]) {
      if (!id) continue;
      const st = this.st.msgByMsgid!;
      st.bind([id]);
      const thread = st.step() ? (st.get()[1] as number) : null;
      st.reset();
      if (thread !== null) return thread;
    }
    const root = r.references[0] ?? r.parent ?? r.messageId;
    return this.interned(this.threads, this.st.thread!, this.st.addThread!, root);
  }

  /** The line of work this patch or cover letter belongs to: an earlier version by the same sender, or a new one. */
  private topicOf(author: number, subject: string, date: number | null): number {
    let list = this.topics.get(author);
    if (!list) {
      list = [];
      const st = this.st.topicsOf!;
      st.bind([author]);
      while (st.step()) {
        const [id, s, first, last] = st.get() as [number, string, number | null, number | null];
        list.push({ id, subject: s, tokens: subjectTokens(s), first, last });
      }
      st.reset();
      this.topics.set(author, list);
    }
    const norm = normalizeSubject(subject);
    const tokens = subjectTokens(norm);
    let best: TopicCandidate | null = null;
    let bestScore = 0;
    for (const c of list) {
      if (date !== null && c.first !== null && c.last !== null && (date < c.first - TOPIC_WINDOW || date > c.last + TOPIC_WINDOW)) continue;
      const s = subjectSimilarity(norm, c.subject, tokens, c.tokens);
      if (s > bestScore) {
        best = c;
        bestScore = s;
      }
    }
    if (best && bestScore >= SAME_TOPIC) {
      if (date !== null) {
        best.first = best.first === null ? date : Math.min(best.first, date);
        best.last = best.last === null ? date : Math.max(best.last, date);
        this.exec(this.st.touchTopic!, [best.first, best.last, best.id]);
      }
      return best.id;
    }
    this.exec(this.st.addTopic!, [author, norm, date, date]);
    const id = this.lastId();
    list.push({ id, subject: norm, tokens, first: date, last: date });
    return id;
  }

  /**
   * Replies that arrived before this message, with only an In-Reply-To to it, started a thread
   * keyed by its Message-ID: they belong to the thread this message is in.
   */
  private adoptEarlierReplies(r: MailRecord, thread: number): void {
    const orphan = this.scalar(this.st.thread!, [r.messageId]);
    if (orphan === null || orphan === thread) return;
    this.exec(this.st.moveThread!, [thread, orphan]);
    this.exec(this.st.dropThread!, [orphan]);
    this.threads.delete(r.messageId);
  }

  add(r: MailRecord): void {
    const thread = this.threadOf(r);
    this.adoptEarlierReplies(r, thread);
    const author = r.from ? this.person(r.from) : null;
    const topic = author !== null && (r.kind === 'patch' || r.kind === 'cover') ? this.topicOf(author, r.subject, r.date) : null;
    this.exec(this.st.addMessage!, [
      r.messageId,
      r.synthetic ? 1 : 0,
      thread,
      r.parent,
      r.date,
      author,
      r.subject,
      KIND_CODE[r.kind],
      r.prefix.version,
      r.prefix.rfc ? 1 : 0,
      r.prefix.index,
      r.prefix.total,
      topic,
      r.text?.applied ? 1 : 0,
    ]);
    const msg = this.lastId();
    if (r.patch) {
      for (const s of r.patch.symbols) this.exec(this.st.addPatchSymbol!, [this.interned(this.symbols, this.st.symbol!, this.st.addSymbol!, s.name), msg, s.weight]);
      for (const f of r.patch.files) this.exec(this.st.addPatchFile!, [msg, this.interned(this.files, this.st.file!, this.st.addFile!, f)]);
    }
    // Robots' reports quote code and never review it: they are participants, not discussion.
    if (r.text && !(r.from && isBot(r.from))) {
      for (const m of r.text.symbols) this.exec(this.st.addMention!, [this.interned(this.symbols, this.st.symbol!, this.st.addSymbol!, m.name), msg, m.sentence]);
      for (const t of r.text.trailers) {
        const who = t.person ?? r.from;
        if (!who) continue;
        this.exec(this.st.addTrailer!, [msg, r.parent, t.kind, this.person(who)]);
      }
    }
  }
}

/** Indexes every source into an open database (not saved: the caller saves once at the end). */
export async function indexSources(inbox: InboxDb, sources: string[], opts: IndexOptions = {}): Promise<SourceStats[]> {
  const out: SourceStats[] = [];
  const writer = new Writer(inbox);
  try {
    for (const given of sources) out.push(await indexOne(inbox, writer, given, opts));
  } finally {
    writer.free();
  }
  inbox.setMeta('indexed_at', String(Math.floor(Date.now() / 1000)));
  if (out.some((s) => s.added > 0)) {
    refreshFrequencies(inbox);
    // The newest mail: "now" for recency in queries, without a scan at query time.
    const newest = inbox.one<{ d: number | null }>('SELECT max(date) AS d FROM messages')?.d;
    if (newest !== null && newest !== undefined) inbox.setMeta('newest_date', String(newest));
  }
  return out;
}

async function indexOne(inbox: InboxDb, writer: Writer, given: string, opts: IndexOptions): Promise<SourceStats> {
  const kind = detectSource(given);
  const path = resolve(given);
  let row = inbox.one<{ id: number; state: string; kind: string }>('SELECT id, state, kind FROM sources WHERE path = ?', [path]);
  if (!row) {
    inbox.run('INSERT INTO sources(path, kind) VALUES (?, ?)', [path, kind]);
    row = inbox.one<{ id: number; state: string; kind: string }>('SELECT id, state, kind FROM sources WHERE path = ?', [path])!;
  }
  const sourceId = row.id;
  const state = row.kind === kind ? (JSON.parse(row.state) as Record<string, unknown>) : {};
  let reader: SourceReader;
  if (kind === 'mbox') reader = await mboxReader(path, state);
  else if (kind === 'public-inbox') reader = await publicInboxReader(path, state);
  else reader = await maildirReader(path, (name) => writer.seen(sourceId, name));

  const stats: SourceStats = { source: given, kind, unchanged: reader.unchanged, read: 0, added: 0, known: 0, patches: 0, covers: 0, replies: 0, other: 0 };
  const every = opts.every ?? 1000;
  inbox.run('BEGIN');
  let lastSave = Date.now();
  try {
    for await (const m of reader.mails) {
      if (opts.checkpoint && Date.now() - lastSave > (opts.checkpointMs ?? 30_000)) {
        inbox.run('COMMIT');
        writer.free();
        opts.checkpoint();
        writer.prepare();
        inbox.run('BEGIN');
        lastSave = Date.now();
      }
      stats.read++;
      if (opts.onProgress && stats.read % every === 0) opts.onProgress(given, stats.read);
      const id = quickMessageId(m.raw) ?? syntheticId(m.raw);
      if (writer.known(id)) {
        stats.known++;
      } else {
        const rec = mailRecord(m.raw, m.where);
        if (writer.known(rec.messageId)) stats.known++;
        else {
          writer.add(rec);
          stats.added++;
          stats[rec.kind === 'patch' ? 'patches' : rec.kind === 'cover' ? 'covers' : rec.kind === 'reply' ? 'replies' : 'other']++;
        }
      }
      if (m.seenKey !== undefined) writer.markSeen(sourceId, m.seenKey);
    }
    inbox.run('UPDATE sources SET kind = ?, state = ?, indexed_at = ? WHERE id = ?', [kind, JSON.stringify(reader.nextState()), Math.floor(Date.now() / 1000), sourceId]);
    inbox.run('COMMIT');
  } catch (e) {
    inbox.run('ROLLBACK');
    throw e;
  }
  return stats;
}

/** How many patches and texts name each symbol: the rarity that ranks matches. */
function refreshFrequencies(inbox: InboxDb): void {
  inbox.run('BEGIN');
  inbox.run(`UPDATE symbols SET
    patch_df = (SELECT count(*) FROM patch_symbols p WHERE p.sym = symbols.id),
    text_df = (SELECT count(*) FROM mentions m WHERE m.sym = symbols.id)`);
  inbox.run('COMMIT');
}
