// Rendered entry bodies, cached like the knowledge snapshot: Markdown parsing is most of a
// site build's work, and the bodies rarely change between builds. The key covers every body,
// the reserved anchor ids and the renderer itself (its compiled file's size and time), so a
// changed entry or a rebuilt renderer means a fresh render. The cache is best effort.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Entry } from '../knowledge/entry.js';
import { renderMarkdown, type RenderedMarkdown } from './markdown.js';
import { writeJson } from '../knowledge/load.js';

export function renderBodies(entries: Entry[], reservedIds: string[], env: NodeJS.ProcessEnv = process.env): Map<string, RenderedMarkdown> {
  const key = cacheKey(entries, reservedIds);
  const path = join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'patch-review', `site-bodies-${key.slice(0, 32)}.json`);
  const cached = read(path, key);
  if (cached) return cached;
  const out = new Map<string, RenderedMarkdown>();
  for (const e of entries) out.set(e.id, renderMarkdown(e.body ?? '', reservedIds));
  writeJson(path, { key, bodies: [...out] });
  return out;
}

function cacheKey(entries: Entry[], reservedIds: string[]): string {
  const h = createHash('sha256');
  try {
    const st = statSync(fileURLToPath(new URL('./markdown.js', import.meta.url)));
    h.update(`${st.size}:${st.mtimeMs}\0`);
  } catch {
    h.update(`${Math.random()}`); // cannot identify the renderer: never reuse
  }
  h.update(reservedIds.join(',')).update('\0');
  for (const e of entries) h.update(e.id).update('\0').update(e.body ?? '').update('\0');
  return h.digest('hex');
}

function read(path: string, key: string): Map<string, RenderedMarkdown> | null {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { key: string; bodies: [string, RenderedMarkdown][] };
    return data.key === key ? new Map(data.bodies) : null;
  } catch {
    return null;
  }
}

