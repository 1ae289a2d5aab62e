// Loads the knowledge base fast: the sources are hashed, and a compiled snapshot with the
// same hash (built with the package, or cached after a first compile) is used instead of
// parsing YAML and validating again. Only a changed knowledge base pays for compilation.
import { readdirSync, readFileSync, writeFileSync, renameSync, mkdirSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import type { Entry, KnowledgeBase } from './entry.js';
import type { SourceFile, Problem } from './compile.js';
import { InputError } from '../model/errors.js';

/** The repository root (dist/src/knowledge/load.js → three levels up). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BUILTIN_KNOWLEDGE = join(PACKAGE_ROOT, 'knowledge');
export const BUILTIN_SNAPSHOT = join(PACKAGE_ROOT, 'dist', 'knowledge.snapshot.json');

interface Snapshot {
  hash: string;
  entries: Entry[];
}

export function readSources(dir: string): SourceFile[] {
  if (!existsSync(dir)) throw new InputError(dir, 'knowledge directory does not exist');
  const out: SourceFile[] = [];
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.name.endsWith('.md') && ent.name !== 'README.md') {
        out.push({ file: relative(dir, p).split(sep).join('/'), text: readFileSync(p, 'utf8') });
      }
    }
  };
  walk(dir);
  return out;
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

function readSnapshot(path: string, hash: string): Entry[] | null {
  try {
    const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
    return snap.hash === hash ? snap.entries : null;
  } catch {
    return null;
  }
}

/** Writes atomically; a cache is best effort and never fails a review. */
export function writeSnapshot(path: string, snap: Snapshot): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(snap));
    renameSync(tmp, path);
  } catch {
    /* read-only home or dist: compile again next time */
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
  const sources = readSources(dir);
  const hash = hashSources(sources);
  for (const p of [snapshotPath, cachePath(hash)]) {
    if (!p) continue;
    const entries = readSnapshot(p, hash);
    if (entries) return { entries, hash, problems: [] };
  }
  const { compileSources } = await import('./compile.js');
  const { entries, problems } = compileSources(sources);
  if (problems.length === 0) writeSnapshot(cachePath(hash), { hash, entries });
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
