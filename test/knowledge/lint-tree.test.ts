// kb lint --tree: cited commits against kernel and QEMU git trees built by the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintKnowledge } from '../../src/knowledge/lint.js';
import { joinSubjectLines, releaseOfTag, parseHistoryVersion } from '../../src/knowledge/git-tree-check.js';
import { runCli } from '../helpers.js';
import { makeTree, tempDir, writeEntry } from './lint-fixtures.js';

const linux = makeTree('linux', [
  { subject: 'vhost: add the demo ioctl', tag: 'v5.7' },
  { subject: 'vhost: make the demo ioctl faster' },
  { subject: 'vhost: fix the demo ioctl', tag: 'v5.8-rc1' },
  { subject: 'vhost: late fix for the demo', tag: 'v5.8' },
  { subject: 'vhost: unreleased work' },
]);
const qemu = makeTree('qemu', [
  { subject: 'vhost-user: add the demo message', tag: 'v8.1.0' },
  { subject: 'vhost-user: document the demo message', tag: 'v8.2.0-rc0' },
]);
const short = (sha: string) => sha.slice(0, 12);
const [add, faster, fix, , unreleased] = linux.shas.map(short) as [string, string, string, string, string];
const [qemuAdd, qemuDoc] = qemu.shas.map(short) as [string, string];

function knowledge(): string {
  const dir = tempDir('pr-kb-tree-');
  writeEntry(dir, {
    id: 'right-entry',
    yaml: [
      'history:',
      `  - {version: Linux 5.7, change: added, commit: "${add}"}`,
      `  - {version: Linux 5.8, change: fixed in an rc, commit: "${fix}"}`,
      'references:',
      `  - {type: commit, id: "${add}", title: "vhost: add the demo ioctl"}`,
      `  - {type: commit, id: "${qemuAdd}", url: "https://gitlab.com/qemu-project/qemu/-/commit/${qemu.shas[0]}", title: "vhost-user: add the demo message"}`,
    ].join('\n'),
  });
  writeEntry(dir, {
    id: 'wrong-entry',
    yaml: [
      'history:',
      `  - {version: Linux 5.7, change: said to be in 5.7, commit: "${faster}"}`,
      `  - {version: Linux 5.9, change: never released, commit: "${unreleased}"}`,
      `  - {version: QEMU 8.1, change: docs, commit: "${qemuDoc}"}`,
      'references:',
      `  - {type: commit, id: "${fix}", title: "vhost: fix something else"}`,
      '  - {type: commit, id: "0123456789abcdef", title: "a commit that does not exist"}',
      `  - {type: commit, id: "${qemuDoc}", url: "https://gitlab.com/qemu-project/qemu/-/commit/${qemu.shas[1]}", title: "vhost-user: document the demo message"}`,
    ].join('\n'),
  });
  return dir;
}

test('a commit subject wrapped over lines becomes one line, blanks around the breaks dropped', () => {
  assert.equal(joinSubjectLines('vhost: fix the\n   ring setup  \n\tpath'), 'vhost: fix the ring setup path');
  const blanks = ' '.repeat(100_000);
  assert.equal(joinSubjectLines(`a${blanks}b`), `a${blanks}b`);
});

test('release tags and history versions are read as major.minor', () => {
  assert.equal(releaseOfTag('v5.8-rc1'), '5.8');
  assert.equal(releaseOfTag('v8.2.0-rc0'), '8.2');
  assert.equal(releaseOfTag('next-20240101'), null);
  assert.deepEqual(parseHistoryVersion('Linux 6.5'), { project: 'Linux', release: '6.5' });
  assert.deepEqual(parseHistoryVersion('QEMU 8.2.0'), { project: 'QEMU', release: '8.2' });
  assert.equal(parseHistoryVersion('late 2019'), null);
});

test('kb lint --tree on a kernel tree: missing commits, wrong titles and versions that are not the first tag', async () => {
  const dir = knowledge();
  const r = await lintKnowledge(dir, { trees: [linux.dir] });
  const got = r.problems.map((p) => `${p.file} ${p.field} ${p.check}: ${p.message}`);
  assert.equal(got.filter((l) => l.startsWith('vhost/right-entry')).length, 0, got.join('\n'));
  const wrong = got.filter((l) => l.startsWith('vhost/wrong-entry'));
  assert.equal(wrong.length, 4, wrong.join('\n'));
  assert.match(wrong.join('\n'), new RegExp(`history.0 history-version: commit ${faster} first appears in v5.8-rc1 \\(Linux 5.8\\), not Linux 5.7`));
  assert.match(wrong.join('\n'), new RegExp(`history.1 history-version: commit ${unreleased} is in no release tag`));
  assert.match(wrong.join('\n'), new RegExp(`references.0 commit-title: commit ${fix} is titled "vhost: fix the demo ioctl", not "vhost: fix something else"`));
  assert.match(wrong.join('\n'), /references.1 commit-missing: commit 0123456789abcdef is not in the Linux tree/);
});

test('kb lint --tree on a QEMU tree checks only QEMU commits', async () => {
  const r = await lintKnowledge(knowledge(), { trees: [qemu.dir] });
  const got = r.problems.map((p) => `${p.file} ${p.field}: ${p.message}`);
  assert.deepEqual(got, [`vhost/wrong-entry.md history.2: commit ${qemuDoc} first appears in v8.2.0-rc0 (QEMU 8.2), not QEMU 8.1`]);
});

test('kb lint --tree: a folder that is not a kernel or QEMU tree is one line of error, exit 2', async () => {
  const r = await runCli(['kb', 'lint', '--dir', knowledge(), '--tree', tempDir('pr-not-a-tree-')]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^patch-review: .*pr-not-a-tree-.*: not a git tree with a HEAD commit\n$/);
});

test('kb lint --tree prints the problems with their counts per kind', async () => {
  const r = await runCli(['kb', 'lint', '--dir', knowledge(), '--tree', linux.dir, '--tree', qemu.dir]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /2 entries, 5 problems \(1 commit-title, 1 commit-missing, 3 history-version\)\n$/);
});
