// When each entry was first published and last changed, for the Atom feed, the sitemap and
// the home page's recent notes: from git history when the knowledge directory is in a
// repository (one `git log` for the whole directory), else from the file's modification time.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { gitSync } from '../io/git.js';

export interface EntryDates {
  created: Date;
  updated: Date;
}

/** Dates by file path relative to `dir`. Files git does not know (new, uncommitted) use mtime. */
export function entryDates(dir: string, files: string[]): Map<string, EntryDates> {
  const git = gitDates(dir);
  const out = new Map<string, EntryDates>();
  for (const f of files) {
    const g = git.dates.get(f);
    let modified: Date | null = null;
    try {
      modified = statSync(join(dir, f)).mtime;
    } catch {
      /* a snapshot may name a file that is gone: fall back below */
    }
    if (g && git.modified.has(f) && modified) out.set(f, { created: g.created, updated: modified > g.updated ? modified : g.updated });
    else if (g) out.set(f, g);
    else {
      const d = modified ?? new Date(0);
      out.set(f, { created: d, updated: d });
    }
  }
  return out;
}

function gitDates(dir: string): { dates: Map<string, EntryDates>; modified: Set<string> } {
  const dates = new Map<string, EntryDates>();
  const modified = new Set<string>();
  const git = (args: string[]) => gitSync(args, dir);
  const log = git(['log', '--format=%x01%cI', '--name-only', '--relative', '--no-renames', '--', '.']);
  if (log.error || log.code !== 0) return { dates, modified };
  let when: Date | null = null;
  for (const line of log.stdout.split('\n')) {
    if (line.startsWith('\x01')) {
      when = new Date(line.slice(1));
      continue;
    }
    if (!line || !when) continue;
    const d = dates.get(line);
    // Newest commit first: the first sighting is the last change, the last one the creation.
    if (d) d.created = when;
    else dates.set(line, { created: when, updated: when });
  }
  // Committed files edited since: their last change is newer than git knows.
  const ls = git(['ls-files', '-m']);
  if (!ls.error && ls.code === 0) for (const l of ls.stdout.split('\n')) if (l) modified.add(l);
  return { dates, modified };
}
