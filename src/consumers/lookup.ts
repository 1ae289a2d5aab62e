// The lookup file: a read-only copy of the consumers index's use sites, per symbol, written
// beside the database (DB.lookup) every time `consumers index` saves it. Queries and reviews read
// it with plain fs reads (no SQLite, no WebAssembly start-up): the header (symbol → byte range)
// once, then only the records of the symbols asked for. The database stays the one source of
// truth: the header carries the database file's identity (size, mtime, inode, as git's index
// keeps stat data), so a lookup left from another version of the database is seen as stale and
// the caller reads the database instead; a damaged record fails its checksum.
//
// Layout: a first line `patch-review consumers lookup FORMAT HEADER-LENGTH`, a small JSON header,
// the files as JSON ([checkout, path], parsed on the first record read), the directory as text
// lines `SYMBOL<tab>OFFSET<tab>LENGTH<tab>FNV-1a` (searched as a string, never parsed whole), and
// the records: per symbol a JSON array of rows.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { normalizeSymbol } from './query.js';
import type { IndexedUse, Pattern, UseKind } from './types.js';

const MAGIC = 'patch-review consumers lookup';
const FORMAT = 1;

/** The database file's identity when the lookup was written from it. */
export interface SourceStamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

interface Header {
  source: SourceStamp;
  /** [project, version] per checkout. */
  checkouts: [string, string][];
  kinds: string[];
  patterns: string[];
  /** Byte lengths of the blocks after the header: files (JSON), directory (text), records. */
  files: number;
  directory: number;
  body: number;
}

/** One use in a record: [file, line, function, kind, detail, pattern (-1: none), pattern detail]. */
type Row = [number, number, string | null, number, string, number, string];

export const lookupPathOf = (dbPath: string) => `${dbPath}.lookup`;

export function stampOf(dbPath: string): SourceStamp {
  const s = statSync(dbPath);
  return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
}

/** 32-bit FNV-1a: enough to tell a damaged record, cheap enough to check on every read. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** The lookup file's bytes for these uses (every kind, definitions too), sorted as queries list them. */
export function encodeLookup(uses: IndexedUse[], source: SourceStamp): Buffer {
  const checkouts: [string, string][] = [];
  const checkoutIds = new Map<string, number>();
  const files: [number, string][] = [];
  const fileIds = new Map<string, number>();
  const kinds: string[] = [];
  const patterns: string[] = [];
  const idOf = (list: string[], v: string) => {
    const i = list.indexOf(v);
    return i >= 0 ? i : list.push(v) - 1;
  };
  const bySymbol = new Map<string, Row[]>();
  for (const u of uses) {
    const ck = `${u.project}\0${u.version}`;
    let c = checkoutIds.get(ck);
    if (c === undefined) checkoutIds.set(ck, (c = checkouts.push([u.project, u.version]) - 1));
    const fk = `${c}\0${u.file}`;
    let f = fileIds.get(fk);
    if (f === undefined) fileIds.set(fk, (f = files.push([c, u.file]) - 1));
    const row: Row = [f, u.line, u.function, idOf(kinds, u.kind), u.detail, u.pattern ? idOf(patterns, u.pattern) : -1, u.patternDetail];
    const list = bySymbol.get(u.symbol);
    if (list) list.push(row);
    else bySymbol.set(u.symbol, [row]);
  }
  const records: Buffer[] = [];
  let directory = '\n';
  let offset = 0;
  for (const [name, rows] of bySymbol) {
    if (/[\t\n]/.test(name)) continue; // no symbol is spelled so; it would break the directory
    const bytes = Buffer.from(JSON.stringify(rows));
    directory += `${name}\t${offset}\t${bytes.length}\t${fnv1a(bytes)}\n`;
    records.push(bytes);
    offset += bytes.length;
  }
  const filesBlock = Buffer.from(JSON.stringify(files));
  const dirBlock = Buffer.from(directory);
  const header: Header = { source, checkouts, kinds, patterns, files: filesBlock.length, directory: dirBlock.length, body: offset };
  const json = Buffer.from(JSON.stringify(header));
  return Buffer.concat([Buffer.from(`${MAGIC} ${FORMAT} ${json.length}\n`), json, filesBlock, dirBlock, ...records]);
}

/** An open lookup file. */
export class ConsumersLookup {
  private files: [number, string][] | null = null;

  private constructor(
    readonly path: string,
    private fd: number | null,
    private readonly header: Header,
    private readonly filesStart: number,
    /** The directory, starting and ending with a newline. */
    private readonly directory: string,
  ) {}

  private get bodyStart(): number {
    return this.filesStart + this.header.files + this.header.directory;
  }

  /**
   * Opens the lookup beside a database, or says why it cannot be used (missing, stale, not a
   * lookup, damaged header): the caller then reads the database.
   */
  static open(dbPath: string): ConsumersLookup | { problem: string } {
    const path = lookupPathOf(dbPath);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return { problem: 'missing' };
    }
    try {
      const first = Buffer.alloc(96);
      const n = readSync(fd, first, 0, first.length, 0);
      const line = /^(.+) (\d+) (\d+)\n/.exec(first.subarray(0, n).toString('latin1'));
      if (!line || line[1] !== MAGIC) throw new Error('not a consumers lookup file');
      if (Number(line[2]) !== FORMAT) throw new Error(`lookup format ${line[2]} is not ${FORMAT}`);
      const headerStart = Buffer.byteLength(line[0]);
      const header = JSON.parse(readAt(fd, headerStart, Number(line[3]))) as Header;
      if (!validHeader(header)) throw new Error('damaged header');
      const filesStart = headerStart + Number(line[3]);
      if (fstatSync(fd).size !== filesStart + header.files + header.directory + header.body) throw new Error('truncated or padded');
      const now = stampOf(dbPath);
      if (now.size !== header.source.size || now.mtimeMs !== header.source.mtimeMs || now.ino !== header.source.ino) throw new Error('stale: the database changed after it was written');
      const directory = readAt(fd, filesStart + header.files, header.directory);
      if (!directory.startsWith('\n') || !directory.endsWith('\n')) throw new Error('damaged directory');
      return new ConsumersLookup(path, fd, header, filesStart, directory);
    } catch (e) {
      closeSync(fd);
      return { problem: e instanceof SyntaxError ? 'damaged header' : (e as Error).message };
    }
  }

  private damaged(what: string): InputError {
    return new InputError(this.path, `damaged ${what}: run "patch-review consumers index --db DB DIR…" again, or remove the file`);
  }

  /** Where a symbol's record is: found by searching the directory text, not by parsing it. */
  private entry(name: string): [number, number, number] | null {
    if (/[\t\n]/.test(name)) return null;
    const at = this.directory.indexOf(`\n${name}\t`);
    if (at < 0) return null;
    return this.fields(name, this.directory.slice(at + name.length + 2, this.directory.indexOf('\n', at + 1)));
  }

  /** A directory line's OFFSET, LENGTH and checksum, checked against the file. */
  private fields(name: string, text: string): [number, number, number] {
    const fields = text.split('\t').map(Number);
    if (fields.length !== 3 || !fields.every(Number.isInteger) || fields[0]! + fields[1]! > this.header.body) throw this.damaged(`directory entry for ${name}`);
    return fields as [number, number, number];
  }

  /** Every directory entry in one pass (a search per symbol would be quadratic in the directory). */
  private entries(): { name: string; at: [number, number, number] }[] {
    return this.directory
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const tab = l.indexOf('\t');
        const name = tab < 0 ? l : l.slice(0, tab);
        return { name, at: this.fields(name, tab < 0 ? '' : l.slice(tab + 1)) };
      });
  }

  private fileList(): [number, string][] {
    if (!this.files) {
      let files: unknown;
      try {
        files = JSON.parse(readAt(this.fd!, this.filesStart, this.header.files));
      } catch {
        files = null;
      }
      if (!Array.isArray(files) || !files.every((f) => Array.isArray(f) && Number.isInteger(f[0]) && f[0] < this.header.checkouts.length && typeof f[1] === 'string')) throw this.damaged('file list');
      this.files = files as [number, string][];
    }
    return this.files;
  }

  /** The uses of one symbol as stored (every kind), read from the file on demand. */
  private record(name: string, at = this.entry(name)): IndexedUse[] {
    if (!at) return [];
    if (this.fd === null) throw new Error('consumers lookup used after close');
    const [offset, length, sum] = at;
    const bytes = Buffer.alloc(length);
    const n = readSync(this.fd, bytes, 0, length, this.bodyStart + offset);
    let rows: Row[] | null = null;
    if (n === length && fnv1a(bytes) === sum) {
      try {
        rows = JSON.parse(bytes.toString('utf8')) as Row[];
      } catch {
        rows = null;
      }
    }
    if (!Array.isArray(rows)) throw this.damaged(`record for ${name}`);
    const files = this.fileList();
    const { checkouts, kinds, patterns } = this.header;
    return rows.map(([file, line, func, kind, detail, pattern, patternDetail]) => {
      const [checkout, path] = files[file] ?? [-1, ''];
      const [project, version] = checkouts[checkout] ?? ['', ''];
      return { symbol: name, project, version, file: path, line, function: func, kind: kinds[kind] as UseKind, detail, pattern: pattern < 0 ? null : (patterns[pattern] as Pattern), patternDetail };
    });
  }

  /** Uses of a symbol; `NAME*` matches a prefix (any case, as SQL's LIKE does). Definitions and bare mentions only when asked for. */
  usesOf(input: string, opts: { all?: boolean } = {}): IndexedUse[] {
    const name = normalizeSymbol(input);
    const keep = opts.all ? () => true : isUse;
    if (!name.endsWith('*')) return this.record(name).filter(keep);
    const prefix = name.slice(0, -1).toLowerCase();
    return this.entries()
      .filter((e) => e.name.toLowerCase().startsWith(prefix))
      .flatMap((e) => this.record(e.name, e.at).filter(keep))
      .sort(byPlace);
  }

  /** Every use (no definitions or bare mentions) grouped by symbol, for the site. */
  usesBySymbol(): Map<string, IndexedUse[]> {
    const out = new Map<string, IndexedUse[]>();
    for (const e of this.entries()) {
      const uses = this.record(e.name, e.at).filter(isUse);
      if (uses.length) out.set(e.name, uses);
    }
    return out;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function readAt(fd: number, position: number, length: number): string {
  const bytes = Buffer.alloc(length);
  if (readSync(fd, bytes, 0, length, position) !== length) throw new Error('truncated');
  return bytes.toString('utf8');
}

/** A use proper: no definition, no bare mention (those only when asked for). */
const isUse = (u: IndexedUse) => u.kind !== 'defines' && u.kind !== 'mention';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** The database's order: project, file, line, symbol (a stable sort keeps one symbol's rows as stored). */
const byPlace = (a: IndexedUse, b: IndexedUse) => cmp(a.project, b.project) || cmp(a.file, b.file) || a.line - b.line || cmp(a.symbol, b.symbol);

function validHeader(h: unknown): h is Header {
  if (!h || typeof h !== 'object') return false;
  const x = h as Partial<Header>;
  const stamp = x.source;
  const length = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
  return (
    !!stamp && typeof stamp.size === 'number' && typeof stamp.mtimeMs === 'number' && typeof stamp.ino === 'number' &&
    Array.isArray(x.checkouts) && x.checkouts.every((c) => Array.isArray(c) && typeof c[0] === 'string' && typeof c[1] === 'string') &&
    Array.isArray(x.kinds) && Array.isArray(x.patterns) && length(x.files) && length(x.directory) && length(x.body)
  );
}
