// `site build --consumers DB`: symbol pages list who uses the symbol, from the index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers.js';
import { toyCheckout } from './toyvmm.js';

test('site build --consumers: a symbol page lists the use sites with their pattern; without it, no section', async () => {
  const t = toyCheckout('toyvmm');
  try {
    const db = join(t.root, 'c.db');
    await runCli(['consumers', 'index', '--db', db, t.dir]);
    const out = join(t.root, 'site');
    const r = await runCli(['site', 'build', '--no-headers', '--out', out, '--consumers', db]);
    assert.equal(r.code, 0, r.stderr);
    const page = readFileSync(join(out, 'symbols', 'VHOST_SET_BACKEND_FEATURES.html'), 'utf8');
    assert.match(page, /<h2 id="users">Who uses it<\/h2>/);
    assert.match(page, /<h3>toyvmm v1\.2\.0<\/h3>/);
    assert.match(page, /<code>src\/vhost_backend\.c:40<\/code><\/td><td><code>toy_set_backend<\/code><\/td><td>ioctl<\/td><td>errno-handled: ENOTTY,EOPNOTSUPP<\/td>/);
    // A symbol no indexed code uses says so.
    const unused = readFileSync(join(out, 'symbols', 'VHOST_VDPA_SUSPEND.html'), 'utf8');
    assert.match(unused, /No use in the indexed userspace checkouts/);
    const plainOut = join(t.root, 'plain');
    await runCli(['site', 'build', '--no-headers', '--out', plainOut]);
    assert.doesNotMatch(readFileSync(join(plainOut, 'symbols', 'VHOST_SET_BACKEND_FEATURES.html'), 'utf8'), /Who uses it/);
  } finally {
    t.cleanup();
  }
});
