// The io modules every stage shares: the "cannot read X" error, atomic writes, running git,
// package paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cannotRead } from '../../src/io/read-error.js';
import { writeFileAtomic, writeOutputAtomic } from '../../src/io/atomic-write.js';
import { git, gitSync } from '../../src/io/git.js';
import { BUILTIN_KNOWLEDGE, PACKAGE_ROOT, toolInfo } from '../../src/io/paths.js';
import { InputError } from '../../src/model/errors.js';

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

test('cannot read X: names the input and the error code, with kinder words where given', () => {
  const missing = errorOf(() => readFileSync('/no/such/file'));
  const e = cannotRead('/no/such/file', missing);
  assert.ok(e instanceof InputError);
  assert.equal(e.message, '/no/such/file: cannot read (ENOENT)');
  assert.equal(cannotRead('x.db', missing, { what: 'the index' }).message, 'x.db: cannot read the index (ENOENT)');
  assert.equal(cannotRead('f', missing, { byCode: { ENOENT: 'no such file' } }).message, 'f: no such file');
  assert.equal(cannotRead('f', errorOf(() => readFileSync(tmpdir())), { byCode: { ENOENT: 'no such file' }, hint: ': try again' }).message, 'f: cannot read (EISDIR): try again');
});

test('atomic writes replace a file whole and leave no temporary file behind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pr-atomic-'));
  const path = join(dir, 'state.json');
  writeFileSync(path, 'old');
  writeFileAtomic(path, 'new');
  assert.equal(readFileSync(path, 'utf8'), 'new');
  assert.deepEqual(readdirSync(dir), ['state.json']);
  assert.throws(() => writeFileAtomic(join(dir, 'missing', 'x'), 'y'), { code: 'ENOENT' });
  assert.deepEqual(readdirSync(dir), ['state.json']);
  assert.throws(() => writeOutputAtomic(join(dir, 'missing', 'x'), 'y'), /missing\/x: cannot write: its directory does not exist/);
});

test('git runs without a shell, asynchronously or not', async () => {
  const r = await git(['--version'], tmpdir());
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^git version/);
  const bad = await git(['rev-parse', '--git-dir'], mkdtempSync(join(tmpdir(), 'pr-nogit-')));
  assert.notEqual(bad.code, 0);
  assert.match(gitSync(['--version'], tmpdir()).stdout, /^git version/);
});

test('package paths point into this package', () => {
  assert.ok(existsSync(join(PACKAGE_ROOT, 'package.json')));
  assert.ok(existsSync(BUILTIN_KNOWLEDGE));
  assert.equal(toolInfo().name, 'patch-review');
  assert.match(toolInfo().version, /^\d+\.\d+\.\d+/);
});
