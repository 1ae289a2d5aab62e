// The Message-IDs present in a local list corpus (archive.mbox.gz plus threads/*.mbox),
// to check that every cited list discussion really exists. Streams; reads headers only.
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openMaybeGzip, splitMbox } from '../ingest/mbox.js';
import { InputError } from '../model/errors.js';

const MID = /^message-id:[ \t]*(?:\r?\n[ \t]+)?<([^>\s]+)>/im;

export async function corpusMessageIds(dir: string): Promise<Set<string>> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, 'corpus directory does not exist');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(mbox|mbox\.gz|mbx)$/.test(e.name)) files.push(p);
    }
  };
  walk(dir);
  if (files.length === 0) throw new InputError(dir, 'no .mbox or .mbox.gz files in the corpus directory');
  const ids = new Set<string>();
  for (const f of files) {
    for await (const raw of splitMbox(await openMaybeGzip(f), f)) {
      // Headers end at the first blank line; only that part is decoded.
      let end = raw.indexOf('\n\n');
      if (end < 0) end = raw.length;
      const m = MID.exec(raw.subarray(0, Math.min(end, 65536)).toString('latin1'));
      if (m) ids.add(m[1]!);
    }
  }
  return ids;
}
