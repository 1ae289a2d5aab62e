import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { parseUnifiedDiff } from '../../src/diff/parse.js';
import { fileRole } from '../../src/diff/file-role.js';
import { fixture } from '../helpers.js';

test('renames, mode changes, binary files, deletions and "\\ No newline" are modelled', () => {
  const files = parseUnifiedDiff(readFileSync(fixture('rename-mode-binary.diff'), 'utf8'));
  assert.deepEqual(
    files.map((f) => [f.path, f.status, f.binary, f.additions, f.deletions]),
    [
      ['drivers/vhost/new_name.c', 'renamed', false, 1, 1],
      ['tools/run.sh', 'modified', false, 0, 0],
      ['docs/logo.png', 'added', true, 0, 0],
      ['include/uapi/linux/demo.h', 'deleted', false, 0, 3],
      ['drivers/vhost/tail.c', 'modified', false, 1, 1],
    ],
  );
  assert.equal(files[0]!.oldPath, 'drivers/vhost/old_name.c');
  assert.equal(files[1]!.newMode, '100755');
  assert.equal(files[3]!.newPath, null);
  // No "\ No newline" pseudo-line survives.
  assert.ok(files[4]!.hunks[0]!.lines.every((l) => !l.text.startsWith(' No newline')));
});

test('every changed line keeps its old and new line numbers', () => {
  const files = parseUnifiedDiff(readFileSync(fixture('uapi-vdpa.patch'), 'utf8').split('\n---\n')[1]!.replace(/^[^]*?(?=diff --git)/, ''));
  const vdpa = files[0]!;
  const added = vdpa.hunks[0]!.lines.filter((l) => l.kind === '+');
  assert.deepEqual(added.map((l) => l.newLine), [202, 205, 206, 207, 208, 209, 210]);
  const removed = vdpa.hunks[0]!.lines.filter((l) => l.kind === '-');
  assert.deepEqual(removed.map((l) => l.oldLine), [204]);
  assert.equal(vdpa.hunks[0]!.section, 'static int vhost_vdpa_reset(struct vhost_vdpa *v)');
});

test('a diff without "diff --git" headers, with timestamps', () => {
  const files = parseUnifiedDiff(readFileSync(fixture('plain-no-git-header.diff'), 'utf8'));
  assert.equal(files.length, 1);
  assert.equal(files[0]!.path, 'drivers/vhost/net.c');
  assert.equal(files[0]!.additions, 1);
});

test('the signature and trailing prose after the last hunk never become hunk lines', () => {
  const text = 'diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n-- \n2.43.0\n\n-- not a removal\n';
  const files = parseUnifiedDiff(text);
  assert.equal(files[0]!.deletions, 1);
  assert.equal(files[0]!.additions, 1);
  assert.equal(files[0]!.damaged, undefined);
});

test('a wrapped line inside a hunk is reported as damage', () => {
  const text = 'diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n a\n-b\n+c is a very long line that a mail client\nwrapped here\n d\n';
  const files = parseUnifiedDiff(text);
  assert.match(files[0]!.damaged ?? '', /short of its header/);
});

test('an empty context line (trailing space stripped by a mailer) still counts', () => {
  const text = 'diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n a\n\n-b\n+c\n';
  const files = parseUnifiedDiff(text);
  assert.equal(files[0]!.damaged, undefined);
  assert.equal(files[0]!.hunks[0]!.lines[2]!.oldLine, 3);
});

test('numstat agrees with git apply --numstat on the fixtures', () => {
  for (const name of ['rename-mode-binary.diff', 'uapi-vdpa.patch']) {
    const out = execFileSync('git', ['apply', '--numstat', fixture(name)], { encoding: 'utf8' });
    const expected = out.trim().split('\n').map((l) => l.split('\t')).map(([a, d, p]) => `${a === '-' ? 0 : a} ${d === '-' ? 0 : d} ${p}`);
    const text = readFileSync(fixture(name), 'utf8');
    const files = parseUnifiedDiff(text.slice(text.indexOf('diff --git')));
    assert.deepEqual(files.map((f) => `${f.additions} ${f.deletions} ${f.path}`), expected, name);
  }
});

test('file roles', () => {
  assert.equal(fileRole('include/uapi/linux/vhost.h'), 'uapi-header');
  assert.equal(fileRole('linux-headers/linux/vhost.h'), 'uapi-header');
  assert.equal(fileRole('docs/interop/vhost-user.rst'), 'vhost-user-spec');
  assert.equal(fileRole('Documentation/userspace-api/vduse.rst'), 'documentation');
  assert.equal(fileRole('hw/virtio/vhost-user.c'), 'qemu-vhost-user');
  assert.equal(fileRole('hw/virtio/virtio.c'), 'qemu-virtio');
  assert.equal(fileRole('subprojects/libvhost-user/libvhost-user.c'), 'libvhost-user');
  assert.equal(fileRole('drivers/vhost/vdpa.c'), 'kernel-driver');
  assert.equal(fileRole('include/linux/vdpa.h'), 'kernel-header');
});
