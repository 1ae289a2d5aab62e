// `patch-review site build`: the knowledge base → a static site (no server, no requests to
// other hosts). Pages come from the Handlebars templates in templates/site/; definition facts
// from uAPI headers and the vhost-user document when they are at hand; the example reviews
// from examples/. Everything is written to a temporary directory and renamed into place.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Entry } from '../knowledge/entry.js';
import { loadKnowledgeDir } from '../knowledge/load.js';
import { BUILTIN_KNOWLEDGE, BUILTIN_SNAPSHOT, DEFAULT_HEADERS_DIR as DEFAULT_HEADERS, DEFAULT_SITE_URL, DEFAULT_VHOST_USER, EXAMPLES_DIR, SITE_TEMPLATES } from '../io/paths.js';
import { scopeFromHeaders, scopeFromVhostUser, type ScopeName } from '../knowledge/scope.js';
import { indexVhostUser } from '../spec/vhost-user.js';
import type { VhostUserIndex } from '../spec/types.js';
import { InputError, UsageError } from '../model/errors.js';
import { entryDates, type EntryDates } from './dates.js';
import { reviewExamples } from './examples.js';
import { readHeaderFacts, type HeaderFacts } from './header-facts.js';
import { stripXmlInvalid } from './html.js';
import { areaName, KIND_LABELS } from './labels.js';
import { renderBodies } from './body-cache.js';
import { buildMatrix } from './matrix.js';
import { buildSearchIndex, shortSummary, type SearchDoc } from './search-index.js';
import { buildSymbolCatalogue } from './symbols.js';
import { loadTemplates, type Render } from './templates.js';
import * as views from './views.js';
import { paths, rootOf, type SiteModel } from './views.js';
import { SiteWriter } from './write.js';


export interface SiteOptions {
  /** Target directory (replaced as a whole at the end). */
  out: string;
  /** Absolute URL the site is published at (sitemap, feed, canonical links). */
  baseUrl?: string;
  /** uAPI header directory; undefined = /usr/include/linux if present; null = none. */
  headers?: string | null;
  /** QEMU docs/interop/vhost-user.rst; undefined = the shared corpus copy if present; null = none. */
  vhostUser?: string | null;
  /** Extra knowledge directories (later ids override earlier ones). */
  knowledge?: string[];
  /** Include the built-in knowledge base (default true). */
  builtinKnowledge?: boolean;
  /** Folder of example patches; undefined = examples/ of the package; null = none. */
  examples?: string | null;
  templates?: string;
  /** A consumers index (patch-review consumers index): symbol pages list their users. */
  consumers?: string | null;
}

export interface SiteResult {
  /** HTML pages written. */
  pages: number;
  /** Files written in total (pages, feed, sitemap, index, assets). */
  files: number;
  ms: number;
  out: string;
  warnings: string[];
}

const SITE_NAME = 'patch-review compatibility notes';

export async function buildSite(options: SiteOptions): Promise<SiteResult> {
  const t0 = performance.now();
  const warnings: string[] = [];
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? DEFAULT_SITE_URL);
  const templatesDir = options.templates ?? SITE_TEMPLATES;
  const render = loadTemplates(templatesDir);

  // Checked first: a target that may not be replaced fails before any work is done.
  const out = new SiteWriter(options.out);
  try {
    const { entries, dirs } = await loadEntries(options, warnings);
    const headers = readHeaders(options.headers);
    const vhostUser = readVhostUser(options.vhostUser);
    const scope: ScopeName[] = [...(headers ? scopeFromHeaders(headers.dir) : []), ...(vhostUser ? scopeFromVhostUser(vhostUser.index) : [])];
    const symbols = buildSymbolCatalogue(entries, { headers, vhostUser: vhostUser?.index ?? null, scope });

    const dates = new Map<string, EntryDates>();
    for (const [dir, list] of dirs) {
      const byFile = entryDates(dir, list.map((e) => e.file));
      for (const e of list) dates.set(e.id, byFile.get(e.file)!);
    }

    // Anchors the entry template uses itself; body headings get other ids.
    const bodies = renderBodies(entries, ['main', 'entry-title', 'symbols-title', 'history', 'checklist', 'consumers', 'references', 'related', 'triggers', 'site-q']);

    const examples = await reviewExamples(options.examples === undefined ? EXAMPLES_DIR : options.examples, entries);
    warnings.push(...examples.warnings);

    const users = options.consumers ? await usersOf(options.consumers) : null;
    const model: SiteModel = {
      entries,
      byId: new Map(entries.map((e) => [e.id, e] as const)),
      dates,
      bodies,
      symbols,
      matrix: buildMatrix(entries),
      examples: examples.reviews,
      headers,
      vhostUserFile: vhostUser?.file ?? null,
      users,
    };

    const pages = await writePages(out, render, model, baseUrl, headers);
    await writeExtras(out, render, model, baseUrl, pages, templatesDir);
    await out.commit();
    return { pages: pages.length, files: out.files, ms: Math.round(performance.now() - t0), out: out.dir, warnings };
  } catch (e) {
    await out.abort();
    throw e;
  }
}

/** Uses per symbol from the consumers index, read once. */
async function usersOf(path: string) {
  const { openConsumersReader } = await import('../consumers/reader.js');
  const index = await openConsumersReader(path);
  try {
    return index.usesBySymbol();
  } finally {
    index.close();
  }
}

function normalizeBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--base-url: "${url}" is not an absolute URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`--base-url: "${url}" must be an http(s) URL`);
  u.search = '';
  u.hash = '';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/`;
  return u.href;
}

async function loadEntries(options: SiteOptions, warnings: string[]): Promise<{ entries: Entry[]; dirs: Map<string, Entry[]> }> {
  const sources: [string, string | undefined][] = [];
  if (options.builtinKnowledge !== false) sources.push([BUILTIN_KNOWLEDGE, BUILTIN_SNAPSHOT]);
  for (const d of options.knowledge ?? []) sources.push([resolve(d), undefined]);
  if (sources.length === 0) throw new UsageError('no knowledge base: the built-in one is turned off and no --knowledge DIR was given');
  const byId = new Map<string, { entry: Entry; dir: string }>();
  for (const [dir, snapshot] of sources) {
    const r = await loadKnowledgeDir(dir, snapshot);
    for (const p of r.problems) warnings.push(`knowledge ${p.file}: ${p.message} (entry left out; run: patch-review kb lint)`);
    for (const e of r.entries) byId.set(e.id, { entry: e, dir });
  }
  const dirs = new Map<string, Entry[]>();
  for (const { entry, dir } of byId.values()) {
    const list = dirs.get(dir);
    if (list) list.push(entry);
    else dirs.set(dir, [entry]);
  }
  return { entries: [...byId.values()].map((x) => x.entry), dirs };
}

function readHeaders(opt: string | null | undefined): HeaderFacts | null {
  if (opt === null) return null;
  if (opt === undefined) return existsSync(DEFAULT_HEADERS) ? readHeaderFacts(DEFAULT_HEADERS) : null;
  if (!existsSync(opt)) throw new InputError(opt, 'header directory does not exist');
  const facts = readHeaderFacts(opt);
  if (!facts) throw new InputError(opt, 'no vhost, vduse, vfio, iommufd, vdpa or virtio headers in this directory');
  return facts;
}

function readVhostUser(opt: string | null | undefined): { file: string; index: VhostUserIndex } | null {
  if (opt === null) return null;
  if (opt === undefined) {
    if (!existsSync(DEFAULT_VHOST_USER)) return null;
    try {
      return { file: DEFAULT_VHOST_USER, index: indexVhostUser(DEFAULT_VHOST_USER) };
    } catch {
      return null; // the optional default is used only when it is usable
    }
  }
  return { file: opt, index: indexVhostUser(opt) };
}

interface PageRef {
  path: string;
  lastmod?: Date;
}

async function writePages(out: SiteWriter, render: Render, m: SiteModel, baseUrl: string, headers: HeaderFacts | null): Promise<PageRef[]> {
  const pages: PageRef[] = [];
  const builtFrom = [headers ? `${headers.linuxVersion ?? 'installed'} uAPI headers` : '', m.vhostUserFile ? 'QEMU docs/interop/vhost-user.rst' : ''].filter(Boolean).join(' and ');
  const page = async (path: string, template: string, data: object, o: { title: string; description?: string; section: string; scripts?: string[]; lastmod?: Date; root?: string; siteSearch?: boolean }) => {
    const root = o.root ?? rootOf(path);
    const content = render(template, { root, ...data });
    const html = render('layout', {
      root,
      title: o.title,
      siteName: SITE_NAME,
      description: o.description ?? '',
      canonical: path === '404.html' ? '' : new URL(path, baseUrl).href,
      generator: 'patch-review site build',
      nav: nav(root, o.section),
      siteSearch: o.siteSearch !== false,
      content,
      entryCount: m.entries.length,
      builtFrom,
      scripts: (o.scripts ?? []).map((s) => root + s),
    });
    await out.write(path, html);
    pages.push(o.lastmod ? { path, lastmod: o.lastmod } : { path });
  };

  await page(paths.home, 'home', views.homeView(m), {
    title: 'Home',
    description: 'What the Linux and QEMU virtualization uAPIs (vhost, vhost-user, vDPA, VDUSE, VFIO, iommufd, virtio) promise userspace, and how that changed.',
    section: 'home',
  });
  await page(paths.entries, 'entries', views.entriesView(m), { title: 'All notes', section: 'entries' });
  for (const a of views.areasWithEntries(m)) {
    await page(paths.area(a.id), 'area', views.areaView(m, a.id, a.entries), { title: areaName(a.id), section: 'entries' });
  }
  for (const e of m.entries) {
    await page(paths.entry(e.id), 'entry', views.entryView(m, e), { title: e.title, description: e.summary, section: 'entries', lastmod: m.dates.get(e.id)?.updated });
  }
  await page(paths.symbols, 'symbols', views.symbolsIndexView(m), { title: 'Symbols A–Z', section: 'symbols' });
  for (const s of m.symbols.values()) {
    await page(paths.symbol(s), 'symbol', views.symbolView(m, s), {
      title: s.name,
      description: `${KIND_LABELS[s.kind]} ${s.name}: definition facts and the notes that cover it.`,
      section: 'symbols',
    });
  }
  await page(paths.matrix, 'matrix', views.matrixView(m), { title: 'Compatibility matrix', section: 'matrix' });
  await page(paths.search, 'search', {}, { title: 'Search', section: 'search', scripts: ['assets/minisearch.js', 'assets/search.js'], siteSearch: false });
  await page(paths.examples, 'examples', views.examplesView(m), { title: 'Example reviews', section: 'examples' });
  for (const r of m.examples) {
    await page(paths.example(r.slug), 'example', views.exampleView(m, r), { title: `Review of ${r.file}`, section: 'examples' });
  }
  // GitHub Pages serves 404.html for a missing path at any depth: its links start at the site's path.
  await page('404.html', '404', {}, { title: 'Page not found', section: '', root: new URL(baseUrl).pathname });
  return pages;
}

function nav(root: string, section: string) {
  return [
    { id: 'home', label: 'Home', href: root + paths.home },
    { id: 'entries', label: 'Notes', href: root + paths.entries },
    { id: 'symbols', label: 'Symbols', href: root + paths.symbols },
    { id: 'matrix', label: 'Matrix', href: root + paths.matrix },
    { id: 'examples', label: 'Examples', href: root + paths.examples },
    { id: 'search', label: 'Search', href: root + paths.search },
  ].map((n) => ({ ...n, current: n.id === section }));
}

async function writeExtras(out: SiteWriter, render: Render, m: SiteModel, baseUrl: string, pages: PageRef[], templatesDir: string): Promise<void> {
  const templates = (name: string) => join(templatesDir, 'assets', name);
  out.copy('assets/site.css', templates('site.css'));
  out.copy('assets/search.js', templates('search.js'));
  out.copy('assets/icon.svg', templates('icon.svg'));
  await out.write('assets/minisearch.js', readFileSync(minisearchBrowserBuild()));
  await out.write('search-index.json', buildSearchIndex(searchDocs(m)));

  const byUpdate = [...m.entries].sort((a, b) => (m.dates.get(b.id)?.updated.getTime() ?? 0) - (m.dates.get(a.id)?.updated.getTime() ?? 0) || a.id.localeCompare(b.id));
  const newest = byUpdate[0] ? m.dates.get(byUpdate[0].id)!.updated : new Date(0);
  const x = stripXmlInvalid;
  await out.write(
    'feed.xml',
    render('feed.xml', {
      title: SITE_NAME,
      id: new URL('feed.xml', baseUrl).href,
      self: new URL('feed.xml', baseUrl).href,
      home: baseUrl,
      updated: newest.toISOString(),
      generator: 'patch-review site build',
      entries: byUpdate.slice(0, 100).map((e) => {
        const d = m.dates.get(e.id)!;
        return {
          title: x(e.title),
          href: new URL(paths.entry(e.id), baseUrl).href,
          published: d.created.toISOString(),
          updated: d.updated.toISOString(),
          area: e.area,
          areaName: areaName(e.area),
          summary: x(e.summary),
        };
      }),
    }),
  );
  await out.write(
    'sitemap.xml',
    render('sitemap.xml', {
      urls: pages.filter((p) => p.path !== '404.html').map((p) => ({ loc: new URL(p.path, baseUrl).href, lastmod: p.lastmod && p.lastmod.getTime() > 0 ? p.lastmod.toISOString().slice(0, 10) : '' })),
    }),
  );
  await out.write('robots.txt', `User-agent: *\nAllow: /\nSitemap: ${new URL('sitemap.xml', baseUrl).href}\n`);
  // Served as-is by GitHub Pages (symbol pages may start with "_", which Jekyll would hide).
  await out.write('.nojekyll', '');
}

function minisearchBrowserBuild(): string {
  // The package resolves to dist/cjs/index.cjs for require; its UMD build is dist/umd/index.js.
  const cjs = createRequire(import.meta.url).resolve('minisearch');
  const umd = join(dirname(cjs), '..', 'umd', 'index.js');
  if (!existsSync(umd)) throw new InputError(umd, 'minisearch browser build not found (is the minisearch dependency installed?)');
  return umd;
}

function searchDocs(m: SiteModel): SearchDoc[] {
  const docs: SearchDoc[] = [];
  for (const e of m.entries) {
    docs.push({
      id: `e:${e.id}`,
      type: 'entry',
      title: e.title,
      names: e.symbols.join(' '),
      summary: shortSummary(e.summary),
      text: [e.id, m.bodies.get(e.id)?.text ?? '', e.checklist.join(' ')].join(' '),
      url: paths.entry(e.id),
      label: areaName(e.area),
    });
  }
  for (const s of m.symbols.values()) {
    docs.push({
      id: `s:${s.name}`,
      type: 'symbol',
      title: s.name,
      names: s.name,
      summary: s.entries.length ? `${s.entries.length} note${s.entries.length === 1 ? '' : 's'}: ${shortSummary(s.entries[0]!.title, 100)}` : 'no note covers it yet',
      text: '',
      url: paths.symbol(s),
      label: KIND_LABELS[s.kind] + (s.area ? ` · ${areaName(s.area)}` : ''),
    });
  }
  return docs;
}
