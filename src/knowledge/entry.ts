// A loaded knowledge entry: validated frontmatter, its Markdown body and where it came from.
import type { EntryFrontmatter } from './schema.js';
import type { Reference } from '../model/finding.js';
import { publishedSpecUrl } from '../spec/spec-links.js';
import { catalogueSection } from '../spec/section-catalogue.js';

export interface Entry extends EntryFrontmatter {
  /** Path relative to the knowledge directory, e.g. "vhost/vhost-access-platform.md". */
  file: string;
  body: string;
}

export interface KnowledgeBase {
  entries: Entry[];
  /** sha256 over the sources: the cache key. */
  hash: string;
}

/** Reference as stored in an entry → reference with a URL a reader can follow. */
export function resolveReference(r: EntryFrontmatter['references'][number]): Reference {
  if (r.type === 'spec') {
    // A cited section the catalogue knows is named by number: "§2.1 Device Status Field".
    const section = catalogueSection(r.id);
    if (section) return { type: r.type, id: r.id, title: `§${section.number} ${r.title ?? section.title}`, url: r.url ?? publishedSpecUrl(r.id, section) };
  }
  const out: Reference = { type: r.type, id: r.id, url: r.url ?? referenceUrl(r.type, r.id) };
  if (r.title) out.title = r.title;
  return out;
}

export function referenceUrl(type: Reference['type'], id: string): string {
  switch (type) {
    case 'lore':
      // lore takes Message-IDs as they are; only characters that would end the path are escaped.
      return `https://lore.kernel.org/r/${id.replace(/[%#?/\s<>"]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))}`;
    case 'commit':
      return `https://git.kernel.org/torvalds/c/${id}`;
    case 'spec':
      return publishedSpecUrl(id);
    case 'doc':
      return docUrl(id);
    case 'url':
      return id;
  }
}


function docUrl(path: string): string {
  if (path.startsWith('docs/')) return `https://gitlab.com/qemu-project/qemu/-/blob/master/${path}`;
  if (path.startsWith('Documentation/') && path.endsWith('.rst')) {
    return `https://docs.kernel.org/${path.slice('Documentation/'.length, -'.rst'.length)}.html`;
  }
  return `https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/${path}`;
}
