// The consumers index: an SQLite file (sql.js, like the list index) of uAPI use sites found in
// the user's checkouts of userspace projects. Symbols and files are integer ids; a use row is
// (symbol, file, line, function, kind, detail, pattern, pattern detail).
import { existsSync, readFileSync, statSync, openSync, writeFileSync, closeSync, unlinkSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import initSqlJs from 'sql.js';
import { InboxDb } from '../inbox/store.js';
import { InputError } from '../model/errors.js';

export const CONSUMERS_SCHEMA_VERSION = 1;
/** SQLite application_id "prcu": tells our consumers index from a list index or any other SQLite file. */
const APPLICATION_ID = 0x70726375;

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

let sqlJs: ReturnType<typeof initSqlJs> | null = null;

/** Opens (or with `create`, makes) a consumers index. The class is the list index's: same queries, same atomic save. */
export async function openConsumers(path: string, opts: { create?: boolean } = {}): Promise<InboxDb> {
  // A query process is short: V8's baseline compiler alone is faster for it (see inbox/store.ts).
  if (!opts.create && !sqlJs) setFlagsFromString('--liftoff-only');
  sqlJs ??= initSqlJs();
  const SQL = await sqlJs;
  if (!existsSync(path)) {
    if (!opts.create) throw new InputError(path, 'no such consumers index (build one with: patch-review consumers index --db PATH DIR…)');
    const db = new SQL.Database();
    db.run(SCHEMA);
    db.run(`PRAGMA application_id = ${APPLICATION_ID}; PRAGMA user_version = ${CONSUMERS_SCHEMA_VERSION};`);
    const index = new InboxDb(db, path);
    index.setMeta('tool', 'patch-review consumers');
    return index;
  }
  if (statSync(path).isDirectory()) throw new InputError(path, 'is a directory, not a consumers index file');
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new InputError(path, `cannot read the consumers index (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (bytes.length < 100 || bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') throw new InputError(path, 'not an SQLite database (not a consumers index)');
  if (bytes.readUInt32BE(68) !== APPLICATION_ID) throw new InputError(path, 'an SQLite database, but not a consumers index (patch-review consumers index makes one)');
  const version = bytes.readUInt32BE(60);
  if (version !== CONSUMERS_SCHEMA_VERSION) throw new InputError(path, `consumers index schema ${version} is not the one this version reads (${CONSUMERS_SCHEMA_VERSION}): rebuild it`);
  return new InboxDb(new SQL.Database(bytes), path);
}

/** An exclusive lock file beside the index, so two indexers never race on one file. */
export function lockConsumers(path: string): () => void {
  const lock = `${path}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(path, `another "consumers index" is running on it (remove ${lock} if not)`);
    throw new InputError(path, `cannot create ${lock} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
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
