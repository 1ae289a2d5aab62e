// Markdown that pastes cleanly into a plain-text mail: no backslash escapes, identifiers left
// as they are, and anything Markdown would act on made inert as a code span.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mdEscape } from '../../src/report/markdown.js';
import { EXAMPLES, runCli } from '../helpers.js';

test('mdEscape: identifiers and prose stay plain; markup becomes code spans', () => {
  assert.equal(mdEscape('VIRTIO_F_ACCESS_PLATFORM added to VHOST_VSOCK_FEATURES (v3)'), 'VIRTIO_F_ACCESS_PLATFORM added to VHOST_VSOCK_FEATURES (v3)');
  assert.equal(mdEscape('[PATCH v2 1/3] vhost: fix'), '[PATCH v2 1/3] vhost: fix');
  assert.equal(mdEscape('see <a@b.org> and *x* and __init'), 'see `<a@b.org>` and `*x*` and `__init`');
  assert.equal(mdEscape('[click](javascript:alert)'), '`[click](javascript:alert)`');
  assert.equal(mdEscape('# not a heading'), '`#` not a heading');
  assert.equal(mdEscape('keeps `VHOST_SET_OWNER` as code'), 'keeps `VHOST_SET_OWNER` as code');
  assert.equal(mdEscape('a stray `tick'), 'a stray `` `tick ``');
});

test('markdown report: no backslash escapes in plain text', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pr-md-'));
  const r = await runCli(['--format', 'markdown', '--fail-on', 'never', join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch')], { cwd });
  assert.equal(r.code, 0);
  assert.ok(r.stdout.includes('VIRTIO_F_ACCESS_PLATFORM'));
  const escaped = r.stdout.split('\n').filter((l) => /\\[\\`*_{}[\]<>()#+!|.-]/.test(l.replace(/`[^`]*`/g, '')));
  assert.deepEqual(escaped, []);
});
