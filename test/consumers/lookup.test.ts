// The lookup file beside the consumers index: written by `consumers index`, read without SQLite,
// the same answers as the database; a stale or damaged one is detected (fallback or one clear line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers.js';
import { openConsumers } from '../../src/consumers/store.js';
import { usesBySymbol, usesOf } from '../../src/consumers/query.js';
import { ConsumersLookup, lookupPathOf } from '../../src/consumers/lookup.js';
import { openConsumersReader } from '../../src/consumers/reader.js';
import { toyCheckout } from './toyvmm.js';

const QUERIES = ['VHOST_SET_FEATURES', 'VIRTIO_F_ACCESS_PLATFORM', 'struct vhost_vring_state', 'vhost_vring_addr', '@features:*', 'vhost_user_*', 'FrontendReq::SET_VRING_NUM', 'NO_SUCH_SYMBOL'];

async function indexed(): Promise<{ db: string; cleanup: () => void; dir: string }> {
  const t = toyCheckout('toyvmm');
  const db = join(t.root, 'c.db');
  const r = await runCli(['consumers', 'index', '--db', db, t.dir]);
  assert.equal(r.code, 0, r.stderr);
  return { db, cleanup: t.cleanup, dir: t.dir };
}

test('the lookup file gives the database\'s answers, definitions and prefixes included', async () => {
  const t = await indexed();
  try {
    assert.ok(existsSync(lookupPathOf(t.db)), 'written beside the index');
    const lookup = ConsumersLookup.open(t.db);
    assert.ok(lookup instanceof ConsumersLookup, JSON.stringify(lookup));
    const db = await openConsumers(t.db);
    try {
      for (const q of QUERIES)
        for (const all of [false, true]) assert.deepEqual(lookup.usesOf(q, { all }), usesOf(db, q, { all }), `${q}${all ? ' --all' : ''}`);
      const bySymbol = lookup.usesBySymbol();
      assert.ok(bySymbol.size > 0);
      assert.deepEqual(bySymbol, usesBySymbol(db), 'the site\'s grouping');
      assert.ok(lookup.usesOf('VHOST_SET_FEATURES').length > 0);
      assert.ok(lookup.usesOf('VIRTIO_F_ACCESS_PLATFORM', { all: true }).some((u) => u.kind === 'feature-mask'));
    } finally {
      db.close();
      lookup.close();
    }
  } finally {
    t.cleanup();
  }
});

test('a stale lookup (the database written after it) is not used: the database is read, and the query says so', async () => {
  const t = await indexed();
  try {
    const later = new Date(Date.now() + 5000);
    utimesSync(t.db, later, later);
    const stale = ConsumersLookup.open(t.db);
    assert.ok(!(stale instanceof ConsumersLookup));
    assert.match(stale.problem, /^stale/);
    const reader = await openConsumersReader(t.db);
    try {
      assert.match(reader.fallback ?? '', /^stale/);
      assert.equal(reader.usesOf('VHOST_SET_FEATURES').length, 3);
    } finally {
      reader.close();
    }
    const q = await runCli(['consumers', '--db', t.db, 'VHOST_SET_FEATURES']);
    assert.equal(q.code, 0, q.stderr);
    assert.match(q.stdout, /^VHOST_SET_FEATURES: 3 uses/);
    assert.match(q.stderr, /c\.db\.lookup: not used \(stale/);
    // Indexing again, with nothing to index, writes it afresh.
    const again = await runCli(['consumers', 'index', '--db', t.db, t.dir]);
    assert.match(again.stdout, /already indexed/);
    assert.ok(ConsumersLookup.open(t.db) instanceof ConsumersLookup);
    // A missing one likewise.
    rmSync(lookupPathOf(t.db));
    assert.deepEqual(ConsumersLookup.open(t.db), { problem: 'missing' });
    await runCli(['consumers', 'index', '--db', t.db, t.dir]);
    assert.ok(existsSync(lookupPathOf(t.db)));
  } finally {
    t.cleanup();
  }
});

test('a damaged lookup: a truncated or foreign file falls back; a damaged record is one line naming the file, exit 2', async () => {
  const t = await indexed();
  const path = lookupPathOf(t.db);
  try {
    const whole = readFileSync(path);
    truncateSync(path, whole.length - 10);
    assert.deepEqual(ConsumersLookup.open(t.db), { problem: 'truncated or padded' });
    writeFileSync(path, 'hello\n');
    assert.deepEqual(ConsumersLookup.open(t.db), { problem: 'not a consumers lookup file' });
    // One changed byte inside the last record (the length and stamp still agree).
    const bad = Buffer.from(whole);
    const at = bad.lastIndexOf('[');
    bad[at + 1] = bad[at + 1] === 0x31 ? 0x32 : 0x31;
    writeFileSync(path, bad);
    const last = ConsumersLookup.open(t.db);
    assert.ok(last instanceof ConsumersLookup);
    last.close();
    // The database was not rewritten, so the stamp still matches: reading every record finds the damaged one.
    const q = await runCli(['consumers', '--db', t.db, '*']);
    assert.equal(q.code, 2);
    assert.match(q.stderr, /c\.db\.lookup: damaged record for .+?: run "patch-review consumers index/);
    assert.equal(q.stderr.trim().split('\n').length, 1);
  } finally {
    t.cleanup();
  }
});
