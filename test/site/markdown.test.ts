import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown, linkSymbols, linkifyText } from '../../src/site/markdown.js';
import { safeHref, escapeHtml } from '../../src/site/html.js';

test('text, raw HTML and code are escaped; nothing from the source becomes markup', () => {
  const md = [
    '## A <script>alert(1)</script> heading',
    '',
    'Inline <img src=x onerror=alert(1)> HTML and "quotes" & ampersands.',
    '',
    '<script>alert(2)</script>',
    '',
    '```c',
    'if (a < b && c > d) return "x";',
    '```',
    '',
    'Code: `a<b>`.',
  ].join('\n');
  const { html } = renderMarkdown(md);
  assert.doesNotMatch(html, /<script|<img/i);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /&quot;quotes&quot; &amp; ampersands/);
  assert.match(html, /<pre><code class="language-c">if \(a &lt; b &amp;&amp; c &gt; d\) return &quot;x&quot;;<\/code><\/pre>/);
  assert.match(html, /<code>a&lt;b&gt;<\/code>/);
});

test('links keep only http(s), mailto and relative targets; images become links', () => {
  const md = [
    '[ok](https://example.org/a?b=1&c=2) [mail](mailto:x@example.org) [rel](../entries/x.html)',
    '[bad](javascript:alert(1)) [bad2](JaVaScRiPt:alert(1)) [bad3](data:text/html,hi) [bad4](java\tscript:x)',
    '![diagram](https://example.org/d.png)',
    '',
    '[ref link][r]',
    '',
    '[r]: https://example.org/ref "A title"',
  ].join('\n');
  const { html } = renderMarkdown(md);
  assert.match(html, /<a href="https:\/\/example.org\/a\?b=1&amp;c=2">ok<\/a>/);
  assert.match(html, /<a href="mailto:x@example.org">mail<\/a>/);
  assert.match(html, /<a href="..\/entries\/x.html">rel<\/a>/);
  assert.doesNotMatch(html, /javascript|data:/i);
  for (const t of ['bad', 'bad2', 'bad3', 'bad4']) assert.match(html, new RegExp(`(^|[^>])${t}`), `${t} kept as text`);
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /<a href="https:\/\/example.org\/d.png">diagram<\/a>/);
  assert.match(html, /<a href="https:\/\/example.org\/ref" title="A title">ref link<\/a>/);
});

test('safeHref refuses scripts however they are spelled', () => {
  for (const bad of ['javascript:x', ' javascript:x', 'java\nscript:x', 'vbscript:x', 'data:x', '\\\\evil', '/\\evil', '', '//host/x']) assert.equal(safeHref(bad), null, bad);
  for (const ok of ['https://a', 'http://a', 'mailto:a@b', 'x.html', '#frag', '../a/b.html']) assert.equal(safeHref(ok), ok);
});

test('headings start at h2 under the page title and get unique ids', () => {
  const { html, headings } = renderMarkdown('# Top\n\ntext\n\n## Sub\n\n## Sub\n\n# History', ['history']);
  assert.deepEqual(
    headings.map((h) => [h.level, h.id]),
    [
      [2, 'top'],
      [3, 'sub'],
      [3, 'sub-2'],
      [2, 'history-2'],
    ],
  );
  assert.match(html, /<h2 id="top">Top<\/h2>/);
  const plain = renderMarkdown('## Contract\n\n### Detail');
  assert.deepEqual(
    plain.headings.map((h) => h.level),
    [2, 3],
  );
});

test('lists: tight items have no paragraphs, ordered lists keep their start', () => {
  const { html } = renderMarkdown('- one\n- two\n\n3. three\n4. four\n\n- loose\n\n- list\n');
  assert.match(html, /<ul>\n<li>one<\/li>\n<li>two<\/li>\n<\/ul>/);
  assert.match(html, /<ol start="3">/);
  assert.match(html, /<li><p>loose<\/p>\n<\/li>/);
});

test('lore and commit citations become links; UUIDs and Message-ID parts do not', () => {
  const html = linkifyText('see lore: 20201223025942.4031-1-jasowang@redhat.com. and commit 6b1e6cc7855b, not ea6ecd2b-5391-3820-d3fd-411b60a5a2ec or deadbeefcafe1x');
  assert.match(html, /<a href="https:\/\/lore.kernel.org\/r\/20201223025942.4031-1-jasowang@redhat.com">20201223025942.4031-1-jasowang@redhat.com<\/a>\. and/);
  assert.match(html, /<a href="https:\/\/git.kernel.org\/torvalds\/c\/6b1e6cc7855b">6b1e6cc7855b<\/a>/);
  assert.equal((html.match(/<a /g) ?? []).length, 2);
  // A lore id with characters that must not end the URL path is escaped in the href.
  assert.match(linkifyText('lore: a/b?c#d@x.org'), /href="https:\/\/lore.kernel.org\/r\/a%2Fb%3Fc%23d@x.org"/);
  assert.equal(linkifyText('lore: notanid'), 'lore: notanid');
  assert.equal(linkifyText('<b>'), escapeHtml('<b>'));
});

test('inline code naming a symbol is linked only when the symbol has a page', () => {
  const { html } = renderMarkdown('Use `VHOST_SET_FEATURES`, `.reset_map`, `vhost_vdpa_reset()` and `UNKNOWN_THING`; not `a + b`.');
  const linked = linkSymbols(html, (n) => (n === 'UNKNOWN_THING' ? null : `../symbols/${n}.html`));
  assert.match(linked, /<a href="..\/symbols\/VHOST_SET_FEATURES.html"><code>VHOST_SET_FEATURES<\/code><\/a>/);
  assert.match(linked, /<a href="..\/symbols\/reset_map.html"><code>.reset_map<\/code><\/a>/);
  assert.match(linked, /<a href="..\/symbols\/vhost_vdpa_reset.html"><code>vhost_vdpa_reset\(\)<\/code><\/a>/);
  assert.match(linked, /<code>UNKNOWN_THING<\/code>/);
  assert.match(linked, /<code>a \+ b<\/code>/);
  assert.doesNotMatch(linked, /data-symbol/);
});

test('plain text for the search index leaves markup out', () => {
  const { text } = renderMarkdown('## Title\n\nSome *emphasis* and `code`.\n\n<div>raw</div>');
  assert.equal(text, 'Title Some emphasis and code.');
});
