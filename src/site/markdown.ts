// Entry bodies (Markdown) → HTML, through an mdast from remark-parse and a small renderer of
// our own. Every text is escaped; raw HTML in the source is shown as text, never passed on;
// links are kept only for http(s), mailto and relative targets; images become links (the
// site makes no requests to other hosts). Citations written the knowledge-base way
// ("lore: <Message-ID>", bare commit ids) become links, and inline code naming a symbol is
// linked to the symbol's page by linkSymbols().
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import type { Nodes, Root, Definition, ListItem } from 'mdast';
import { escapeHtml, safeHref, slugify } from './html.js';
import { referenceUrl } from '../knowledge/entry.js';

export interface RenderedMarkdown {
  html: string;
  /** Plain text, for the search index. */
  text: string;
  headings: { level: number; text: string; id: string }[];
}

const parser = unified().use(remarkParse);

export function renderMarkdown(source: string, reservedIds: Iterable<string> = []): RenderedMarkdown {
  const root = parser.parse(source) as Root;
  const r = new Renderer(root, new Set(reservedIds));
  const html = r.children(root);
  return { html, text: plainText(root).replace(/\s+/g, ' ').trim(), headings: r.headings };
}

/**
 * Links the inline code renderMarkdown() marked as a possible symbol to the symbol's page
 * (`href` gives null when there is none) and drops the mark.
 */
export function linkSymbols(html: string, href: (name: string) => string | null): string {
  return html.replace(/<code data-symbol="([A-Za-z_][A-Za-z0-9_]*)">([^<]*)<\/code>/g, (_m, name: string, inner: string) => {
    const h = href(name);
    return h ? `<a href="${escapeHtml(h)}"><code>${inner}</code></a>` : `<code>${inner}</code>`;
  });
}

const BLOCK_PARENTS = new Set(['root', 'list', 'listItem', 'blockquote', 'table', 'tableRow']);

/** The text of a node and its descendants. */
export function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.type === 'html' ? '' : node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join(BLOCK_PARENTS.has(node.type) ? '\n' : '');
  if (node.type === 'image') return node.alt ?? '';
  return '';
}

class Renderer {
  readonly headings: RenderedMarkdown['headings'] = [];
  private readonly definitions = new Map<string, Definition>();
  private readonly shift: number;

  constructor(
    root: Root,
    private readonly usedIds: Set<string>,
  ) {
    let min = 6;
    const visit = (n: Nodes) => {
      if (n.type === 'definition') this.definitions.set(n.identifier.toLowerCase(), n);
      if (n.type === 'heading') min = Math.min(min, n.depth);
      if ('children' in n) for (const c of n.children as Nodes[]) visit(c);
    };
    visit(root);
    // The page title is the only h1: the body's top heading level becomes h2.
    this.shift = Math.max(0, 2 - min);
  }

  children(n: { children: Nodes[] } | { children: readonly Nodes[] }, tight = false): string {
    return (n.children as Nodes[]).map((c) => this.node(c, tight)).join('');
  }

  private node(n: Nodes, tight = false): string {
    switch (n.type) {
      case 'root':
        return this.children(n);
      case 'paragraph':
        return tight ? this.children(n) : `<p>${this.children(n)}</p>\n`;
      case 'heading': {
        const level = Math.min(6, n.depth + this.shift);
        const text = plainText(n).trim();
        const id = this.uniqueId(slugify(text));
        this.headings.push({ level, text, id });
        return `<h${level} id="${escapeHtml(id)}">${this.children(n)}</h${level}>\n`;
      }
      case 'text':
        return linkifyText(n.value);
      case 'emphasis':
        return `<em>${this.children(n)}</em>`;
      case 'strong':
        return `<strong>${this.children(n)}</strong>`;
      case 'delete':
        return `<del>${this.children(n)}</del>`;
      case 'inlineCode':
        return this.inlineCode(n.value);
      case 'code': {
        const lang = n.lang && /^[A-Za-z0-9_+-]+$/.test(n.lang) ? ` class="language-${n.lang}"` : '';
        return `<pre><code${lang}>${escapeHtml(n.value)}</code></pre>\n`;
      }
      case 'blockquote':
        return `<blockquote>\n${this.children(n)}</blockquote>\n`;
      case 'list': {
        const tag = n.ordered ? 'ol' : 'ul';
        const start = n.ordered && n.start !== null && n.start !== undefined && n.start !== 1 ? ` start="${Number(n.start)}"` : '';
        const loose = n.spread === true || n.children.some((li) => li.spread === true);
        return `<${tag}${start}>\n${n.children.map((li) => this.listItem(li, !loose)).join('')}</${tag}>\n`;
      }
      case 'listItem':
        return this.listItem(n, false);
      case 'thematicBreak':
        return '<hr>\n';
      case 'break':
        return '<br>\n';
      case 'html':
        // Raw HTML in an entry is shown as what it is: text.
        return escapeHtml(n.value);
      case 'link':
        return this.link(n.url, n.title ?? null, this.children(n));
      case 'image':
        return this.link(n.url, n.title ?? null, escapeHtml(n.alt || n.url));
      case 'linkReference':
      case 'imageReference': {
        const def = this.definitions.get(n.identifier.toLowerCase());
        const inner = n.type === 'linkReference' ? this.children(n) : escapeHtml(n.alt ?? n.identifier);
        if (def) return this.link(def.url, def.title ?? null, inner);
        return n.type === 'linkReference' ? `[${inner}]` : inner;
      }
      case 'definition':
      case 'yaml':
        return '';
      case 'table':
        return `<div class="table-scroll"><table>\n${n.children.map((row, i) => this.tableRow(row, i === 0)).join('')}</table></div>\n`;
      default:
        // Nodes of extensions not enabled here (footnotes…): keep the text, never markup.
        if ('children' in n) return this.children(n as { children: Nodes[] });
        if ('value' in n && typeof n.value === 'string') return escapeHtml(n.value);
        return '';
    }
  }

  private tableRow(row: Extract<Nodes, { type: 'tableRow' }>, head: boolean): string {
    const cell = head ? 'th' : 'td';
    return `<tr>${row.children.map((c) => `<${cell}>${this.children(c)}</${cell}>`).join('')}</tr>\n`;
  }

  private listItem(li: ListItem, tight: boolean): string {
    const box = li.checked === true ? '☑ ' : li.checked === false ? '☐ ' : '';
    return `<li>${box}${li.children.map((c) => this.node(c, tight)).join('')}</li>\n`;
  }

  private link(url: string, title: string | null, inner: string): string {
    const href = safeHref(url);
    if (href === null) return inner;
    return `<a href="${escapeHtml(href)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${inner}</a>`;
  }

  private inlineCode(value: string): string {
    // `VHOST_SET_FEATURES`, `vhost_vdpa_reset()`, `.reset_map`: marked so that linkSymbols()
    // can link the ones with a page (which pages exist is decided later than the rendering).
    const m = /^\.?([A-Za-z_][A-Za-z0-9_]*)(?:\(\))?$/.exec(value.trim());
    return m ? `<code data-symbol="${m[1]!}">${escapeHtml(value)}</code>` : `<code>${escapeHtml(value)}</code>`;
  }

  private uniqueId(base: string): string {
    let id = base;
    for (let i = 2; this.usedIds.has(id); i++) id = `${base}-${i}`;
    this.usedIds.add(id);
    return id;
  }
}

// "lore: <Message-ID>" as the entries cite threads, and bare 12–40 digit commit ids (with at
// least one letter and one digit, not part of a longer token such as a UUID or a Message-ID).
const CITATION = /\blore: ?([^\s<>()[\]{},;"']+)|(?<![\w@.-])([0-9a-f]{12,40})(?![\w@-])/g;

export function linkifyText(value: string): string {
  let out = '';
  let last = 0;
  for (const m of value.matchAll(CITATION)) {
    const start = m.index!;
    if (m[1] !== undefined) {
      const id = m[1].replace(/[.:]+$/, '');
      if (!id.includes('@')) continue;
      const idStart = start + m[0].indexOf(m[1]);
      out += escapeHtml(value.slice(last, idStart));
      out += `<a href="${escapeHtml(referenceUrl('lore', id))}">${escapeHtml(id)}</a>`;
      last = idStart + id.length;
    } else {
      const sha = m[2]!;
      if (!/[a-f]/.test(sha) || !/[0-9]/.test(sha)) continue;
      out += escapeHtml(value.slice(last, start));
      out += `<a href="${escapeHtml(referenceUrl('commit', sha))}">${escapeHtml(sha)}</a>`;
      last = start + sha.length;
    }
  }
  return out + escapeHtml(value.slice(last));
}
