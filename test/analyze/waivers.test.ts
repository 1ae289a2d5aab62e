// Local waivers (issue 16): .patch-review.yml entries by rule and path or symbol, optionally by
// patch-id; git notes under refs/notes/patch-review; a waiver that waives nothing is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, runCli } from '../helpers.js';
import { parseNoteWaivers, waiverSet } from '../../src/analyze/waivers.js';
import { noteOn, notesInRange, commitOfFormatPatch } from '../../src/ingest/git-notes.js';
import { compileGlob } from '../../src/config/project-config.js';

const EXAMPLE = join(EXAMPLES, '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const ERRORS = ['vhost-access-platform-offer', 'virtio-access-platform-dma-api'];

function dirWithConfig(yml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pr-waive-'));
  execFileSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(join(dir, '.patch-review.yml'), yml);
  return dir;
}

async function findings(dir: string, extra: string[] = []) {
  const r = await runCli(['--format', 'json', ...extra, EXAMPLE], { cwd: dir });
  return { ...r, findings: JSON.parse(r.stdout).patches[0].findings as { ruleId: string; acknowledged?: { reason: string } }[] };
}

test('.patch-review.yml waivers by rule and path or symbol acknowledge findings, and stop the failure', async () => {
  const dir = dirWithConfig(
    [
      'waivers:',
      '  - rule: vhost-access-platform-offer',
      '    paths: ["drivers/vhost/*.c"]',
      '    reason: crosvm masks the bit',
      '  - rule: virtio-access-platform-dma-api',
      '    symbols: [VIRTIO_F_ACCESS_PLATFORM]',
      '    reason: same change',
      '',
    ].join('\n'),
  );
  const r = await findings(dir);
  assert.equal(r.code, 0, 'no unacknowledged error left');
  for (const rule of ERRORS) assert.match(r.findings.find((f) => f.ruleId === rule)!.acknowledged!.reason, /\(.*\.patch-review\.yml\)$/);
  assert.equal(r.stderr, '');
});

test('a waiver keyed by a patch-id holds for that change only; one that waives nothing is reported', async () => {
  const diff = readFileSync(EXAMPLE, 'utf8').slice(readFileSync(EXAMPLE, 'utf8').indexOf('diff --git'));
  const id = execFileSync('git', ['patch-id', '--stable'], { input: diff }).toString().split(' ')[0]!;
  const yml = (patchId: string) => `waivers:\n  - rule: vhost-access-platform-offer\n    paths: ["drivers/**"]\n    patch-id: "${patchId}"\n    reason: reviewed\n`;
  const right = await findings(dirWithConfig(yml(id)));
  assert.ok(right.findings.find((f) => f.ruleId === 'vhost-access-platform-offer')!.acknowledged);
  const wrong = await findings(dirWithConfig(yml('0'.repeat(40))));
  assert.ok(!wrong.findings.find((f) => f.ruleId === 'vhost-access-platform-offer')!.acknowledged);
  assert.match(wrong.stderr, /warning: .*\.patch-review\.yml: the waiver for vhost-access-platform-offer \(paths drivers\/\*\*; patch-id 0{40}\) waived nothing in this run/);
});

test('a waiver without paths or symbols is a one-line configuration error', async () => {
  const r = await runCli([EXAMPLE], { cwd: dirWithConfig('waivers:\n  - rule: vhost-access-platform-offer\n    reason: x\n') });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^patch-review: .*\.patch-review\.yml: waivers\.0: a waiver needs paths or symbols beside its rule\n$/);
});

test('git notes --ref=patch-review: read per commit and per range, one waiver a line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pr-notes-'));
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.org' } }).toString();
  git('init', '-q');
  writeFileSync(join(dir, 'a.c'), 'int a;\n');
  git('add', 'a.c');
  git('commit', '-qm', 'first');
  writeFileSync(join(dir, 'a.c'), 'int a, b;\n');
  git('commit', '-qam', 'vhost: second');
  const head = git('rev-parse', 'HEAD').trim();
  git('notes', '--ref=patch-review', 'add', '-m', 'Patch-Review-Ack: vhost-access-platform-offer intended\n# a comment\nvirtio-access-platform-dma-api same', head);
  assert.match(noteOn(head, dir)!, /intended/);
  assert.equal(noteOn(git('rev-parse', 'HEAD~1').trim(), dir), null);
  const inRange = notesInRange('HEAD~1..HEAD', dir);
  assert.deepEqual([...inRange.keys()], ['vhost: second']);
  const waivers = parseNoteWaivers(inRange.get('vhost: second')!.note, 'note');
  assert.deepEqual(waivers.map((w) => [w.rule, w.reason]), [['vhost-access-platform-offer', 'intended'], ['virtio-access-platform-dma-api', 'same']]);
  const set = waiverSet(waivers, compileGlob, () => null);
  const f = { ruleId: 'vhost-access-platform-offer', symbols: [], file: 'x.c', line: 1 } as never;
  assert.match(set.apply([f], {} as never)[0]!.acknowledged!.reason, /^intended \(note\)$/);
  assert.deepEqual(set.unused().map((w) => w.rule), ['virtio-access-platform-dma-api']);
  assert.equal(commitOfFormatPatch(`From ${head} Mon Sep 17 00:00:00 2001`), head);
});
