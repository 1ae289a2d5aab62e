// A tree's .mailmap (git's format), so `who` suggests people at the addresses they use now:
//   Proper Name <proper@example.org> Old Name <old@example.org>
//   <proper@example.org> <old@example.org>
//   Proper Name <old@example.org>
import { readFileSync } from 'node:fs';

export interface MailmapEntry {
  name?: string;
  email: string;
}

export type Mailmap = Map<string, MailmapEntry>;

export function parseMailmap(text: string): Mailmap {
  const map: Mailmap = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const parts = [...line.matchAll(/\s*([^<]*?)\s*<([^>\s]+)>/g)].map((m) => ({ name: m[1]!.trim(), email: m[2]!.trim() }));
    if (parts.length === 1) {
      const [p] = parts;
      if (p!.name) map.set(p!.email.toLowerCase(), { name: p!.name, email: p!.email });
    } else if (parts.length >= 2) {
      const [proper, commit] = parts;
      map.set(commit!.email.toLowerCase(), { ...(proper!.name ? { name: proper!.name } : {}), email: proper!.email });
    }
  }
  return map;
}

export function readMailmap(path: string): Mailmap | null {
  try {
    return parseMailmap(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

/** A person as the mailmap names them. */
export function mapPerson(map: Mailmap, name: string, email: string): { name: string; email: string } {
  const m = map.get(email.toLowerCase());
  return m ? { name: m.name ?? name, email: m.email } : { name, email };
}
