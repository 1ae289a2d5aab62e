// The texts of documents entries cite, found in the user's own copies: spec sections by their
// \label in the virtio spec's LaTeX, and documentation files by their file name (the kernel's
// Documentation/… or QEMU's docs/… path is matched on its last component).
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import { InputError } from '../model/errors.js';

function walk(dir: string, keep: (name: string) => boolean, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, keep, out);
    else if (keep(e.name)) out.push(p);
  }
  return out;
}

export interface DocumentShelf {
  /** A spec section's text by label ("sec:…"), up to the next labelled section. */
  specSection(label: string): string | undefined;
  /** A documentation file's text by its cited path. */
  doc(path: string): string | undefined;
}

const LABEL = /\\label\{(sec:[^}]+)\}/g;

export function openShelf(specDirs: string[], docDirs: string[]): DocumentShelf {
  const sections = new Map<string, string>();
  for (const d of specDirs) {
    for (const f of walk(d, (n) => n.endsWith('.tex'))) {
      const text = readFileSync(f, 'utf8');
      const marks = [...text.matchAll(LABEL)];
      marks.forEach((m, i) => {
        // A section's heading comes just before its \label; its text runs to the next one's heading.
        const end = i + 1 < marks.length ? text.lastIndexOf('\\', marks[i + 1]!.index) : text.length;
        const label = m[1]!.replace(/\s+/g, ' ');
        if (!sections.has(label)) sections.set(label, text.slice(m.index, Math.max(end, m.index)));
      });
    }
  }
  const docs = new Map<string, string>();
  for (const d of docDirs) {
    if (!existsSync(d) || !statSync(d).isDirectory()) throw new InputError(d, 'documentation directory does not exist');
    for (const f of walk(d, (n) => /\.(rst|txt|md|h)$/.test(n))) if (!docs.has(basename(f))) docs.set(basename(f), f);
  }
  const docText = new Map<string, string>();
  return {
    specSection: (label) => sections.get(label.startsWith('sec:') ? label : `sec:${label}`),
    doc: (path) => {
      const f = docs.get(basename(path));
      if (!f) return undefined;
      if (!docText.has(f)) docText.set(f, readFileSync(f, 'utf8'));
      return docText.get(f);
    },
  };
}
