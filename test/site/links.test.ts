// Link check over the site built from the built-in knowledge base, served locally: every
// internal link and #fragment resolves, and the crawl reaches every page. Links to other
// hosts are not followed (no network in tests).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkChecker, LinkState } from 'linkinator';
import { buildSite, type SiteResult } from '../../src/site/build.js';
import { serveDir, type StaticServer } from './serve.js';

let tmp: string;
let server: StaticServer;
let built: SiteResult;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'pr-site-links-'));
  server = await serveDir(join(tmp, 'site'));
  built = await buildSite({ out: join(tmp, 'site'), baseUrl: server.url });
});

after(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** One crawl from `start`; links to other hosts are reported as skipped, not fetched. */
const crawl = (start: string) =>
  new LinkChecker().check({
    path: [start],
    recurse: true,
    checkFragments: true,
    concurrency: 25,
    timeout: 60_000,
    linksToSkip: async (link) => !link.startsWith(server.url),
  });

test('zero broken internal links, fragments included', { timeout: 300_000 }, async () => {
  // 404.html is linked from nowhere (the server sends it for missing paths), so it is checked
  // too, but in a crawl of its own: linkinator shares one visited set between start pages and
  // recurses only below each start page's own URL, so a page the 404 crawl saw first would not
  // be recursed into by the main crawl, and what only it links to would look orphaned.
  const site = await crawl(server.url);
  const notFound = await crawl(`${server.url}404.html`);
  const result = { links: [...site.links, ...notFound.links] };
  const broken = result.links.filter((l) => l.state === LinkState.BROKEN).map((l) => `${l.url} (status ${l.status ?? '-'}, on ${l.parent ?? 'start'})`);
  assert.deepEqual(broken, []);

  const reached = new Set(result.links.filter((l) => l.state === LinkState.OK && l.url.startsWith(server.url)).map((l) => new URL(l.url).pathname));
  assert.ok(reached.has('/404.html'), 'the 404 page itself was checked');
  const pages = [...reached].filter((p) => p.endsWith('.html'));
  assert.equal(pages.length, built.pages, 'the crawl reaches every page: none is orphaned');
  for (const asset of ['/assets/site.css', '/assets/search.js', '/assets/minisearch.js', '/assets/icon.svg', '/feed.xml']) assert.ok(reached.has(asset), asset);
  const skipped = result.links.filter((l) => l.state === LinkState.SKIPPED).length;
  assert.ok(skipped > 0, 'external references exist and were left unchecked');
});

test('every page has one h1, one main landmark and unique ids', () => {
  const dir = join(tmp, 'site');
  const pages = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'));
  assert.equal(pages.length, built.pages);
  for (const f of pages) {
    const html = readFileSync(join(dir, f), 'utf8');
    assert.equal((html.match(/<h1[\s>]/g) ?? []).length, 1, `${f}: one h1`);
    assert.equal((html.match(/<main[\s>]/g) ?? []).length, 1, `${f}: one main`);
    assert.match(html, /^<!doctype html>\n<html lang="en">/, f);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(dup, [], `${f}: duplicate ids`);
  }
});
