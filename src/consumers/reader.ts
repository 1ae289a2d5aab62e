// Reading the consumers index for queries, reviews and the site: through the lookup file beside
// the database when it is there and current (plain fs reads, only the symbols asked for), else
// through the database itself with SQLite (slower to start; the caller is told why).
import { existsSync, statSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { ConsumersLookup } from './lookup.js';
import type { IndexedUse } from './types.js';

export interface ConsumersReader {
  usesOf(input: string, opts?: { all?: boolean }): IndexedUse[];
  usesBySymbol(): Map<string, IndexedUse[]>;
  close(): void;
  /** Why the lookup file was not used (missing, stale…), when the database was read instead. */
  readonly fallback: string | null;
}

export async function openConsumersReader(path: string): Promise<ConsumersReader> {
  if (!existsSync(path)) throw new InputError(path, 'no such consumers index (build one with: patch-review consumers index --db PATH DIR…)');
  if (statSync(path).isDirectory()) throw new InputError(path, 'is a directory, not a consumers index file');
  const lookup = ConsumersLookup.open(path);
  if (lookup instanceof ConsumersLookup)
    return { usesOf: (s, o) => lookup.usesOf(s, o), usesBySymbol: () => lookup.usesBySymbol(), close: () => lookup.close(), fallback: null };
  const [{ openConsumers }, query] = await Promise.all([import('./store.js'), import('./query.js')]);
  const db = await openConsumers(path);
  return { usesOf: (s, o) => query.usesOf(db, s, o), usesBySymbol: () => query.usesBySymbol(db), close: () => db.close(), fallback: lookup.problem };
}
