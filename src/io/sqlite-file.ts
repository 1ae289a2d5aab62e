// The SQLite files patch-review keeps (the list index, the consumers index): SQLite through
// sql.js, opened whole into memory and written back whole and atomically, each kind of file told
// apart by its application_id and schema by its user_version, both read from the file header
// before any WebAssembly is loaded. Why sql.js, and its costs: see inbox/store.ts.
import { readFileSync, writeFileSync, renameSync, unlinkSync, openSync, closeSync, existsSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import initSqlJs from 'sql.js';
import type { Database, Statement, SqlValue, BindParams } from 'sql.js';
import { writeFileAtomic } from './atomic-write.js';
import { cannotRead } from './read-error.js';
import { processAlive } from './process-alive.js';
import { InputError } from '../model/errors.js';

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

/** An open database. Queries are synchronous; only opening and saving touch the disk. */
export class SqliteDb {
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

/** What a kind of file is, for its header checks and its error lines. */
export interface SqliteKind {
  /** SQLite's application_id for this kind of file. */
  applicationId: number;
  /** The schema this version reads (user_version). */
  schemaVersion: number;
  /** The schema, run on a new file. */
  schema: string;
  /** "index", "consumers index": as error lines name the file ("no such index"). */
  what: string;
  /** The file a wrong one is not: "a patch-review index". */
  called: string;
  /** The command that builds one, for the error lines. */
  builtBy: string;
}

/**
 * Opens a database of one kind; `create` makes an empty one when the file does not exist. The
 * kind and schema are checked in the file header (offsets 60 and 68, big-endian) before SQLite
 * is loaded: a wrong file costs no WebAssembly start-up.
 */
export async function openSqliteFile(path: string, kind: SqliteKind, opts: { create?: boolean } = {}): Promise<{ db: SqliteDb; created: boolean }> {
  if (!existsSync(path)) {
    if (!opts.create) throw new InputError(path, `no such ${kind.what} (build one with: ${kind.builtBy})`);
    const SQL = await engine(false);
    const db = new SQL.Database();
    db.run(kind.schema);
    db.run(`PRAGMA application_id = ${kind.applicationId}; PRAGMA user_version = ${kind.schemaVersion};`);
    return { db: new SqliteDb(db, path), created: true };
  }
  const bytes = readSqliteFile(path, kind);
  const SQL = await engine(!opts.create);
  return { db: new SqliteDb(new SQL.Database(bytes), path), created: false };
}

/** The bytes of an existing database of this kind, or one clear error line about the file. */
function readSqliteFile(path: string, kind: SqliteKind): Buffer {
  if (statSync(path).isDirectory()) throw new InputError(path, `is a directory, not ${kind.called} file`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw cannotRead(path, e, { what: `the ${kind.what}` });
  }
  if (bytes.length < 100 || bytes.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') throw new InputError(path, `not an SQLite database (not ${kind.called})`);
  if (bytes.readUInt32BE(68) !== kind.applicationId) throw new InputError(path, `an SQLite database, but not ${kind.called} (${kind.builtBy} makes one)`);
  const version = bytes.readUInt32BE(60);
  if (version !== kind.schemaVersion) throw new InputError(path, `${kind.what} schema ${version} is not the one this version reads (${kind.schemaVersion}): rebuild it with ${kind.builtBy}`);
  return bytes;
}

/**
 * An exclusive lock file beside a database, holding the owner's PID, so two writers never race
 * on one file. A lock whose process is gone (a kill -9) is taken over. `command` names the writer
 * in the error line ("inbox index").
 */
export function lockFile(path: string, command: string): () => void {
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
      throw new InputError(path, `another "${command}" is running on it${owner !== null ? ` (pid ${owner})` : ''} (remove ${lock} if not)`);
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
