// Loads the knowledge base fast: the sources are hashed, and a compiled snapshot with the
// same hash (built with the package, or cached after a first compile) is used instead of
// parsing YAML and validating again. Only a changed knowledge base pays for compilation.
import { readdirSync, readFileSync, existsSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Entry, KnowledgeBase } from './entry.js';
import type { SourceFile, Problem } from './compile.js';
import { InputError } from '../model/errors.js';
import { BUILTIN_KNOWLEDGE, BUILTIN_SNAPSHOT } from '../io/paths.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { cannotRead } from '../io/read-error.js';

interface Snapshot {
  hash: string;
  /** Names, sizes and mtimes of the sources: when they match, the files are not even read. */
  sig?: string;
  entries: SnapshotEntry[];
  /** Caches only: digest of entries and details (see cacheDigest). */
  digest?: string;
}

/**
 * The fields a review reads only from entries that fired (texts, lists, references). They
 * live in a second file, one JSON object per entry at a byte range the snapshot records,
 * so a review parses the matching data of every entry and the texts of only a few.
 */
const DETAIL_FIELDS = ['body', 'summary', 'checklist', 'references', 'consumers', 'related', 'history'] as const;
type DetailField = (typeof DETAIL_FIELDS)[number];

/** An entry in the snapshot: the detail fields replaced by [start, end, field names]. */
type SnapshotEntry = Omit<Entry, DetailField> & { details: [number, number, DetailField[]] };

function detailsPath(snapshotPath: string): string {
  return snapshotPath.replace(/\.json$/, '.details');
}

/** The details file: a first line naming the knowledge hash, then one line per entry. */
function splitDetails(entries: Entry[], hash: string): { text: string; lite: SnapshotEntry[] } {
  let text = `${JSON.stringify({ hash })}\n`;
  let at = Buffer.byteLength(text);
  const lite = entries.map((e) => {
    const rest: Record<string, unknown> = { ...e };
    const details: Record<string, unknown> = {};
    for (const f of DETAIL_FIELDS) {
      if (rest[f] !== undefined) details[f] = rest[f];
      delete rest[f];
    }
    const line = JSON.stringify(details);
    const end = at + Buffer.byteLength(line);
    text += `${line}\n`;
    const entry = { ...rest, details: [at, end, Object.keys(details)] } as SnapshotEntry;
    at = end + 1;
    return entry;
  });
  return { text, lite };
}

/**
 * Entries whose detail fields are read from the details file on first use: only the byte range
 * of each entry that fires (a review reads a few of them, not the whole file).
 */
function attachLazyDetails(lite: SnapshotEntry[], snapshotPath: string, hash: string): Entry[] {
  const path = detailsPath(snapshotPath);
  let checked = false;
  const range = (start: number, end: number): string => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      throw cannotRead(path, e, { what: "the knowledge snapshot's details", hint: ': run `npm run build` again' });
    }
    try {
      if (!checked) {
        // The first line names the knowledge hash: {"hash":"<64 hex digits>"}.
        const head = Buffer.alloc(128);
        const text = head.toString('utf8', 0, readSync(fd, head, 0, head.length, 0));
        const nl = text.indexOf('\n');
        let own: string | undefined;
        try {
          own = nl < 0 ? undefined : (JSON.parse(text.slice(0, nl)) as { hash?: string }).hash;
        } catch {
          own = undefined;
        }
        if (own !== hash) throw new InputError(path, 'belongs to another build of the knowledge base: run `npm run build` again');
        checked = true;
      }
      const buf = Buffer.alloc(end - start);
      const got = readSync(fd, buf, 0, buf.length, start);
      if (got !== buf.length) throw new InputError(path, 'is shorter than its snapshot says: run `npm run build` again');
      return buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  };
  return lite.map((e) => {
    const [start, end, fields] = e.details;
    const entry = e as unknown as Entry & { details?: unknown };
    delete entry.details;
    let parsed: Partial<Entry> | null = null;
    const own = () => (parsed ??= JSON.parse(range(start, end)) as Partial<Entry>);
    for (const f of fields) {
      Object.defineProperty(entry, f, {
        get: () => own()[f],
        set: (value: unknown) => Object.defineProperty(entry, f, { value, writable: true, enumerable: true, configurable: true }),
        enumerable: true,
        configurable: true,
      });
    }
    return entry;
  });
}

function sourcePaths(dir: string): string[] {
  if (!existsSync(dir)) throw new InputError(dir, 'knowledge directory does not exist');
  const out: string[] = [];
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = `${d}/${ent.name}`;
      if (ent.isDirectory()) walk(p);
      else if (ent.name.endsWith('.md') && ent.name !== 'README.md') out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function readSources(dir: string): SourceFile[] {
  return sourcePaths(dir).map((p) => ({ file: relative(dir, p).split(sep).join('/'), text: readFileSync(p, 'utf8') }));
}

/**
 * Names (relative to the knowledge directory, so a moved checkout still matches), sizes and
 * mtimes of the sources, as plain text: comparing it costs less than hashing it would.
 */
function signature(dir: string): string {
  let text = '';
  for (const p of sourcePaths(dir)) {
    const st = statSync(p);
    text += `${p.slice(dir.length + 1)}:${st.size}:${st.mtimeMs}\n`;
  }
  return text;
}

function sha256(): import('node:crypto').Hash {
  // Loaded only here (a changed knowledge base, the build): a review does not need node:crypto.
  return (process.getBuiltinModule('node:crypto') as typeof import('node:crypto')).createHash('sha256');
}

export function hashSources(sources: SourceFile[]): string {
  const h = sha256();
  for (const s of sources) h.update(s.file).update('\0').update(s.text).update('\0');
  return h.digest('hex');
}

function cachePath(sig: string): string {
  const hash = sha256().update(sig).digest('hex');
  const home = () => process.env['HOME'] || (process.getBuiltinModule('node:os') as typeof import('node:os')).homedir();
  const base = process.env['XDG_CACHE_HOME'] || join(home(), '.cache');
  return join(base, 'patch-review', `kb-${hash.slice(0, 32)}.json`);
}

function readSnapshot(path: string): Snapshot | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  } catch {
    return null;
  }
}

/** Writes atomically; a cache is best effort and never fails a review. */
export function writeJson(path: string, data: unknown): boolean {
  return writeText(path, JSON.stringify(data));
}

function writeText(path: string, text: string): boolean {
  try {
    writeFileAtomic(path, text, { mkdir: true });
    return true;
  } catch {
    /* read-only home or dist: compile again next time */
    return false;
  }
}

/** Writes a snapshot and its details file (the details first: a snapshot never lacks them). */
export function writeSnapshot(path: string, dir: string, entries: Entry[], hash: string): void {
  const { text, lite } = splitDetails(entries, hash);
  if (writeText(detailsPath(path), text)) writeJson(path, { hash, sig: signature(dir), entries: lite, digest: cacheDigest(lite, text) } satisfies Snapshot);
}

/** A digest of a snapshot's entries and details text: a cache that does not match it is rebuilt. */
function cacheDigest(lite: SnapshotEntry[], details: string | Buffer): string {
  return sha256().update(JSON.stringify(lite)).update('\0').update(details).digest('hex');
}

/**
 * A cached snapshot as it was written, or null: truncated, edited or half-replaced caches
 * (entries, triggers or details) are compiled again instead of failing or changing reviews.
 */
function validCache(path: string, snap: Snapshot | null): Snapshot | null {
  if (!snap || typeof snap.hash !== 'string' || !Array.isArray(snap.entries) || typeof snap.digest !== 'string') return null;
  try {
    const details = readFileSync(detailsPath(path));
    const nl = details.indexOf(0x0a);
    if (nl < 0 || (JSON.parse(details.toString('utf8', 0, nl)) as { hash?: string }).hash !== snap.hash) return null;
    return cacheDigest(snap.entries, details) === snap.digest ? snap : null;
  } catch {
    return null;
  }
}

export interface LoadResult extends KnowledgeBase {
  problems: Problem[];
}

/**
 * Loads one knowledge directory. Invalid entries are reported as problems and left out;
 * the review still runs with the valid ones (lint is where problems fail).
 */
export async function loadKnowledgeDir(dir: string, snapshotPath?: string): Promise<LoadResult> {
  const sig = signature(dir);
  // Unchanged files: trust the snapshot without reading them. The built-in one comes first and
  // usually matches, so the user's cache is not even looked for.
  const builtin = snapshotPath ? readSnapshot(snapshotPath) : null;
  if (builtin && snapshotPath && builtin.sig === sig) return { entries: attachLazyDetails(builtin.entries, snapshotPath, builtin.hash), hash: builtin.hash, problems: [] };
  const cache = cachePath(sig);
  const snaps = [...(snapshotPath ? [[snapshotPath, builtin] as const] : []), [cache, validCache(cache, readSnapshot(cache))] as const];
  for (const [p, snap] of snaps) if (snap && snap.sig === sig) return { entries: attachLazyDetails(snap.entries, p, snap.hash), hash: snap.hash, problems: [] };
  const sources = readSources(dir);
  const hash = hashSources(sources);
  for (const [p, snap] of snaps) if (snap && snap.hash === hash) return { entries: attachLazyDetails(snap.entries, p, hash), hash, problems: [] };
  const { compileSources } = await import('./compile.js');
  const { entries, problems } = compileSources(sources);
  if (problems.length === 0) writeSnapshot(cache, dir, entries, hash);
  return { entries, hash, problems };
}

/** The built-in knowledge base plus any extra directories; later ids override earlier ones. */
export async function loadKnowledge(extraDirs: string[] = []): Promise<LoadResult> {
  const results = [await loadKnowledgeDir(BUILTIN_KNOWLEDGE, BUILTIN_SNAPSHOT)];
  for (const d of extraDirs) results.push(await loadKnowledgeDir(d));
  const byId = new Map<string, Entry>();
  for (const r of results) for (const e of r.entries) byId.set(e.id, e);
  return {
    entries: [...byId.values()],
    hash: results.map((r) => r.hash).join('+'),
    problems: results.flatMap((r) => r.problems),
  };
}
