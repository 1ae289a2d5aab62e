// Issue 19, item 12: the send-email hook keeps one state per series (thread root, version,
// sender), so two sends interleaved in one repository keep their series-level findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

const PATCHES: Record<string, string> = {
  "A1": "From: Dev <dev@example.org>\nSubject: [PATCH 1/2] vhost: add VHOST_SET_FOO\nMessage-ID: <a1@example.org>\n\nvhost: add VHOST_SET_FOO\n\nSigned-off-by: Dev <dev@example.org>\n---\ndiff --git a/include/uapi/linux/vhost.h b/include/uapi/linux/vhost.h\n--- a/include/uapi/linux/vhost.h\n+++ b/include/uapi/linux/vhost.h\n@@ -10,2 +10,3 @@\n int a;\n+#define VHOST_SET_FOO _IOW(VHOST_VIRTIO, 0x99, __u64)\n int b;\n",
  "A2": "From: Dev <dev@example.org>\nSubject: [PATCH 2/2] vhost: implement VHOST_SET_FOO\nMessage-ID: <a2@example.org>\n\nvhost: implement VHOST_SET_FOO\n\nSigned-off-by: Dev <dev@example.org>\n---\ndiff --git a/drivers/vhost/vhost.c b/drivers/vhost/vhost.c\n--- a/drivers/vhost/vhost.c\n+++ b/drivers/vhost/vhost.c\n@@ -10,2 +10,3 @@\n int a;\n+\tcase VHOST_SET_FOO: r = 0; break;\n int b;\n",
  "B1": "From: Dev <dev@example.org>\nSubject: [PATCH 1/2] docs: vhost: describe things\nMessage-ID: <b1@example.org>\n\ndocs: vhost: describe things\n\nSigned-off-by: Dev <dev@example.org>\n---\ndiff --git a/Documentation/virt/vhost.rst b/Documentation/virt/vhost.rst\n--- a/Documentation/virt/vhost.rst\n+++ b/Documentation/virt/vhost.rst\n@@ -10,2 +10,3 @@\n int a;\n+Some words.\n int b;\n",
  "B2": "From: Dev <dev@example.org>\nSubject: [PATCH 2/2] vhost: tidy\nMessage-ID: <b2@example.org>\n\nvhost: tidy\n\nSigned-off-by: Dev <dev@example.org>\n---\ndiff --git a/drivers/vhost/vhost.c b/drivers/vhost/vhost.c\n--- a/drivers/vhost/vhost.c\n+++ b/drivers/vhost/vhost.c\n@@ -10,2 +10,3 @@\n int a;\n+\tr = 0;\n int b;\n"
};

function seriesFindings(order: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'pr-race-'));
  execFileSync('git', ['init', '-q', dir]);
  const out: string[] = [];
  for (const name of order) {
    const file = join(dir, `${name}.patch`);
    writeFileSync(file, PATCHES[name]!);
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'patch-review.js'), 'hook', 'run', '--', file], { cwd: dir, env: { ...process.env, GIT_DIR: join(dir, '.git'), GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' }, encoding: 'utf8' });
    if (/uapi-change-without-documentation|uapi-change-without[a-z-]*/.test(r.stderr)) out.push(`${name}: ${/uapi-change-without[a-z-]*/.exec(r.stderr)![0]}`);
  }
  return out;
}

test('interleaved sends (A1 B1 A2 B2) give the same series findings as one after the other', { timeout: 60_000 }, () => {
  const sequential = seriesFindings(['A1', 'A2', 'B1', 'B2']);
  assert.ok(sequential.some((l) => l.startsWith('A2: ')), JSON.stringify(sequential));
  assert.deepEqual(seriesFindings(['A1', 'B1', 'A2', 'B2']).sort(), sequential.sort());
});
