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
import { realpathSync, lstatSync, readlinkSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { SqliteDb, lockFile, openSqliteFile, type SqliteKind } from '../io/sqlite-file.js';

/** The open index: the shared SQLite class (io/sqlite-file), under the name the inbox code uses. */
export { SqliteDb as InboxDb };
type InboxDb = SqliteDb;

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

const INBOX_FILE: SqliteKind = {
  applicationId: APPLICATION_ID,
  schemaVersion: SCHEMA_VERSION,
  schema: SCHEMA,
  what: 'index',
  called: 'a patch-review index',
  builtBy: 'patch-review inbox index --db PATH SOURCE…',
};

/** Opens an index; `create` makes an empty one when the file does not exist. */
export async function openInbox(path: string, opts: { create?: boolean } = {}): Promise<InboxDb> {
  const { db, created } = await openSqliteFile(path, INBOX_FILE, opts);
  if (created) {
    db.setMeta('schema', String(SCHEMA_VERSION));
    db.setMeta('tool', 'patch-review');
  }
  return db;
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

/** An exclusive lock file beside the index (io/sqlite-file), so two indexers never race on one file. */
export function lockIndex(path: string): () => void {
  return lockFile(path, 'inbox index');
}
