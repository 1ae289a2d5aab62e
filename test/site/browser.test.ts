// The built site in a real browser (playwright-core driving Debian's chromium): home page,
// search for IOTLB_PERSIST, follow the result to the symbol and on to its note; keyboard
// access, dark mode and a phone-sized viewport; no console errors and no request to any
// other host. Screenshots go to a temporary directory named in the test output.
// Skips when no chromium is installed, unless CI is set (then a missing browser fails).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildSite } from '../../src/site/build.js';
import { serveDir, type StaticServer } from './serve.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const HAVE_BROWSER = existsSync(CHROMIUM);
const skip = !HAVE_BROWSER && !process.env['CI'] ? `no browser at ${CHROMIUM} (install Debian's chromium, or set CHROMIUM_PATH): browser test skipped` : false;

let tmp: string;
let server: StaticServer;
let context: BrowserContext;
let shots: string;
const problems: string[] = [];

before(async () => {
  if (skip) return;
  assert.ok(HAVE_BROWSER, `CI is set but no browser exists at ${CHROMIUM}`);
  tmp = mkdtempSync(join(tmpdir(), 'pr-site-browser-'));
  // Kept after the test, for a person to look at.
  shots = mkdtempSync(join(tmpdir(), 'pr-site-shots-'));
  server = await serveDir(join(tmp, 'site'));
  await buildSite({ out: join(tmp, 'site'), baseUrl: server.url });
  context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.on('page', watch);
  for (const p of context.pages()) watch(p);
});

after(async () => {
  await context?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function watch(page: Page): void {
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()} (${page.url()})`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message} (${page.url()})`));
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) problems.push(`request to another host: ${r.url()}`);
  });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

test('home → search IOTLB_PERSIST → symbol → note, by keyboard, light and dark, desktop and phone', { skip, timeout: 180_000 }, async (t) => {
  t.diagnostic(`screenshots: ${shots}`);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });

  await page.goto(server.url);
  assert.match(await page.title(), /patch-review compatibility notes/);
  assert.equal(await page.locator('main h1').count(), 1);
  assert.equal(await page.locator('header nav[aria-label="Site"]').count(), 1);
  assert.ok((await page.locator('main .area-grid li').count()) > 0, 'areas listed');
  // The first Tab lands on the skip link, which moves focus to the main content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  await shot(page, '1-home-desktop-light');

  // Search from the header form, by keyboard.
  await page.locator('#site-q').focus();
  await page.keyboard.type('IOTLB_PERSIST');
  await page.keyboard.press('Enter');
  await page.waitForURL(/search\.html\?q=IOTLB_PERSIST/);
  const status = page.locator('#search-status');
  await assert.doesNotReject(status.filter({ hasText: /match/ }).waitFor({ timeout: 30_000 }));
  assert.match((await status.textContent()) ?? '', /\d+ notes? and \d+ symbols? match “IOTLB_PERSIST”/);
  assert.equal(await page.inputValue('#search-q'), 'IOTLB_PERSIST');
  const symbolResult = page.locator('#results-symbols-list a', { hasText: 'VHOST_BACKEND_F_IOTLB_PERSIST' });
  assert.equal(await symbolResult.count(), 1, 'the backend feature bit is found');
  assert.ok((await page.locator('#results-entries-list li').count()) > 0, 'notes are found too');
  const firstResult = await page.locator('main ol.results a').first().textContent();
  assert.equal(firstResult, 'VHOST_BACKEND_F_IOTLB_PERSIST', 'the exact symbol comes first');
  await shot(page, '2-search-desktop-light');

  // Follow the result: the symbol page.
  await symbolResult.click();
  await page.waitForURL(/symbols\/VHOST_BACKEND_F_IOTLB_PERSIST\.html$/);
  assert.equal(await page.locator('main h1').textContent(), 'VHOST_BACKEND_F_IOTLB_PERSIST');
  assert.match((await page.locator('main').textContent()) ?? '', /VHOST_SET_BACKEND_FEATURES/, 'says how the bit is negotiated');
  const notes = page.locator('section[aria-labelledby="covered-by"] a.entry-title');
  assert.ok((await notes.count()) > 0, 'a note covers it');
  await shot(page, '3-symbol-desktop-light');

  // On to the note, in dark mode.
  await page.emulateMedia({ colorScheme: 'dark' });
  const noteTitle = (await notes.first().textContent())!.trim();
  await notes.first().click();
  await page.waitForURL(/entries\/[a-z0-9-]+\.html$/);
  assert.equal((await page.locator('main h1').textContent())?.trim(), noteTitle);
  assert.match((await page.locator('main').textContent()) ?? '', /IOTLB_PERSIST/);
  for (const h of ['Review checklist', 'References']) assert.equal(await page.locator('main h2', { hasText: h }).count(), 1, h);
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await shot(page, '4-note-desktop-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(dark, light, 'dark mode changes the colours');

  // A phone: no sideways scrolling on text pages; wide tables scroll inside their own box.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, name] of [
    ['index.html', '5-home-phone-light'],
    ['search.html?q=IOTLB_PERSIST', '6-search-phone-dark'],
    ['matrix.html', '7-matrix-phone-light'],
  ] as const) {
    await page.emulateMedia({ colorScheme: name.includes('dark') ? 'dark' : 'light' });
    await page.goto(server.url + path);
    if (path.startsWith('search')) await page.locator('#search-status', { hasText: /match/ }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${path}: page is ${overflow}px wider than the phone`);
    await shot(page, name);
  }

  // A missing page gets the 404 page, whose links work.
  const missing = await page.goto(`${server.url}no/such/page.html`);
  assert.equal(missing?.status(), 404);
  await page.locator('main a', { hasText: 'Symbols A–Z' }).click();
  await page.waitForURL(/symbols\/index\.html$/);
  problems.splice(0, problems.length, ...problems.filter((p) => !(p.includes('404') && p.includes('no/such/page.html'))));

  assert.deepEqual(problems, [], 'no console errors, page errors or requests to other hosts');
});
