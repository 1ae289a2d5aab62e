// The index database: SQLite through sql.js.
//
// Why sql.js: the index is a file a user keeps and queries with any SQLite tool, so SQLite is
// the format. sql.js is SQLite compiled to WebAssembly and shipped inside its npm package: it
// installs on a clean machine with no compiler and no prebuilt binary fetched from outside the
// registry (better-sqlite3 needs one or the other; node:sqlite is not in Node 20). Its cost is
// that the database lives in memory: the file is read whole at open and written back whole
// (temporary file + rename, so a failed run never leaves a damaged index). The schema is kept
// compact for that reason: no mail bodies, symbols and people as integer ids, and only the one
// short sentence per (reply, symbol) that `related` shows.
import { readFileSync, writeFileSync, renameSync, unlinkSync, openSync, closeSync, existsSync, statSync, realpathSync, lstatSync, readlinkSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { dirname, basename, join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import initSqlJs from 'sql.js';
import type { Database, Statement, SqlValue, BindParams } from 'sql.js';
import { InputError } from '../model/errors.js';
import { cannotRead } from '../io/read-error.js';

export const SCHEMA_VERSION = 1;
/** SQLite's application_id for our files ("prix"): read from the header, so checking it costs nothing. */
const APPLICATION_ID = 0x70726978;

const SCHEMA = `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE sources(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL DEFAULT '{}', indexed_at INTEGER);
CREATE TABLE people(id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL, name TEXT NOT NULL);
CREATE TABLE symbols(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, patch_df INTEGER NOT NULL DEFAULT 0, text_df INTEGER NOT NULL DEFAULT 0);
CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL);
-- One line of work: the versions of one patch (or of one series' cover letter).
CREATE TABLE topics(id INTEGER PRIMARY KEY, author INTEGER, subject TEXT NOT NULL, first_date INTEGER, last_date INTEGER);
CREATE INDEX topics_author ON topics(author);
CREATE TABLE threads(id INTEGER PRIMARY KEY, root TEXT UNIQUE NOT NULL);
-- kind: 1 patch, 2 cover letter, 3 reply, 0 other (a discussion that is not about a posted patch)
CREATE TABLE messages(
  id INTEGER PRIMARY KEY, msgid TEXT UNIQUE NOT NULL, synthetic INTEGER NOT NULL DEFAULT 0,
  thread INTEGER NOT NULL, parent TEXT, date INTEGER, author INTEGER, subject TEXT NOT NULL,
  kind INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1, rfc INTEGER NOT NULL DEFAULT 0,
  idx INTEGER, total INTEGER, topic INTEGER, applied INTEGER NOT NULL DEFAULT 0);
CREATE INDEX messages_thread ON messages(thread);
CREATE INDEX messages_author ON messages(author);
CREATE INDEX messages_topic ON messages(topic);
-- weight: 3 declared/negotiated, 2 function body changed or op called, 1 named on a changed line
CREATE TABLE patch_symbols(sym INTEGER NOT NULL, msg INTEGER NOT NULL, weight INTEGER NOT NULL, PRIMARY KEY(sym, msg)) WITHOUT ROWID;
CREATE INDEX patch_symbols_msg ON patch_symbols(msg);
CREATE TABLE patch_files(msg INTEGER NOT NULL, file INTEGER NOT NULL, PRIMARY KEY(msg, file)) WITHOUT ROWID;
CREATE INDEX patch_files_file ON patch_files(file);
-- Symbols a reply (or cover letter, or discussion) names in its own words, with the sentence.
CREATE TABLE mentions(sym INTEGER NOT NULL, msg INTEGER NOT NULL, sentence TEXT NOT NULL, PRIMARY KEY(sym, msg)) WITHOUT ROWID;
CREATE INDEX mentions_msg ON mentions(msg);
-- Trailers given in replies; target is the Message-ID replied to (it may be indexed later).
CREATE TABLE trailers(msg INTEGER NOT NULL, target TEXT, kind TEXT NOT NULL, person INTEGER NOT NULL);
CREATE INDEX trailers_target ON trailers(target);
CREATE INDEX trailers_msg ON trailers(msg);
CREATE INDEX trailers_person ON trailers(person);
-- Maildir files already read (their unique part, before ":2,").
CREATE TABLE maildir_seen(source INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY(source, name)) WITHOUT ROWID;
`;

export const KIND_CODE = { other: 0, patch: 1, cover: 2, reply: 3 } as const;

/** "?,?,?" for an IN (…) list of n values. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(',');
}

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
let sqlJs: Promise<SqlJs> | null = null;

/**
 * Loads SQLite. A query process lives a fraction of a second: V8's optimizing tier for the
 * WebAssembly module then costs more than it saves (measured: `related` ranks in about 35 ms
 * with the baseline compiler only, 75 ms plus 40 ms of compile work after it with tiering; even
 * a long review stays faster). Indexing runs for seconds and keeps the default. The first call
 * in a process decides.
 */
function engine(queriesOnly: boolean): Promise<SqlJs> {
  if (!sqlJs) {
    if (queriesOnly && Number(process.versions.v8.split('.')[0]) >= 9) setFlagsFromString('--liftoff-only');
    sqlJs = initSqlJs();
  }
  return sqlJs;
}

/** An open index. Queries are synchronous; only opening and saving touch the disk. */
export class InboxDb {
  /** Prepared once per distinct query: a review asks the same few questions for every patch. */
  private readonly statements = new Map<string, { st: Statement; columns: string[] }>();

  constructor(
    readonly db: Database,
    readonly path: string,
  ) {}

  all<T extends Record<string, SqlValue>>(sql: string, params: BindParams = []): T[] {
    let entry = this.statements.get(sql);
    if (!entry) {
      const st = this.db.prepare(sql);
      entry = { st, columns: st.getColumnNames() };
      this.statements.set(sql, entry);
    }
    const { st, columns } = entry;
    try {
      st.bind(params);
      const out: T[] = [];
      // get() and names read once: getAsObject() asks SQLite for every column name on every row.
      while (st.step()) {
        const values = st.get();
        const row: Record<string, SqlValue> = {};
        for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i]!;
        out.push(row as T);
      }
      return out;
    } finally {
      st.reset();
    }
  }

  one<T extends Record<string, SqlValue>>(sql: string, params: BindParams = []): T | undefined {
    return this.all<T>(sql, params)[0];
  }

  run(sql: string, params: BindParams = []): void {
    this.db.run(sql, params);
  }

  meta(key: string): string | null {
    return (this.one<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key])?.value as string | undefined) ?? null;
  }

  setMeta(key: string, value: string): void {
    this.run('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  private freeStatements(): void {
    for (const { st } of this.statements.values()) st.free();
    this.statements.clear();
  }

  /** Writes the database back atomically (io/atomic-write). */
  save(): void {
    // export() closes and reopens the database: prepared statements do not survive it.
    this.freeStatements();
    const bytes = this.db.export();
    try {
      writeFileAtomic(this.path, bytes);
    } catch (e) {
      throw new InputError(this.path, `cannot write the index (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }

  close(): void {
    this.freeStatements();
    this.db.close();
  }
}

/** Opens an index; `create` makes an empty one when the file does not exist. */
export async function openInbox(path: string, opts: { create?: boolean } = {}): Promise<InboxDb> {
  const SQL = await engine(!opts.create);
  if (!existsSync(path)) {
    if (!opts.create) throw new InputError(path, 'no such index (build one with: patch-review inbox index --db PATH SOURCE…)');
    const db = new SQL.Database();
    db.run(SCHEMA);
    db.run(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${SCHEMA_VERSION};`);
    const inbox = new InboxDb(db, path);
    inbox.setMeta('schema', String(SCHEMA_VERSION));
    inbox.setMeta('tool', 'patch-review');
    return inbox;
  }
  if (statSync(path).isDirectory()) throw new InputError(path, 'is a directory, not an index file');
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw cannotRead(path, e, { what: 'the index' });
  }
  if (bytes.length < 100 || bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') throw new InputError(path, 'not an SQLite database (not a patch-review index)');
  // Both numbers live in the file header (offsets 60 and 68, big-endian): no need to open it to check.
  const version = bytes.readUInt32BE(60);
  if (bytes.readUInt32BE(68) !== APPLICATION_ID) throw new InputError(path, 'an SQLite database, but not a patch-review index');
  if (version !== SCHEMA_VERSION) throw new InputError(path, `index schema ${version} is not the one this version reads (${SCHEMA_VERSION}): rebuild it with inbox index`);
  return new InboxDb(new SQL.Database(bytes), path);
}

/**
 * The file an index path names: a symlink is followed (to its final target), so two runs
 * given different names for one database take the same lock and write the same file.
 */
export function resolveIndexPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // Not there yet: resolve its folder, keep the name; a dangling symlink names the file it
    // will create (writing the link's own name would replace the link).
    const target = danglingTarget(path);
    try {
      return join(realpathSync(dirname(target)), basename(target));
    } catch {
      return target;
    }
  }
}

/** Where a chain of symlinks ends, when its last target does not exist yet (else the path itself). */
function danglingTarget(path: string): string {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    try {
      if (!lstatSync(p).isSymbolicLink()) break;
      p = resolve(dirname(p), readlinkSync(p));
    } catch {
      break;
    }
  }
  return p;
}

/**
 * An exclusive lock file beside the index, holding the owner's PID, so two indexers never race
 * on one file. A lock whose process is gone (a kill -9) is taken over.
 */
export function lockIndex(path: string): () => void {
  const lock = `${path}.lock`;
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt++) {
    try {
      fd = openSync(lock, 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new InputError(path, `cannot create ${lock} (${code ?? 'error'})`);
      const owner = lockOwner(lock);
      if (attempt < 3 && owner !== null && !processAlive(owner)) {
        // Stale: rename it away first, so two runs taking it over at once cannot both win.
        const stale = `${lock}.stale-${process.pid}`;
        try {
          renameSync(lock, stale);
          unlinkSync(stale);
        } catch {
          /* another run took it over first: try again */
        }
        continue;
      }
      throw new InputError(path, `another "inbox index" is running on it${owner !== null ? ` (pid ${owner})` : ''} (remove ${lock} if not)`);
    }
  }
  writeFileSync(fd, String(process.pid));
  closeSync(fd);
  return () => {
    try {
      unlinkSync(lock);
    } catch {
      /* already gone */
    }
  };
}

function lockOwner(lock: string): number | null {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
