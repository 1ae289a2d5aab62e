// The site build end to end on a knowledge base written here (hostile titles included), on
// the built-in one through the CLI, and the guarantees around the output directory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync, rmSync, cpSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSite } from '../../src/site/build.js';
import { SITE_TEMPLATES } from '../../src/io/paths.js';
import { SITE_MARKER } from '../../src/site/write.js';
import { InputError } from '../../src/model/errors.js';
import { runCli } from '../helpers.js';

let tmp: string;
let kb: string;
let examples: string;
let headers: string;

const EVIL = `---
id: evil-title
title: "Beware <script>alert('title')</script> & <b>bold</b> titles"
area: vhost
category: uapi-abi
severity: error
summary: "A summary with <script>alert('summary')</script> in it, long enough to pass."
symbols: [VHOST_TOY_SET, VHOST_BACKEND_F_TOY, "<img src=x onerror=alert('sym')>"]
triggers:
  - symbols: [VHOST_TOY_SET]
    files: ['drivers/vhost/**']
checklist: ["Does <script>alert('checklist')</script> render as text?"]
consumers: [QEMU]
since: Linux 6.1
history:
  - version: Linux 6.1
    change: "VHOST_BACKEND_F_TOY added <script>alert('history')</script>"
    commit: 0123456789ab
  - version: QEMU 9.0
    change: QEMU acks VHOST_BACKEND_F_TOY
    messageId: toy-1@example.org
references:
  - type: url
    id: https://example.org/ref
    title: "ref <script>alert('ref')</script>"
  - type: lore
    id: toy-1@example.org
related: [plain-entry]
---
## Body <script>alert('body')</script>

[click](javascript:alert('link')) and \`VHOST_TOY_SET\` and <iframe src="https://evil.example"></iframe>
`;

const PLAIN = `---
id: plain-entry
title: A plain note about VFIO
area: vfio
category: feature-negotiation
severity: note
summary: A plain summary that is long enough for the schema.
symbols: [VFIO_TOY_FLAG]
checklist: [Is the flag checked before use?]
consumers: [QEMU, crosvm]
references:
  - type: commit
    id: 0123456789abcdef
---
Plain body.
`;

const PATCH = `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: Test Author <author@example.org>
Date: Mon, 2 Mar 2026 10:00:00 +0100
Subject: [PATCH] vhost: <script>alert('subject')</script> use VHOST_TOY_SET

Commit message with <b>markup</b>.

Signed-off-by: Test Author <author@example.org>
---
diff --git a/drivers/vhost/toy.c b/drivers/vhost/toy.c
index 1111111..2222222 100644
--- a/drivers/vhost/toy.c
+++ b/drivers/vhost/toy.c
@@ -1,3 +1,4 @@
 static long toy_ioctl(unsigned int cmd)
 {
+	if (cmd == VHOST_TOY_SET) return -EINVAL; /* <script>alert('diff')</script> */
 	return 0;
`;

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'pr-site-'));
  kb = join(tmp, 'kb');
  mkdirSync(join(kb, 'vhost'), { recursive: true });
  mkdirSync(join(kb, 'vfio'), { recursive: true });
  writeFileSync(join(kb, 'vhost', 'evil-title.md'), EVIL);
  writeFileSync(join(kb, 'vfio', 'plain-entry.md'), PLAIN);
  examples = join(tmp, 'examples');
  mkdirSync(examples);
  writeFileSync(join(examples, '0001-toy.patch'), PATCH);
  headers = join(tmp, 'include');
  mkdirSync(headers);
  writeFileSync(join(headers, 'vhost.h'), '#define VHOST_VIRTIO 0xAF\n#define VHOST_TOY_SET _IOW(VHOST_VIRTIO, 0x99, __u32)\n');
  writeFileSync(join(headers, 'vhost_types.h'), '#define VHOST_BACKEND_F_TOY 0x9\n');
  process.env['XDG_CACHE_HOME'] = join(tmp, 'cache');
});

after(() => rmSync(tmp, { recursive: true, force: true }));

const toyOptions = (out: string) => ({ out, builtinKnowledge: false, knowledge: [kb], examples, headers, vhostUser: null, baseUrl: 'https://notes.example.org/sub' });

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

test('builds every page kind from a small knowledge base', async () => {
  const out = join(tmp, 'site-a');
  const r = await buildSite(toyOptions(out));
  assert.deepEqual(r.warnings, []);
  const all = files(out);
  const html = all.filter((f) => f.endsWith('.html'));
  assert.equal(r.pages, html.length);
  assert.deepEqual(html, [
    '404.html',
    'areas/vfio.html',
    'areas/vhost.html',
    'entries/evil-title.html',
    'entries/index.html',
    'entries/plain-entry.html',
    'examples/0001-toy.html',
    'examples/index.html',
    'index.html',
    'matrix.html',
    'search.html',
    'symbols/VFIO_TOY_FLAG.html',
    'symbols/VHOST_BACKEND_F_TOY.html',
    'symbols/VHOST_TOY_SET.html',
    'symbols/index.html',
  ]);
  for (const f of ['feed.xml', 'sitemap.xml', 'robots.txt', 'search-index.json', 'assets/site.css', 'assets/search.js', 'assets/minisearch.js', 'assets/icon.svg', SITE_MARKER, '.nojekyll']) {
    assert.ok(all.includes(f), `${f} written`);
  }
  assert.ok(r.ms >= 0 && r.files === all.length - 1, 'every file but the marker counted');

  const read = (f: string) => readFileSync(join(out, f), 'utf8');
  // The symbol page carries the definition facts from the headers.
  const sym = read('symbols/VHOST_TOY_SET.html');
  assert.match(sym, /<code>_IOW\(VHOST_VIRTIO, 0x99, __u32\)<\/code>/);
  assert.match(sym, /<code>0x4004AF99<\/code>/);
  assert.match(sym, /href="..\/entries\/evil-title.html"/);
  assert.match(read('symbols/VHOST_BACKEND_F_TOY.html'), /Bit number<\/dt>\s*<dd>9/);
  // Matrix: the bit, introduced in Linux 6.1 (since), changed in QEMU 9.0.
  const matrix = read('matrix.html');
  assert.match(matrix, /<th scope="col" class="ver">Linux 6.1<\/th><th scope="col" class="ver">QEMU 9.0<\/th>/);
  assert.match(matrix, /class="ev ev-introduced" href="entries\/evil-title.html#history"/);
  assert.match(matrix, /class="ev ev-changed" href="entries\/evil-title.html#history"/);
  // Example review: the finding links to its note.
  const ex = read('examples/0001-toy.html');
  assert.match(ex, /<a href="..\/entries\/evil-title.html">Beware &lt;script&gt;/);
  assert.match(ex, /<span class="add">\+\tif \(cmd &#x3D;&#x3D; VHOST_TOY_SET\)/);
  // Absolute URLs where they must be absolute; relative links everywhere else.
  assert.match(read('sitemap.xml'), /<loc>https:\/\/notes.example.org\/sub\/entries\/plain-entry.html<\/loc>/);
  assert.match(read('feed.xml'), /<link rel="alternate" type="text\/html" href="https:\/\/notes.example.org\/sub\/entries\/evil-title.html"\/>/);
  assert.match(read('404.html'), /href="\/sub\/assets\/site.css"/, '404 links work at any depth');
  assert.match(read('entries/plain-entry.html'), /href="..\/assets\/site.css"/);
  assert.match(read('entries/evil-title.html'), /<li><a href="..\/entries\/plain-entry.html">A plain note about VFIO<\/a><\/li>/, 'related notes link to each other');
  // Search index: both notes and all symbols, loadable with the options it carries.
  const idx = JSON.parse(read('search-index.json')) as { fields: string[]; index: { documentCount: number } };
  assert.deepEqual(idx.fields, ['title', 'names', 'summary', 'text']);
  assert.equal(idx.index.documentCount, 2 + 3);
});

test('content from entries and patches renders as text, never as markup', async () => {
  const out = join(tmp, 'site-b');
  await buildSite(toyOptions(out));
  for (const f of files(out)) {
    if (!/\.(html|xml)$/.test(f)) continue;
    const text = readFileSync(join(out, f), 'utf8');
    assert.doesNotMatch(text, /<script>alert|<img src=x|<b>bold|<b>markup|<iframe/, f);
    assert.doesNotMatch(text, /javascript:/i, `${f}: no javascript: URL survives`);
    // The only scripts are the search page's own files.
    for (const m of text.matchAll(/<script[^>]*>/g)) assert.match(m[0], /^<script src="(\.\.\/)*assets\/(minisearch|search)\.js">$/, f);
    // Nothing is loaded from another host: stylesheets, icons and scripts are local files.
    for (const m of text.matchAll(/<(?:link|script|img|iframe)\b[^>]*\b(?:href|src)="([^"]*)"/g)) {
      const tag = m[0];
      if (/rel="(canonical|alternate|self)"/.test(tag)) continue;
      assert.doesNotMatch(m[1]!, /^(https?:)?\/\//, `${f}: ${tag}`);
    }
  }
  const entry = readFileSync(join(out, 'entries', 'evil-title.html'), 'utf8');
  assert.match(entry, /<title>Beware &lt;script&gt;alert\(&#x27;title&#x27;\)&lt;\/script&gt; &amp; &lt;b&gt;bold&lt;\/b&gt; titles · /);
  assert.match(entry, /<h1 id="entry-title">Beware &lt;script&gt;/);
  assert.match(entry, /<h2 id="body-alert-body">Body &lt;script&gt;alert\(&#39;body&#39;\)&lt;\/script&gt;<\/h2>/);
  assert.match(entry, /<code>&lt;img src&#x3D;x onerror&#x3D;alert\(&#x27;sym&#x27;\)&gt;<\/code>/);
  assert.match(entry, /<a href="..\/symbols\/VHOST_TOY_SET.html"><code>VHOST_TOY_SET<\/code><\/a>/);
  const feed = readFileSync(join(out, 'feed.xml'), 'utf8');
  assert.match(feed, /<title>Beware &lt;script&gt;/);
  const example = readFileSync(join(out, 'examples', '0001-toy.html'), 'utf8');
  assert.match(example, /vhost: &lt;script&gt;alert\(&#x27;subject&#x27;\)&lt;\/script&gt; use VHOST_TOY_SET/);
  assert.match(example, /Commit message with &lt;b&gt;markup&lt;\/b&gt;/);
  // The search page fills results with text nodes only.
  const js = readFileSync(join(out, 'assets', 'search.js'), 'utf8');
  assert.doesNotMatch(js, /innerHTML|insertAdjacentHTML|document\.write/);
});

test('a rebuild replaces the site; a failed build leaves the previous one as it was', async () => {
  const out = join(tmp, 'site-c');
  await buildSite(toyOptions(out));
  const before = readFileSync(join(out, 'index.html'), 'utf8');
  writeFileSync(join(out, 'stale.html'), 'left from an old build');
  await buildSite(toyOptions(out));
  assert.equal(existsSync(join(out, 'stale.html')), false, 'the old site is replaced as a whole');

  const broken = join(tmp, 'templates-broken');
  cpSync(SITE_TEMPLATES, broken, { recursive: true });
  writeFileSync(join(broken, 'symbol.hbs'), '{{#each facts}} never closed');
  writeFileSync(join(out, 'keep.txt'), 'marker');
  await assert.rejects(buildSite({ ...toyOptions(out), templates: broken }));
  assert.equal(readFileSync(join(out, 'keep.txt'), 'utf8'), 'marker', 'previous site untouched');
  assert.equal(readFileSync(join(out, 'index.html'), 'utf8'), before);
  assert.deepEqual(
    readdirSync(tmp).filter((n) => n.startsWith('.site-c')),
    [],
    'no temporary directory left behind',
  );
});

test('refuses to replace a directory it did not build', async () => {
  const foreign = join(tmp, 'not-a-site');
  mkdirSync(foreign);
  writeFileSync(join(foreign, 'precious.txt'), 'do not delete');
  await assert.rejects(buildSite(toyOptions(foreign)), (e: unknown) => e instanceof InputError && /not built by patch-review/.test(e.message));
  assert.equal(readFileSync(join(foreign, 'precious.txt'), 'utf8'), 'do not delete');
  const empty = join(tmp, 'empty-dir');
  mkdirSync(empty);
  await buildSite(toyOptions(empty));
  assert.ok(statSync(join(empty, 'index.html')).isFile(), 'an empty directory is fine');
});

test('without headers or vhost-user document the pages show what the entries say', async () => {
  const out = join(tmp, 'site-d');
  await buildSite({ ...toyOptions(out), headers: null });
  const sym = readFileSync(join(out, 'symbols', 'VHOST_TOY_SET.html'), 'utf8');
  assert.doesNotMatch(sym, /_IOW/);
  assert.match(sym, /No definition facts/);
  assert.match(sym, /href="..\/entries\/evil-title.html"/);
});

test('site build through the CLI: the built-in knowledge base, usage and input errors', async () => {
  const out = join(tmp, 'site-cli');
  const r = await runCli(['site', 'build', '--out', out, '--base-url', 'https://example.org/notes/']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^site: (\d+) pages \((\d+) files\) in .*, \d+ ms\n$/);
  const pages = Number(/site: (\d+) pages/.exec(r.stdout)![1]);
  const entries = readdirSync(join(out, 'entries')).length - 1;
  assert.ok(entries > 0 && pages > entries, `${pages} pages for ${entries} entries`);
  assert.match(readFileSync(join(out, 'sitemap.xml'), 'utf8'), /<loc>https:\/\/example.org\/notes\/index.html<\/loc>/);

  for (const [args, re] of [
    [['site'], /unknown option '--out'|a subcommand is missing/],
    [['site', 'publish'], /unknown command 'publish'/],
    [['site', 'build', '--base-url', 'ftp://example.org/'], /must be an http\(s\) URL/],
    [['site', 'build', '--base-url', 'not a url'], /not an absolute URL/],
    [['site', 'build', '--headers', join(tmp, 'nope')], /header directory does not exist/],
    [['site', 'build', '--vhost-user', join(tmp, 'nope.rst')], /no such file/],
    [['site', 'build', '--out', join(tmp, 'not-a-site')], /not built by patch-review/],
    [['site', 'build', '--bogus'], /unknown option '--bogus'/],
  ] as [string[], RegExp][]) {
    const e = await runCli([...args, ...(args.includes('--out') ? [] : ['--out', join(tmp, 'never')])]);
    assert.equal(e.code, 2, `${args.join(' ')}: ${e.stderr}`);
    assert.match(e.stderr, re);
    assert.equal(e.stderr.split('\n').length, 2, 'one line');
    assert.equal(e.stdout, '');
  }
  assert.equal(existsSync(join(tmp, 'never')), false, 'a failed build writes nothing');
  const help = await runCli(['site', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^examples:\n {2}patch-review site build /m);
  assert.match((await runCli(['site', 'build', '--help'])).stdout, /--base-url <url>/);
});

test('SIGTERM or SIGINT during site build removes the temporary directory (a real signal to a child)', { timeout: 120_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const { ROOT } = await import('../helpers.js');
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    const name = `site-sig-${sig}`;
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'patch-review.js'), 'site', 'build', '--out', join(tmp, name)], { stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: string | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
    // Mid-build: the temporary directory exists and pages are being written into it.
    let building = false;
    while (!building && child.exitCode === null) {
      const temp = readdirSync(tmp).find((n) => n.startsWith(`.${name}.`));
      building = temp !== undefined && existsSync(join(tmp, temp, 'entries'));
      if (!building) await new Promise((res) => setTimeout(res, 5));
    }
    assert.ok(building, `${sig}: the build ended before it could be interrupted`);
    child.kill(sig);
    const { code, signal } = await exited;
    assert.equal(signal, sig, `exit ${code}`);
    assert.deepEqual(readdirSync(tmp).filter((n) => n.includes(name)), [], `${sig}: nothing left behind`);
  }
});

test('a temporary directory a SIGKILLed build left is swept by the next build', async () => {
  const out = join(tmp, 'site-k');
  const dead = join(tmp, '.site-k.4194999.k1.tmp');
  mkdirSync(join(dead, 'entries'), { recursive: true });
  writeFileSync(join(dead, 'entries', 'half.html'), 'half a page');
  await buildSite(toyOptions(out));
  assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith('.site-k')), []);
  assert.ok(existsSync(join(out, 'index.html')));
});
