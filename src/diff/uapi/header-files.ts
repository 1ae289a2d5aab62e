// Reading uAPI headers from a directory (the installed /usr/include/linux, a --headers DIR, a
// kernel tree's include/uapi/linux): the one place that lists and reads them. The catalogue
// (catalogue.ts), the site's definition facts and `kb coverage` build on it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Bounds a walk: a wrong --headers (say, /) must not read a whole disk. */
export const MAX_HEADER_FILES = 6000;

/** Every `.h` under `root`, depth first in name order, at most MAX_HEADER_FILES; [] when there is no such directory. */
export function walkHeaderFiles(root: string): string[] {
  const out: string[] = [];
  if (!existsSync(root)) return out;
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= MAX_HEADER_FILES) return;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.h') && (e.isFile() || e.isSymbolicLink())) out.push(p);
    }
  };
  walk(root);
  return out;
}

/** Names of the headers directly in `dir` that `wanted` accepts, sorted; null when the directory cannot be read. */
export function headerNames(dir: string, wanted: (name: string) => boolean): string[] | null {
  if (!existsSync(dir)) return null;
  try {
    return readdirSync(dir).filter(wanted).sort();
  } catch {
    return null;
  }
}

/**
 * A header's text; null when it is not there. Headers are ASCII in practice; `latin1` reads any
 * byte as one character (the catalogue parses offsets), `utf8` keeps names readable for display.
 */
export function readHeader(path: string, encoding: 'latin1' | 'utf8' = 'utf8'): string | null {
  try {
    return readFileSync(path, encoding);
  } catch {
    return null;
  }
}
