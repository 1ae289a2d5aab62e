// "Who uses this": use sites of one symbol (or of a name with a trailing *) across the indexed checkouts.
import type { SqliteDb } from '../io/sqlite-file.js';
import { rustPathName, uapiName, uapiStruct } from './symbols.js';
import type { IndexedUse, Pattern, UseKind } from './types.js';

/** The index's spelling of what a user typed: `vhost_vring_addr` → `struct vhost_vring_addr`, Rust paths → C names, old names → current ones. */
export function normalizeSymbol(input: string): string {
  const s = input.trim();
  if (s.startsWith('@') || s.startsWith('struct ')) return s.replace(/\s+/g, ' ');
  if (/^[a-z]/.test(s) && uapiStruct(s)) return `struct ${s}`;
  if (s.includes('::')) return rustPathName(s) ?? s;
  return uapiName(s) ?? s;
}

interface Row extends Record<string, string | number | null> {
  symbol: string;
  project: string;
  version: string;
  file: string;
  line: number;
  func: string | null;
  kind: string;
  detail: string;
  pattern: string | null;
  pattern_detail: string;
}

const SELECT = `SELECT s.name AS symbol, c.project, c.version, f.path AS file, u.line, u.func, u.kind, u.detail, u.pattern, u.pattern_detail
  FROM uses u JOIN symbols s ON s.id = u.sym JOIN files f ON f.id = u.file JOIN checkouts c ON c.id = f.checkout`;
const ORDER = ' ORDER BY c.project, f.path, u.line, s.name, u.rowid';

const toUse = (r: Row): IndexedUse => ({
  symbol: r.symbol,
  project: r.project,
  version: r.version,
  file: r.file,
  line: r.line,
  function: r.func,
  kind: r.kind as UseKind,
  detail: r.detail,
  pattern: r.pattern as Pattern | null,
  patternDetail: r.pattern_detail,
});

/** Uses of a symbol; `NAME*` matches a prefix. Definitions and bare mentions only when asked for. */
export function usesOf(db: SqliteDb, input: string, opts: { all?: boolean } = {}): IndexedUse[] {
  const name = normalizeSymbol(input);
  const filter = opts.all ? '' : " AND u.kind NOT IN ('defines', 'mention')";
  const rows = name.endsWith('*')
    ? db.all<Row>(`${SELECT} WHERE s.name LIKE ? ESCAPE '\\'${filter}${ORDER}`, [name.slice(0, -1).replace(/[\\%_]/g, '\\$&') + '%'])
    : db.all<Row>(`${SELECT} WHERE s.id = (SELECT id FROM symbols WHERE name = ?)${filter}${ORDER}`, [name]);
  return rows.map(toUse);
}

/** Every use (no definitions or bare mentions) grouped by symbol: one query, for the site. */
export function usesBySymbol(db: SqliteDb): Map<string, IndexedUse[]> {
  const out = new Map<string, IndexedUse[]>();
  for (const r of db.all<Row>(`${SELECT} WHERE u.kind NOT IN ('defines', 'mention')${ORDER}`)) {
    const list = out.get(r.symbol);
    if (list) list.push(toUse(r));
    else out.set(r.symbol, [toUse(r)]);
  }
  return out;
}

/** Every row, definitions and mentions too, by symbol then place: what the lookup file is written from. */
export function allUses(db: SqliteDb): IndexedUse[] {
  return db.all<Row>(`${SELECT} ORDER BY s.name, c.project, f.path, u.line, u.rowid`).map(toUse);
}

/** One line for a listing: `crosvm devices/…/worker.rs:84 Worker::new: negotiates (features-intersect: masks …)`. */
export function formatUse(u: IndexedUse): string {
  const where = `${u.project} ${u.file}:${u.line}${u.function ? ` ${u.function}` : ''}`;
  const what = u.detail ? `${u.kind} [${u.detail}]` : u.kind;
  const pattern = u.pattern ? ` (${u.pattern}${u.patternDetail ? `: ${u.patternDetail}` : ''})` : '';
  return `${where}: ${what}${pattern}`;
}
