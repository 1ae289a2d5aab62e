// With no site-url set, no report links to the compatibility-notes site, which is not
// published: rules link to their first citation instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, runCli } from '../helpers.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');

test('no site-url: no format links to an unpublished host', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pr-links-'));
  for (const format of ['text', 'markdown', 'json', 'sarif', 'rdjson', 'patchwork', 'email', 'html', 'b4']) {
    const r = await runCli(['--format', format, '--fail-on', 'never', EXAMPLE], { cwd });
    assert.equal(r.code, 0, `${format}: ${r.stderr}`);
    assert.ok(!r.stdout.includes('github.io'), `${format} links to the unpublished site`);
    assert.ok(!r.stdout.includes('/entries/'), `${format} links to an entry page`);
  }
  // The rules still link somewhere real: their first citation.
  const b4 = JSON.parse((await runCli(['--format', 'b4', '--fail-on', 'never', EXAMPLE], { cwd })).stdout) as { url: string }[];
  assert.match(b4[0]!.url, /^https:\/\/(lore\.kernel\.org|git\.kernel\.org|docs\.|github\.com)/);
});

test('a site-url set: rules link to their entry pages', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pr-links-'));
  const r = await runCli(['--format', 'markdown', '--fail-on', 'never', '--site-url', 'https://notes.example.org/kb', EXAMPLE], { cwd });
  assert.match(r.stdout, /\[vhost-access-platform-offer\]\(https:\/\/notes\.example\.org\/kb\/entries\/vhost-access-platform-offer\.html\)/);
});
