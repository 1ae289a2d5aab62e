// Issue 19, item 13: a knowledge cache is validated on load and rebuilt on any error:
// truncated details, edited triggers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKnowledgeDir } from '../../src/knowledge/load.js';

const ENTRY = `---\nid: demo-entry\ntitle: A demo entry\narea: vhost\ncategory: uapi-abi\nseverity: warning\nsummary: A summary that is long enough to explain why.\nsymbols: [VHOST_DEMO]\ntriggers: [{symbols: [VHOST_DEMO]}]\nchecklist: ["Does the demo still work for old userspace?"]\nconsumers: [QEMU]\nreferences: [{type: commit, id: 0123456789ab}]\n---\n## Contract\n\nThe demo contract.\n`;

function setup(): { dir: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pr-kbc-'));
  const cache = mkdtempSync(join(tmpdir(), 'pr-kbc-cache-'));
  process.env['XDG_CACHE_HOME'] = cache;
  mkdirSync(join(dir, 'vhost'));
  writeFileSync(join(dir, 'vhost', 'demo-entry.md'), ENTRY);
  return { dir, cacheDir: join(cache, 'patch-review') };
}

test('a truncated details file is rebuilt, not an error on every later review', async () => {
  const { dir, cacheDir } = setup();
  await loadKnowledgeDir(dir);
  const details = join(cacheDir, readdirSync(cacheDir).find((f) => f.endsWith('.details'))!);
  writeFileSync(details, readFileSync(details).subarray(0, 50));
  const again = await loadKnowledgeDir(dir);
  assert.equal(again.entries[0]!.summary, 'A summary that is long enough to explain why.');
  const third = await loadKnowledgeDir(dir);
  assert.deepEqual(third.entries[0]!.checklist, ['Does the demo still work for old userspace?']);
});

test('an edited cache (a changed trigger) is not trusted', async () => {
  const { dir, cacheDir } = setup();
  await loadKnowledgeDir(dir);
  const snap = join(cacheDir, readdirSync(cacheDir).find((f) => f.endsWith('.json'))!);
  writeFileSync(snap, readFileSync(snap, 'utf8').replace('"symbols":["VHOST_DEMO"]}]', '"lines":["(a|a)*$"]}]'));
  const again = await loadKnowledgeDir(dir);
  assert.deepEqual(again.entries[0]!.triggers, [{ symbols: ['VHOST_DEMO'] }]);
});
