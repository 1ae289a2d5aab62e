// Loads the knowledge base fast: the sources are hashed, and a compiled snapshot with the
// same hash (built with the package, or cached after a first compile) is used instead of
// parsing YAML and validating again. Only a changed knowledge base pays for compilation.
import { readdirSync, readFileSync, writeFileSync, renameSync, mkdirSync, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import type { Entry, KnowledgeBase } from './entry.js';
import type { SourceFile, Problem } from './compile.js';
import { InputError } from '../model/errors.js';

/**
 * The package root: the nearest directory above this module with the package's package.json
 * (dist/src/knowledge/ when compiled, dist/bundle/ when bundled).
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    try {
      if ((JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: string }).name === 'patch-review') return d;
    } catch {
      /* no package.json here */
    }
    if (dirname(d) === d) return join(from, '..', '..', '..');
  }
}
export const BUILTIN_KNOWLEDGE = join(PACKAGE_ROOT, 'knowledge');
export const BUILTIN_SNAPSHOT = join(PACKAGE_ROOT, 'dist', 'knowledge.snapshot.json');

interface Snapshot {
  hash: string;
  /** Cheap signature of the sources (names, sizes, mtimes): when it matches, hashing is skipped. */
  sig?: string;
  entries: Entry[];
}

/**
 * Snapshots keep bodies in a second file: a review never reads them, while `entry.body`
 * (kb show, --explain, the site) loads them on first use.
 */
function bodiesPath(snapshotPath: string): string {
  return snapshotPath.replace(/\.json$/, '.bodies.json');
}

function withoutBodies(entries: Entry[]): Entry[] {
  return entries.map((e) => ({ ...e, body: '' }));
}

function attachLazyBodies(entries: Entry[], snapshotPath: string, hash: string): Entry[] {
  let bodies: Record<string, string> | null = null;
  const load = (): Record<string, string> => {
    if (bodies) return bodies;
    try {
      const b = JSON.parse(readFileSync(bodiesPath(snapshotPath), 'utf8')) as { hash: string; bodies: Record<string, string> };
      bodies = b.hash === hash ? b.bodies : {};
    } catch {
      bodies = {};
    }
    return bodies;
  };
  for (const e of entries) Object.defineProperty(e, 'body', { get: () => load()[e.id] ?? '', enumerable: true, configurable: true });
  return entries;
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

function signature(dir: string): string {
  const h = createHash('sha256');
  for (const p of sourcePaths(dir)) {
    const st = statSync(p);
    h.update(`${p}\0${st.size}\0${st.mtimeMs}\0`);
  }
  return h.digest('hex');
}

export function hashSources(sources: SourceFile[]): string {
  const h = createHash('sha256');
  for (const s of sources) h.update(s.file).update('\0').update(s.text).update('\0');
  return h.digest('hex');
}

function cachePath(hash: string): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
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
export function writeJson(path: string, data: unknown): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, path);
  } catch {
    /* read-only home or dist: compile again next time */
  }
}

/** Writes a snapshot (entries without bodies) and its bodies file. */
export function writeSnapshot(path: string, dir: string, entries: Entry[], hash: string): void {
  writeJson(bodiesPath(path), { hash, bodies: Object.fromEntries(entries.map((e) => [e.id, e.body])) });
  writeJson(path, { hash, sig: signature(dir), entries: withoutBodies(entries) } satisfies Snapshot);
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
  const candidates = [snapshotPath, cachePath(sig)].filter((p): p is string => !!p);
  const snaps = candidates.map((p) => [p, readSnapshot(p)] as const);
  // Unchanged files: trust the snapshot without reading them.
  for (const [p, snap] of snaps) if (snap && snap.sig === sig) return { entries: attachLazyBodies(snap.entries, p, snap.hash), hash: snap.hash, problems: [] };
  const sources = readSources(dir);
  const hash = hashSources(sources);
  for (const [p, snap] of snaps) if (snap && snap.hash === hash) return { entries: attachLazyBodies(snap.entries, p, hash), hash, problems: [] };
  const { compileSources } = await import('./compile.js');
  const { entries, problems } = compileSources(sources);
  if (problems.length === 0) writeSnapshot(cachePath(sig), dir, entries, hash);
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
