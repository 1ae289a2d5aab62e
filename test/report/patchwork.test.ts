import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, EXAMPLES, fixture } from '../helpers.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const SITE = 'https://notes.example.org/kb';

interface Check {
  msgid: string | null;
  context: string;
  state: string;
  target_url: string;
  description: string;
}

async function checks(args: string[], stdin?: Buffer): Promise<Check[]> {
  const r = await runCli(['--format', 'patchwork', '--site-url', SITE, ...args], stdin ? { stdin } : {});
  return JSON.parse(r.stdout);
}

test('patchwork: one check per patch with context, state, target_url and description', async () => {
  const list = await checks([EXAMPLE, fixture('report/series.mbox'), fixture('report/clean.patch')]);
  assert.equal(list.length, 4, 'the example, two series patches (the cover letter is not a patch), the diff');
  for (const c of list) {
    assert.equal(c.context, 'patch-review');
    assert.match(c.context, /^[a-zA-Z0-9_-]+$/, 'a Patchwork context is a slug');
    assert.ok(['success', 'warning', 'fail'].includes(c.state));
    assert.match(c.target_url, /^https:\/\//);
    assert.ok(c.description.length > 0 && c.description.length <= 250);
  }
  const [example, p1, p2, clean] = list;
  assert.equal(example!.msgid, '20260302090000.1234-2-dev@example.org');
  assert.equal(example!.state, 'fail');
  assert.match(example!.description, /^2 errors, \d+ warnings(, \d+ notes)?: vhost-access-platform-offer, virtio-access-platform-dma-api/);
  assert.equal(example!.target_url, `${SITE}/entries/vhost-access-platform-offer.html`);
  assert.equal(p1!.msgid, '20260305080000.4242-1-dev@example.org');
  assert.equal(p1!.state, 'warning');
  assert.equal(p2!.state, 'warning', 'the series-level warning lands on the last patch');
  assert.match(p2!.description, /uapi-change-without-docs/);
  assert.deepEqual(clean, { msgid: null, context: 'patch-review', state: 'success', target_url: SITE, description: 'no findings' });
});

test('patchwork: acknowledged findings do not fail the check', async () => {
  const text = readFileSync(EXAMPLE, 'utf8').replace('Signed-off-by: Example', 'Patch-Review-Ack: vhost-access-platform-offer intended\nPatch-Review-Ack: virtio-access-platform-dma-api intended\nSigned-off-by: Example');
  const [c] = await checks(['-'], Buffer.from(text));
  assert.equal(c!.state, 'warning');
  assert.match(c!.description, /2 acknowledged/);
  assert.ok(!c!.description.includes('vhost-access-platform-offer'));
});
