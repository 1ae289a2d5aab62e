// The consumers index: an SQLite file (sql.js, like the list index) of uAPI use sites found in
// the user's checkouts of userspace projects. Symbols and files are integer ids; a use row is
// (symbol, file, line, function, kind, detail, pattern, pattern detail). Only indexing and the
// fallback for a missing or stale lookup file (lookup.ts) open it.
import { writeFileAtomic } from '../io/atomic-write.js';
import { lockFile, openSqliteFile, type SqliteDb, type SqliteKind } from '../io/sqlite-file.js';
import { InputError } from '../model/errors.js';
import { ConsumersLookup, encodeLookup, lookupPathOf, stampOf } from './lookup.js';
import { allUses } from './query.js';

export const CONSUMERS_SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
-- One indexed checkout; head is the commit its rows come from.
CREATE TABLE checkouts(id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, project TEXT NOT NULL, version TEXT NOT NULL, head TEXT NOT NULL, files INTEGER NOT NULL DEFAULT 0, indexed_at INTEGER);
CREATE TABLE symbols(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
CREATE TABLE files(id INTEGER PRIMARY KEY, checkout INTEGER NOT NULL, path TEXT NOT NULL, UNIQUE(checkout, path));
CREATE TABLE uses(sym INTEGER NOT NULL, file INTEGER NOT NULL, line INTEGER NOT NULL, func TEXT, kind TEXT NOT NULL, detail TEXT NOT NULL, pattern TEXT, pattern_detail TEXT NOT NULL);
CREATE INDEX uses_sym ON uses(sym);
CREATE INDEX uses_file ON uses(file);
`;

const CONSUMERS_FILE: SqliteKind = {
  // SQLite application_id "prcu": tells our consumers index from a list index or any other SQLite file.
  applicationId: 0x70726375,
  schemaVersion: CONSUMERS_SCHEMA_VERSION,
  schema: SCHEMA,
  what: 'consumers index',
  called: 'a consumers index',
  builtBy: 'patch-review consumers index --db PATH DIR…',
};

/** Opens (or with `create`, makes) a consumers index. */
export async function openConsumers(path: string, opts: { create?: boolean } = {}): Promise<SqliteDb> {
  const { db, created } = await openSqliteFile(path, CONSUMERS_FILE, opts);
  if (created) db.setMeta('tool', 'patch-review consumers');
  return db;
}

/** An exclusive lock file beside the index, so two indexers never race on one file. */
export function lockConsumers(path: string): () => void {
  return lockFile(path, 'consumers index');
}

/**
 * Saves the index when its rows changed, then writes the lookup file beside it from what was
 * saved (also when only the lookup is missing or stale), so the two always agree.
 */
export function saveConsumers(db: SqliteDb, changed: boolean): 'saved' | 'lookup' | 'unchanged' {
  if (!changed) {
    const current = ConsumersLookup.open(db.path);
    if (current instanceof ConsumersLookup) {
      current.close();
      return 'unchanged';
    }
  }
  if (changed) db.save();
  const lookup = lookupPathOf(db.path);
  try {
    writeFileAtomic(lookup, encodeLookup(allUses(db), stampOf(db.path)));
  } catch (e) {
    throw new InputError(lookup, `cannot write the lookup file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return changed ? 'saved' : 'lookup';
}
