import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, EXAMPLES, fixture } from '../helpers.js';
import { htmlFormatter, safeUrl } from '../../src/report/html.js';
import { TEMPLATE_DIR } from '../../src/io/paths.js';
import { emptySummary } from '../../src/model/report.js';
import type { PatchReport } from '../../src/model/report.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const SITE = 'https://notes.example.org/kb';

async function html(args: string[]): Promise<string> {
  const r = await runCli(['--format', 'html', '--fail-on', 'never', '--site-url', SITE, ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** Self-contained and inert: no scripts, no external resources, only http(s) or in-page links. */
function assertInert(page: string) {
  assert.ok(page.startsWith('<!doctype html>'));
  assert.ok(page.trimEnd().endsWith('</html>'));
  assert.ok(!/<script/i.test(page), 'no script element');
  assert.ok(!/<(link|img|iframe|object|embed)\b/i.test(page), 'no external resources');
  assert.ok(!/\son[a-z]+\s*=/i.test(page), 'no event handler attributes');
  assert.ok(!/@import|url\(/i.test(page), 'no external CSS');
  for (const m of page.matchAll(/href="([^"]*)"/g)) assert.ok(m[1] === '#' || /^https?:\/\//.test(m[1]!), `link: ${m[1]}`);
}

test('html: one self-contained page with every finding, its checklist, excerpt and links', async () => {
  const page = await html([EXAMPLE, fixture('report/series.mbox'), fixture('report/clean.patch')]);
  assertInert(page);
  const json = JSON.parse((await runCli(['--format', 'json', EXAMPLE, fixture('report/series.mbox'), fixture('report/clean.patch')])).stdout);
  const findings = json.patches.flatMap((p: { findings: unknown[] }) => p.findings);
  assert.equal((page.match(/<article /g) ?? []).length, findings.length, 'one article per finding');
  assert.equal((page.match(/<section class="patch">/g) ?? []).length, 4);
  assert.match(page, /No findings\./);
  assert.match(page, new RegExp(`<a href="${SITE}/entries/vhost-access-platform-offer\\.html">\\[vhost-access-platform-offer\\]</a>`));
  assert.match(page, /<span class="hit">\+\t\t\t       \(1ULL &lt;&lt; VIRTIO_F_ACCESS_PLATFORM\)<\/span>/, 'the finding line is highlighted in its excerpt');
  assert.match(page, /<li><label><input type="checkbox"> /);
  assert.match(page, /<a href="https:\/\/lore\.kernel\.org\/r\/20220805181105\.GA29848@willie-the-truck">/);
  assert.match(page, /4 patches: 2 errors, \d+ warnings, \d+ notes; 1 mail skipped/);
});

test('html: text from the patch is escaped (a <script> subject, a closing </pre> in the diff)', async () => {
  const page = await html([fixture('report/script-subject.patch')]);
  assertInert(page);
  assert.ok(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the subject is shown as text');
  assert.ok(page.includes('/* &lt;/pre&gt;&lt;script&gt;alert(2)&lt;/script&gt; */'), 'the diff line is shown as text');
  assert.ok(page.includes('Zoë Exämple &lt;zoe@example.org&gt;'));
});

test('html: links that are not http(s) never reach an href', () => {
  assert.equal(safeUrl('javascript:alert(1)'), '#');
  assert.equal(safeUrl('https://x.example/" onmouseover="x'), '#');
  assert.equal(safeUrl('data:text/html,<b>'), '#');
  assert.equal(safeUrl(42), '#');
  assert.equal(safeUrl('https://lore.kernel.org/r/a@b'), 'https://lore.kernel.org/r/a@b');
  const report: PatchReport = {
    patch: {
      source: 's',
      subject: 'x',
      rawSubject: '[PATCH] x',
      prefix: { tags: ['PATCH'], version: 1, index: null, total: null, rfc: false, reply: false },
      messageId: 'a"><b>@example.org',
      inReplyTo: null,
      references: [],
      author: 'A <a@example.org>',
      date: '',
      commitMessage: '',
      trailers: [],
      diff: '',
      transport: { flowed: false, damagedEncoding: false },
    },
    files: [],
    findings: [
      {
        ruleId: 'r',
        category: 'uapi-abi',
        severity: 'note',
        title: '<i>t</i>',
        message: 'm',
        file: null,
        line: null,
        symbols: [],
        checklist: ['q'],
        consumers: [],
        references: [{ type: 'url', id: 'x', url: 'javascript:alert(3)' }],
      },
    ],
  };
  // Rule text comes from the rule metadata: a hostile title and link there are made inert too.
  const rulesMeta = { get: (id: string) => ({ id, title: '<i>t</i>', category: 'uapi-abi' as const, summary: '', checklist: ['q'], consumers: [], references: [{ type: 'url' as const, id: 'x', url: 'javascript:alert(3)' }] }) };
  const f = htmlFormatter({ color: false, tool: { name: 'patch-review', version: '0' }, siteUrl: 'javascript:alert(4)', rulesMeta });
  const page = f.begin() + f.patch(report) + f.end({ ...emptySummary(), patches: 1 });
  assertInert(page);
  assert.ok(!page.includes('javascript:'));
  assert.ok(page.includes('&lt;i&gt;t&lt;/i&gt;'));
  assert.ok(page.includes('a&quot;&gt;&lt;b&gt;@example.org'));
});

test('html templates only use the escaping {{…}} form', () => {
  const names = readdirSync(TEMPLATE_DIR).filter((n) => /^report.*\.hbs$/.test(n));
  assert.deepEqual(names.sort(), ['report-foot.hbs', 'report-head.hbs', 'report-patch.hbs']);
  for (const n of names) assert.ok(!readFileSync(join(TEMPLATE_DIR, n), 'utf8').includes('{{{'), `${n} has a raw {{{ }}}`);
});
