// `consumers index` (incremental by commit, project and version from git) and the queries and
// reviews that read the index, on a temporary git checkout of the toy VMM fixture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, EXAMPLES } from '../helpers.js';
import { openConsumers } from '../../src/consumers/store.js';
import { usesOf, normalizeSymbol } from '../../src/consumers/query.js';
import { toyCheckout, commitFile, git } from './toyvmm.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');

test('consumers index: project and version from git, skipped when HEAD is indexed, redone when it moves', async () => {
  const t = toyCheckout('toyvmm');
  try {
    const db = join(t.root, 'c.db');
    const first = await runCli(['consumers', 'index', '--db', db, t.dir]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^toyvmm v1\.2\.0 \(.*toyvmm\): 5 of 5 files parsed, \d+ uses/);
    const again = await runCli(['consumers', 'index', '--db', db, t.dir]);
    assert.match(again.stdout, /already indexed at this commit/);
    commitFile(t.dir, 'src/extra.c', 'int toy_extra(int fd) { return ioctl(fd, VHOST_RESET_OWNER); }\n');
    const moved = await runCli(['consumers', 'index', '--db', db, '--format', 'json', t.dir]);
    const [r] = JSON.parse(moved.stdout) as { status: string; version: string; head: string; parsed: number }[];
    assert.equal(r!.status, 'indexed');
    assert.equal(r!.version, 'v1.2.0-1-g' + git(t.dir, 'rev-parse', '--short=7', 'HEAD'));
    assert.equal(r!.parsed, 6);
    const index = await openConsumers(db);
    try {
      // Replaced, not added to: one row per site after two indexing runs.
      assert.equal(usesOf(index, 'VHOST_SET_VRING_ADDR').length, 1);
      assert.equal(usesOf(index, 'VHOST_RESET_OWNER')[0]!.file, 'src/extra.c');
    } finally {
      index.close();
    }
  } finally {
    t.cleanup();
  }
});

test('consumers SYMBOL: who uses it, with kind and pattern; Rust and struct spellings; --db from .patch-review.yml', async () => {
  const t = toyCheckout('toyvmm');
  try {
    const db = join(t.root, 'c.db');
    await runCli(['consumers', 'index', '--db', db, t.dir]);
    const q = await runCli(['consumers', '--db', db, 'VHOST_SET_FEATURES']);
    assert.equal(q.code, 0, q.stderr);
    assert.equal(
      q.stdout,
      [
        'VHOST_SET_FEATURES: 3 uses',
        '  toyvmm rs/vhost/worker.rs:17 set_features: ioctl (errno-fatal)',
        '  toyvmm src/vhost_backend.c:27 toy_negotiate: ioctl (errno-fatal)',
        '  toyvmm src/vhost_backend.c:33 toy_filtered: ioctl (errno-fatal)',
        '',
      ].join('\n'),
    );
    assert.equal(normalizeSymbol('FrontendReq::SET_VRING_NUM'), 'VHOST_USER_SET_VRING_NUM');
    const rust = await runCli(['consumers', '--db', db, '--format', 'json', 'FrontendReq::SET_VRING_NUM']);
    const parsed = JSON.parse(rust.stdout) as { symbol: string; uses: { function: string; pattern: string }[] };
    assert.equal(parsed.symbol, 'VHOST_USER_SET_VRING_NUM');
    assert.deepEqual(parsed.uses.map((u) => [u.function, u.pattern]), [['Frontend::set_vring_num', 'reply-awaited']]);
    const struct = await runCli(['consumers', '--db', db, 'vhost_vring_state']);
    assert.match(struct.stdout, /^struct vhost_vring_state: 5 uses/);
    const prefix = await runCli(['consumers', '--db', db, '@features:*']);
    assert.match(prefix.stdout, /@features:\*: 4 uses/);
    // The index named in the configuration.
    writeFileSync(join(t.root, '.patch-review.yml'), 'consumers: c.db\n');
    mkdirSync(join(t.root, '.git'));
    const fromConfig = await runCli(['consumers', 'VHOST_SET_BACKEND_FEATURES'], { cwd: t.root });
    assert.match(fromConfig.stdout, /toy_set_backend: ioctl \(errno-handled: ENOTTY,EOPNOTSUPP\)/);
  } finally {
    t.cleanup();
  }
});

test('consumers: bad input is one line naming it, exit 2', async () => {
  const t = toyCheckout('toyvmm');
  try {
    const notIndex = join(t.dir, 'src', 'vhost_user.c');
    const r1 = await runCli(['consumers', '--db', notIndex, 'VHOST_SET_FEATURES']);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /vhost_user\.c: not an SQLite database/);
    assert.equal(r1.stderr.trim().split('\n').length, 1);
    const r2 = await runCli(['consumers', 'index', '--db', join(t.root, 'x.db'), join(t.root, 'nowhere')]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /nowhere: no such checkout directory/);
    const r3 = await runCli(['consumers', 'index', '--db', join(t.root, 'x.db'), t.root]);
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /not a git checkout/);
    assert.equal(existsSync(join(t.root, 'x.db')), false);
    const r4 = await runCli(['consumers', '--db', join(t.root, 'missing.db'), 'X']);
    assert.match(r4.stderr, /missing\.db: no such consumers index/);
  } finally {
    t.cleanup();
  }
});

test('review --consumers: the finding lists the real use sites with the pattern and why', async () => {
  const t = toyCheckout('toyvmm');
  try {
    const db = join(t.root, 'c.db');
    await runCli(['consumers', 'index', '--db', db, t.dir]);
    const plain = await runCli(['--format', 'json', '--fail-on', 'never', EXAMPLE]);
    const withUses = await runCli(['--format', 'json', '--fail-on', 'never', '--consumers', db, EXAMPLE]);
    assert.equal(withUses.code, 0, withUses.stderr);
    type F = { ruleId: string; consumers?: string[]; consumerUses?: { file: string; line: number; verdict: string; pattern: string }[] };
    const findingsOf = (out: string) => (JSON.parse(out) as { patches: { findings: F[] }[] }).patches[0]!.findings;
    const before = findingsOf(plain.stdout).find((f) => f.ruleId === 'backend-offered-feature-added')!;
    const after = findingsOf(withUses.stdout).find((f) => f.ruleId === 'backend-offered-feature-added')!;
    assert.ok(!before.consumerUses);
    // Without use sites the finding carries none; the rule's consumers are in the rules map.
    assert.ok(!before.consumers && JSON.parse(plain.stdout).rules['backend-offered-feature-added'].consumers.includes('crosvm'));
    // The toy VMM computes acked & available in Worker::start (Rust) and masks nothing there;
    // the C side masks ACCESS_PLATFORM; the allow-list leaves the new bit off.
    assert.ok(after.consumers!.includes('toyvmm rs/vhost/worker.rs:11 Worker::start: features = self.acked_features & avail_features, masks nothing → a newly offered bit is enabled when the guest acks it'), after.consumers!.join('\n'));
    assert.ok(after.consumers!.includes('toyvmm src/vhost_backend.c:25 toy_negotiate: features = d->acked_features & avail_features, masks ACCESS_PLATFORM → the new bit is never enabled'));
    assert.ok(after.consumers!.some((c) => /toy_filtered: explicit allow-list \(3 bits\) without ACCESS_PLATFORM → the new bit stays off/.test(c)));
    assert.equal(after.consumerUses![0]!.verdict, 'breaks');
    // The errno finding points at the one caller of VHOST_SET_BACKEND_FEATURES, which handles EOPNOTSUPP.
    const errno = findingsOf(withUses.stdout).find((f) => f.consumerUses?.some((u) => u.pattern === 'errno-handled'));
    assert.ok(errno, 'a finding with the errno-handling site');
    assert.match(errno.consumers!.join('\n'), /toy_set_backend: handles EOPNOTSUPP → falls back/);
  } finally {
    t.cleanup();
  }
});

test('review --consumers, text: one "affects:" line per use site', async () => {
  const t = toyCheckout('toyvmm');
  try {
    const db = join(t.root, 'c.db');
    await runCli(['consumers', 'index', '--db', db, t.dir]);
    const r = await runCli(['--fail-on', 'never', '--consumers', db, EXAMPLE]);
    // The short report (issue 16) shows a rule's first use sites, one an "affects:" line, wrapped to 100 columns.
    const joined = r.stdout.replace(/\n {6,}/g, ' ');
    assert.match(joined, /\n {4}affects: toyvmm rs\/vhost\/worker\.rs:11 Worker::start: features = self\.acked_features & avail_features, masks nothing → a newly offered bit is enabled when the guest acks it\n {4}affects: toyvmm /);
    assert.ok(r.stdout.split('\n').every((l) => [...l].length <= 100));
    const verbose = await runCli(['--fail-on', 'never', '--verbose', '--consumers', db, EXAMPLE]);
    assert.ok(verbose.stdout.split('\n').filter((l) => l.startsWith('    affects: toyvmm ')).length >= r.stdout.split('\n').filter((l) => l.startsWith('    affects: toyvmm ')).length);
  } finally {
    t.cleanup();
  }
});
