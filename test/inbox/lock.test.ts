// Issue 19, item 11: the index lock records its PID and a dead owner's lock is taken over; a
// symlinked --db path is resolved before locking, so both names share one lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, symlinkSync, existsSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockIndex, resolveIndexPath } from '../../src/inbox/store.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'pr-lock-'));

test('a lock left by a killed run is taken over; a live one is refused naming its pid', () => {
  const dir = scratch();
  const db = join(dir, 's.db');
  writeFileSync(`${db}.lock`, '4194999'); // no such process
  const unlock = lockIndex(db);
  assert.equal(readFileSync(`${db}.lock`, 'utf8'), String(process.pid));
  assert.throws(() => lockIndex(db), (e: Error) => e.name === 'InputError' && e.message.includes(`pid ${process.pid}`));
  unlock();
  assert.ok(!existsSync(`${db}.lock`));
});

test('a symlinked db path locks the real file', () => {
  const dir = scratch();
  writeFileSync(join(dir, 'real.db'), '');
  symlinkSync('real.db', join(dir, 'link.db'));
  assert.equal(resolveIndexPath(join(dir, 'link.db')), resolveIndexPath(join(dir, 'real.db')));
  const unlock = lockIndex(resolveIndexPath(join(dir, 'link.db')));
  assert.throws(() => lockIndex(resolveIndexPath(join(dir, 'real.db'))), /another "inbox index" is running/);
  unlock();
  assert.equal(resolveIndexPath(join(dir, 'new.db')), join(resolveIndexPath(dir), 'new.db'));
});

test('a symlink to a db not made yet names the file it points at, so the link is never replaced', () => {
  const dir = scratch();
  symlinkSync('sub/later.db', join(dir, 'dangling.db'));
  mkdirSync(join(dir, 'sub'));
  assert.equal(resolveIndexPath(join(dir, 'dangling.db')), join(resolveIndexPath(dir), 'sub', 'later.db'));
  const unlock = lockIndex(resolveIndexPath(join(dir, 'dangling.db')));
  assert.throws(() => lockIndex(resolveIndexPath(join(dir, 'sub', 'later.db'))), /another "inbox index" is running/);
  unlock();
});
