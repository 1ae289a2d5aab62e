// `patch-review spec index|show` through the command module with a fake CliIO.

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runCommand } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { InputError, UsageError } from '../../src/model/errors.js';
import { bufferChunks } from '../../src/ingest/read-input.js';
import { realVhostUser, realVirtioDir, skipWithoutShared, vhostUserFixture, virtioFixture } from './helpers.js';

function fakeIO(cwd: string): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    readStdin: () => bufferChunks(Buffer.alloc(0)),
    isTTY: false,
    cwd,
    env: {},
  };
}

/** `patch-review spec ARGS…`, parsed as the command line parses it. */
const run = (args: string[], io: CliIO) => runCommand('spec', args, io);

const work = mkdtempSync(path.join(tmpdir(), 'spec-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('spec index', () => {
  it('prints the counts as JSON', async () => {
    const io = fakeIO(work);
    const code = await run(['index', '--virtio', virtioFixture, '--vhost-user', vhostUserFixture, '--format', 'json'], io);
    assert.equal(code, 0);
    const counts = JSON.parse(io.out.join('')) as Record<string, number>;
    assert.equal(counts.normativeSections, 3);
    assert.equal(counts.mustStatements, 3);
    assert.equal(counts.featureBits, 9);
    assert.equal(counts.vhostUserMessages, 7);
    assert.equal(counts.vhostUserProtocolFeatures, 2);
    assert.deepEqual(io.err, []);
  });

  it('writes the whole index with --out, relative to the working directory, leaving no temporary file', async () => {
    const io = fakeIO(work);
    assert.equal(await run(['index', '--virtio', virtioFixture, '--vhost-user', vhostUserFixture, '--out', 'idx.json'], io), 0);
    const saved = JSON.parse(readFileSync(path.join(work, 'idx.json'), 'utf8'));
    assert.equal(saved.format, 'patch-review-spec-index');
    assert.equal(saved.virtio.sections.length, 17);
    assert.equal(saved.vhostUser.messages.length, 7);
    assert.deepEqual(
      readdirSync(work).filter((f) => f.endsWith('.tmp')),
      [],
    );
    const text = io.out.join('');
    assert.match(text, /normative sections: 3 \(1 device, 2 driver\)/);
    assert.match(text, /wrote idx\.json/);
  });

  it('rejects bad usage and bad input with the tool errors', async () => {
    const io = fakeIO(work);
    await assert.rejects(run([], io), UsageError);
    await assert.rejects(run(['frobnicate'], io), UsageError);
    await assert.rejects(run(['index'], io), UsageError);
    await assert.rejects(run(['index', '--virtio', virtioFixture, '--format', 'xml'], io), UsageError);
    await assert.rejects(run(['index', '--bogus'], io), UsageError);
    await assert.rejects(run(['index', '--virtio', path.join(work, 'nowhere')], io), (e: unknown) => e instanceof InputError && /nowhere: no such directory/.test(e.message));
    await assert.rejects(run(['index', '--vhost-user', path.join(work, 'none.rst')], io), InputError);
  });

  it('never leaves a half-written --out file', async () => {
    const io = fakeIO(work);
    const target = path.join(work, 'no-such-dir', 'idx.json');
    await assert.rejects(run(['index', '--virtio', virtioFixture, '--out', target], io), (e: unknown) => e instanceof InputError && /directory does not exist/.test(e.message));
    // Failing input leaves an earlier index untouched.
    const keep = path.join(work, 'keep.json');
    writeFileSync(keep, 'old');
    await assert.rejects(run(['index', '--virtio', path.join(work, 'nowhere'), '--out', keep], io), InputError);
    assert.equal(readFileSync(keep, 'utf8'), 'old');
  });

  it('prints usage on --help', async () => {
    const io = fakeIO(work);
    assert.equal(await run(['--help'], io), 0);
    assert.match(io.out.join(''), /^Usage: patch-review spec index\|show/m);
    assert.match(io.out.join(''), /^examples:\n {2}patch-review spec index /m);
  });
});

describe('spec show', () => {
  const indexFile = path.join(work, 'show-idx.json');

  it('shows a section and the normative statements under it, from a saved index', async () => {
    await run(['index', '--virtio', virtioFixture, '--out', indexFile], fakeIO(work));
    const io = fakeIO(work);
    assert.equal(await run(['show', 'Widgets / Device Status Field', '--index', indexFile], io), 0);
    const text = io.out.join('');
    assert.match(text, /^1\.1 Device Status Field\n/);
    assert.match(text, /label: sec:Widgets \/ Device Status Field/);
    assert.match(text, /link: https:\/\/docs\.oasis-open\.org\/virtio\/virtio\/v1\.4\/virtio-v1\.4\.html#:~:text=1\.1-,Device/);
    assert.match(text, /1\.1\.1 Driver Requirements: Device Status Field/);
    assert.match(text, /\n {2}MUST NOT {3}.*MUST NOT.*\(body\.tex:14\)/);
  });

  it('shows by number, indexing on the fly, as JSON', async () => {
    const io = fakeIO(work);
    assert.equal(await run(['show', '2.1.2.1.1', '--virtio', virtioFixture, '--format', 'json'], io), 0);
    const out = JSON.parse(io.out.join(''));
    assert.equal(out.section.label, 'drivernormative:Device Types / Widget Device / Feature bits');
    assert.equal(out.normativeBlocks.length, 1);
    assert.equal(out.normativeBlocks[0].statements[0].keyword, 'SHOULD NOT');
  });

  it('reports unknown sections, bad index files and missing options', async () => {
    const io = fakeIO(work);
    await assert.rejects(run(['show', 'sec:Nope', '--index', indexFile], io), (e: unknown) => e instanceof InputError && /sec:Nope: no such section/.test(e.message));
    await assert.rejects(run(['show', '1.1'], io), UsageError);
    await assert.rejects(run(['show', '--index', indexFile], io), UsageError);
    await assert.rejects(run(['show', '1.1', '--index', indexFile, '--virtio', virtioFixture], io), UsageError);
    const junk = path.join(work, 'junk.json');
    writeFileSync(junk, '{"format":"something-else"}');
    await assert.rejects(run(['show', '1.1', '--index', junk], io), (e: unknown) => e instanceof InputError && /not a spec index/.test(e.message));
    writeFileSync(junk, 'not json');
    await assert.rejects(run(['show', '1.1', '--index', junk], io), InputError);
    const vhostOnly = path.join(work, 'vu.json');
    await run(['index', '--vhost-user', vhostUserFixture, '--out', vhostOnly], fakeIO(work));
    await assert.rejects(run(['show', '1.1', '--index', vhostOnly], io), (e: unknown) => e instanceof InputError && /no virtio spec index/.test(e.message));
  });
});

describe('spec index on the real documents', { skip: skipWithoutShared }, () => {
  it('prints the counts the lead checks against', async () => {
    const io = fakeIO(work);
    assert.equal(await run(['index', '--virtio', realVirtioDir, '--vhost-user', realVhostUser, '--format', 'json'], io), 0);
    const counts = JSON.parse(io.out.join('')) as Record<string, number>;
    assert.equal(counts.normativeSections, 308);
    assert.ok(counts.mustStatements! > 1100);
    assert.equal(counts.vhostUserMessages, 51);
    assert.equal(counts.vhostUserProtocolFeatures, 20);
  });
});
