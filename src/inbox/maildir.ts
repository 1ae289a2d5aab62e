// Reads a Maildir: one mail per file in cur/ and new/. A file keeps its unique name when it
// moves from new/ to cur/ and gains flags (":2,S"), so that unique part marks it as read.
import { readdirSync, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export function isMaildir(dir: string): boolean {
  return ['cur', 'new'].some((d) => existsSync(join(dir, d)) && statSync(join(dir, d)).isDirectory());
}

/** The part of a Maildir file name that stays when its flags change. */
export function uniqueName(file: string): string {
  const colon = file.indexOf(':');
  // Some systems use "!" or ";" where ":" is not allowed in file names.
  const alt = colon >= 0 ? colon : file.search(/[!;]2,/);
  return alt >= 0 ? file.slice(0, alt) : file;
}

/** Files not seen before, oldest name first (Maildir names start with the delivery time). */
export async function* maildirMails(dir: string, seen: (name: string) => boolean): AsyncGenerator<{ name: string; raw: Buffer; path: string }> {
  const files: { name: string; path: string }[] = [];
  for (const sub of ['new', 'cur']) {
    const d = join(dir, sub);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      if (f.startsWith('.')) continue;
      files.push({ name: uniqueName(f), path: join(d, f) });
    }
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const f of files) {
    if (seen(f.name)) continue;
    let raw: Buffer;
    try {
      raw = await readFile(f.path);
    } catch {
      continue; // moved or deleted by the mail client meanwhile
    }
    yield { name: f.name, raw, path: f.path };
  }
}
