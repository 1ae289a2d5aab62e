// Issue 19, items 8-10: temporary files are exclusive, never followed through a symlink,
// removed on errors and signals; --output pairs with the --format before it; a directory is
// a clear error; stdout stays empty when the input turns out bad.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, symlinkSync, readdirSync, mkdirSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, AtomicFile, pendingTempFiles } from '../../src/io/atomic-write.js';
import { runCli, EXAMPLES, ROOT } from '../helpers.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const scratch = () => mkdtempSync(join(tmpdir(), 'pr-atomic-'));

test('a symlink planted at any temporary name is never written through', () => {
  const dir = scratch();
  writeFileSync(join(dir, 'victim.txt'), 'precious');
  // The old predictable names, for this pid and its neighbours.
  for (let p = process.pid - 5; p < process.pid + 50; p++) symlinkSync('victim.txt', join(dir, `.out.json.${p}.tmp`));
  writeFileAtomic(join(dir, 'out.json'), '{"ok":1}');
  assert.equal(readFileSync(join(dir, 'victim.txt'), 'utf8'), 'precious');
  assert.equal(readFileSync(join(dir, 'out.json'), 'utf8'), '{"ok":1}');
});

test('aborted writes and a dead writer leave nothing behind', () => {
  const dir = scratch();
  const f = new AtomicFile(join(dir, 'r.sarif'));
  f.write('half');
  assert.equal(pendingTempFiles().length, 1);
  f.abort();
  // A SIGKILLed writer's leftover (a pid that cannot exist) is swept by the next write.
  writeFileSync(join(dir, '.r.sarif.4194999.k1.tmp'), 'left by kill -9');
  writeFileAtomic(join(dir, 'r.sarif'), 'whole');
  assert.deepEqual(readdirSync(dir), ['r.sarif']);
});

test('SIGTERM and SIGINT mid-write remove the temporary file', { timeout: 30_000 }, async () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    const dir = scratch();
    const mod = join(ROOT, 'dist', 'src', 'io', 'atomic-write.js');
    const child = spawn(process.execPath, ['--input-type=module', '-e', `const { AtomicFile } = await import(${JSON.stringify(mod)}); const f = new AtomicFile(${JSON.stringify(join(dir, 'k.sarif'))}); f.write('x'); console.log('ready'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((res) => child.stdout.once('data', () => res()));
    assert.equal(readdirSync(dir).length, 1);
    child.kill(sig);
    const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((res) => child.on('exit', (c, s) => res({ code: c, signal: s })));
    assert.equal(signal, sig, `exit ${code}`);
    assert.deepEqual(readdirSync(dir), [], sig);
  }
});

test('with no temporary file pending, a signal ends a busy process at once (no listener waits for the event loop)', { timeout: 90_000 }, async () => {
  const dir = scratch();
  const mod = join(ROOT, 'dist', 'src', 'io', 'atomic-write.js');
  // One atomic write committed, then a long synchronous stretch (a huge patch's analysis).
  const script = `const { writeFileAtomic } = await import(${JSON.stringify(mod)}); const fs = await import('node:fs');
    writeFileAtomic(${JSON.stringify(join(dir, 'state.json'))}, '{}'); console.log('ready');
    const end = Date.now() + 60000; while (Date.now() < end) {} fs.writeFileSync(${JSON.stringify(join(dir, 'finished'))}, 'x');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((res) => child.stdout.once('data', () => res()));
  child.kill('SIGTERM');
  const { signal } = await new Promise<{ signal: string | null }>((res) => child.on('exit', (_c, s) => res({ signal: s })));
  assert.equal(signal, 'SIGTERM');
  assert.equal(existsSync(join(dir, 'finished')), false, 'the signal waited for the busy stretch to end');
  assert.deepEqual(readdirSync(dir), ['state.json']);
});

test('a signal during a long synchronous stretch wins over the commit that follows it', { timeout: 60_000 }, async () => {
  const dir = scratch();
  const mod = join(ROOT, 'dist', 'src', 'io', 'atomic-write.js');
  // The review's end: the output's temporary file is open, the last patch is analysed, then commit.
  const script = `const { AtomicFile, settleSignals } = await import(${JSON.stringify(mod)});
    const f = new AtomicFile(${JSON.stringify(join(dir, 'r.sarif'))}); console.log('ready');
    const end = Date.now() + 3000; while (Date.now() < end) {}
    await settleSignals(); f.write('{}'); f.commit();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((res) => child.stdout.once('data', () => res()));
  child.kill('SIGTERM');
  const { signal } = await new Promise<{ signal: string | null }>((res) => child.on('exit', (_c, s) => res({ signal: s })));
  assert.equal(signal, 'SIGTERM');
  assert.deepEqual(readdirSync(dir), [], 'neither the report nor its temporary file');
});

test('--output DIR is one clear error and leaves no temporary file', async () => {
  const dir = scratch();
  mkdirSync(join(dir, 'od'));
  const r = await runCli(['--format', 'json', '--output', join(dir, 'od'), EXAMPLE]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^patch-review: .*od: is a directory: --output needs a file name\n$/);
  assert.deepEqual(readdirSync(dir), ['od']);
});

test('--output pairs with the --format before it', async () => {
  const dir = scratch();
  const r = await runCli(['--fail-on', 'never', '--format', 'text', '--format', 'sarif', '--output', join(dir, 'ci.sarif'), EXAMPLE]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(join(dir, 'ci.sarif'), 'utf8'), /^\{"\$schema"|^\{\s*"\$schema"|"version":\s*"2\.1\.0"/);
  assert.doesNotMatch(r.stdout, /"\$schema"/);
  assert.match(r.stdout, /vhost-access-platform-offer/);
  const bad = await runCli(['--output', join(dir, 'x'), '--format', 'json', EXAMPLE]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--output comes before any --format/);
});

test('an input error after many reviewed patches leaves stdout empty', { timeout: 60_000 }, async () => {
  // 3,000 copies of the example in an mbox, then a truncated gzip member: nothing on stdout.
  const { gzipSync } = await import('node:zlib');
  const mail = `From x Mon Sep 17 00:00:00 2001\n${readFileSync(EXAMPLE, 'utf8').replace(/^From [^\n]*\n/, '')}\n`;
  const gz = gzipSync(Buffer.from(mail.repeat(3000)));
  const dir = scratch();
  writeFileSync(join(dir, 'trunc.mbox.gz'), gz.subarray(0, gz.length - 2000));
  const r = await runCli(['--fail-on', 'never', join(dir, 'trunc.mbox.gz')]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /trunc\.mbox\.gz: corrupt or truncated gzip data/);
  assert.ok(!existsSync(join(dir, '.trunc')));
});
