// Reviews inside a source tree: small git trees built here (a kernel tree with a header of
// our own, a QEMU tree with a vhost-user document of our own), whole files from git objects
// and from the work tree, and struct layouts and request numbers compiled by gcc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers.js';
import { analyzeDiff } from '../../src/diff/facts.js';
import { treeAt, findTree } from '../../src/diff/tree/detect.js';
import { wholeFiles, expand } from '../../src/diff/tree/whole-file.js';
import { parseUnifiedDiff } from '../../src/diff/parse.js';
import { findCompiler, resetCompiler } from '../../src/diff/uapi/compiled-layout.js';
import type { Patch } from '../../src/model/patch.js';

process.env['XDG_CACHE_HOME'] = mkdtempSync(join(tmpdir(), 'pr-tree-cache-'));

const HEADER = `/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_LINUX_DEMO_H
#define _UAPI_LINUX_DEMO_H
#include <linux/types.h>
#include <linux/ioctl.h>

#define DEMO_TYPE 0xD7

struct demo_range {
	__u64 start;
	__u32 len;
	__u32 flags;
};

struct demo_ext {
	__u32 argsz;
	__u32 flags;
	__u64 addr;
	__u64 size;
	__u32 one;
	__u32 two;
	__u32 three;
	__u32 four;
};

#define DEMO_A 1
#define DEMO_B 2

#define DEMO_SET_RANGE _IOW(DEMO_TYPE, 0x01, struct demo_range)
#define DEMO_EXT _IO(DEMO_TYPE, 0x02)

#endif
`;

const DRIVER = `// SPDX-License-Identifier: GPL-2.0
static long demo_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	long r = 0;

	mutex_lock(&demo_lock);
	switch (cmd) {
	case DEMO_SET_RANGE:
		r = demo_set_range(arg);
		if (r)
			break;
		r = demo_one(arg);
		r = demo_two(arg);
		r = demo_three(arg);
		r = demo_four(arg);
		r = demo_five(arg);
		r = demo_six(arg);
		r = demo_seven(arg);
		break;
	default:
		r = -ENOTTY;
	}
	mutex_unlock(&demo_lock);
	return r;
}
`;

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8' });

function kernelTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'pr-ktree-'));
  mkdirSync(join(root, 'include/uapi/linux'), { recursive: true });
  mkdirSync(join(root, 'drivers/vhost'), { recursive: true });
  writeFileSync(join(root, 'MAINTAINERS'), 'DEMO\n');
  writeFileSync(join(root, 'include/uapi/linux/demo.h'), HEADER);
  writeFileSync(join(root, 'drivers/vhost/demo.c'), DRIVER);
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  return root;
}

/** A patch made in the tree by editing a file; the tree is put back afterwards. */
function patchOf(root: string, file: string, edit: (t: string) => string): string {
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  writeFileSync(path, edit(before));
  const diff = git(root, 'diff');
  writeFileSync(path, before);
  return diff;
}

const asPatch = (diff: string): Patch => ({ diff, trailers: [], prefix: { index: null, total: null, version: 1 }, transport: {} }) as unknown as Patch;

const CC = findCompiler();
const noCc = CC ? false : 'gcc not on PATH: compiled layouts are not checked';

test('tree detection: a kernel tree by MAINTAINERS + include/uapi/linux, from a subdirectory too; a QEMU tree by vhost-user.rst + hw/virtio', () => {
  const k = kernelTree();
  assert.equal(treeAt(k)?.kind, 'kernel');
  assert.equal(findTree(join(k, 'drivers/vhost'))?.root, k);
  assert.equal(treeAt(join(k, 'drivers')), null);
  const q = mkdtempSync(join(tmpdir(), 'pr-qtree-'));
  mkdirSync(join(q, 'docs/interop'), { recursive: true });
  mkdirSync(join(q, 'hw/virtio'), { recursive: true });
  writeFileSync(join(q, 'docs/interop/vhost-user.rst'), 'x\n');
  assert.equal(treeAt(q)?.kind, 'qemu');
});

test('whole files: from the blob on the index line, and from the work tree applied or reversed', () => {
  const k = kernelTree();
  const tree = treeAt(k)!;
  const diff = patchOf(k, 'include/uapi/linux/demo.h', (t) => t.replace('\t__u32 four;\n', '\t__u32 four;\n\t__u32 five;\n'));
  const [file] = parseUnifiedDiff(diff);
  assert.ok(file!.oldBlob && file!.newBlob, 'index line blob ids are kept');
  const w = wholeFiles([file!], tree).get(file!)!;
  assert.equal(w.source, 'tree-file-applied');
  assert.equal(w.oldText, HEADER);
  assert.ok(w.newText!.includes('__u32 five;'));
  assert.equal(w.file.hunks.length, 1);
  assert.equal(w.file.hunks[0]!.lines.length, HEADER.split('\n').length); // every line, one added, none removed
  // The work tree moved on (patch applied): the file is read and the patch reversed.
  writeFileSync(join(k, 'include/uapi/linux/demo.h'), w.newText!);
  const rev = wholeFiles([file!], tree).get(file!)!;
  assert.equal(rev.source, 'tree-file-reversed');
  assert.equal(rev.oldText, HEADER);
  // Another version in the work tree: the base blob named by the index line is read from git.
  writeFileSync(join(k, 'include/uapi/linux/demo.h'), HEADER.replace('#define DEMO_A 1\n', '#define DEMO_A 1\n#define DEMO_C 3\n'));
  const fromGit = wholeFiles([file!], tree).get(file!)!;
  assert.equal(fromGit.source, 'git-blob');
  assert.equal(fromGit.oldText, HEADER);
});

test('whole files: a tree that drifted from the patch base places a hunk where it fits once, in the tree\'s line numbers', () => {
  const base = ['int a;', 'int b;', 'static int f(void)', '{', '\treturn 0;', '}', ''].join('\n');
  const [file] = parseUnifiedDiff(['--- a/x.c', '+++ b/x.c', '@@ -3,4 +3,5 @@', ' static int f(void)', ' {', '+\tg();', ' \treturn 0;', ' }', ''].join('\n'));
  // Three lines were added above the function since the patch was made.
  const drifted = 'int z1;\nint z2;\nint z3;\n' + base;
  const w = expand(file!, drifted, 'old')!;
  assert.ok(w, 'placed three lines down');
  assert.equal(w.newText, drifted.replace('{\n', '{\n\tg();\n'));
  const added = w.file.hunks[0]!.lines.find((l) => l.kind === '+')!;
  assert.equal(added.newLine, 8, 'the added line is numbered as in the tree');
  // As stated, nothing moves.
  assert.equal(expand(file!, base, 'old')!.file.hunks[0]!.lines.find((l) => l.kind === '+')!.newLine, 5);
  // The same lines twice in the file: no single place, so no whole file rather than a guess.
  assert.equal(expand(file!, 'int y;\n' + base.replace(/\n$/, '') + '\n' + base, 'old'), null);
  // A line of the hunk that is nowhere in the file: another version.
  assert.equal(expand(file!, drifted.replace('return 0', 'return 1'), 'old'), null);
  // A later hunk of common lines that fit twice is placed as far down as the hunk before it moved.
  const twice = ['static int f(void)', '{', '\treturn 0;', '}', 'static int g(void)', '{', '\treturn 0;', '}', 'static int k(void)', '{', '\treturn 0;', '}', ''].join('\n');
  const [two] = parseUnifiedDiff(['--- a/y.c', '+++ b/y.c', '@@ -1,2 +1,3 @@', ' static int f(void)', '+/* f */', ' {', '@@ -6,2 +7,3 @@', ' {', '+\th();', ' \treturn 0;', ''].join('\n'));
  const placed = expand(two!, '/* top */\n' + twice, 'old')!;
  assert.ok(placed, 'both hunks placed one line down');
  assert.equal(placed.newText, '/* top */\n' + twice.replace('static int f(void)\n', 'static int f(void)\n/* f */\n').replace('g(void)\n{\n', 'g(void)\n{\n\th();\n'));
  // A long hunk of one repeated line over a file of that line fits once, at the end, but finding
  // that costs hunk × file comparisons: past the budget the file is left to the patch alone.
  const body = Array.from({ length: 1000 }, () => ' x').join('\n');
  const [long] = parseUnifiedDiff(['--- a/t.c', '+++ b/t.c', '@@ -1,1001 +1,1002 @@', body, ' y', '+z', ''].join('\n'));
  assert.equal(expand(long!, 'x\n'.repeat(1000) + 'y\n', 'old')?.newText, 'x\n'.repeat(1000) + 'y\nz\n', 'as stated, no search');
  assert.equal(expand(long!, 'x\n'.repeat(20_000) + 'y\n', 'old'), null);
});

test('whole files: a member appended far from the struct head of an argsz struct is an extensible append', () => {
  const k = kernelTree();
  const diff = patchOf(k, 'include/uapi/linux/demo.h', (t) => t.replace('\t__u32 four;\n', '\t__u32 four;\n\t__u32 five;\n'));
  const patch = asPatch(diff.replace(/@@ -\d+,\d+ \+\d+,\d+ @@.*\n/, (h) => h)); // hunk shows three lines of context: no argsz in sight
  const inTree = analyzeDiff(patch, { tree: treeAt(k)! }).facts.find((f) => f.kind === 'struct-member-appended' && f.symbol === 'demo_ext');
  assert.ok(inTree, 'append seen');
  assert.equal(inTree!.compat?.class, 'compatible');
  assert.match(inTree!.compat!.reason, /argsz/);
  // From the hunk alone the struct's head (argsz) is out of sight.
  const plain = analyzeDiff(patch, { headersDir: join(k, 'nowhere') }).facts.find((f) => f.kind === 'struct-member-appended' || f.kind === 'struct-member-inserted');
  assert.notEqual(plain?.compat?.class, 'compatible');
});

test('whole files: the ioctl case a changed line sits in is known far from the hunk', () => {
  const k = kernelTree();
  const diff = patchOf(k, 'drivers/vhost/demo.c', (t) => t.replace('\t\tr = demo_seven(arg);\n', '\t\tr = demo_seven(arg);\n\t\tr = s.num >> 16;\n'));
  // The hunk starts below `case DEMO_SET_RANGE:`: only the whole function shows which request it is.
  const plain = analyzeDiff(asPatch(diff)).facts.filter((f) => f.kind === 'ioctl-encoding-changed');
  const tree = analyzeDiff(asPatch(diff), { tree: treeAt(k)! }).facts.filter((f) => f.kind === 'ioctl-encoding-changed');
  assert.equal(plain.length, 0);
  assert.equal(tree[0]?.symbol, 'DEMO_SET_RANGE');
  assert.equal(tree[0]?.function, 'demo_ioctl');
});

test('compiled layouts: an inserted member gives verified sizes, offsets and request numbers on x86_64 (and i386 with a multilib)', { skip: noCc }, () => {
  const k = kernelTree();
  const diff = patchOf(k, 'include/uapi/linux/demo.h', (t) => t.replace('\t__u32 len;\n', '\t__u32 len;\n\t__u32 pad;\n'));
  const facts = analyzeDiff(asPatch(diff), { tree: treeAt(k)! }).facts;
  const ins = facts.find((f) => f.kind === 'struct-member-inserted')!;
  assert.ok(ins.verified, 'verified by the compiler');
  assert.match(ins.detail!, /x86_64: sizeof 16 → 24, flags @12 → @16/);
  assert.match(ins.detail!, /DEMO_SET_RANGE 0x4010d701 → 0x4018d701 \(x86_64\)/);
  if (CC!.abis.includes('i386')) assert.match(ins.detail!, /i386: sizeof 16 → 20/);
  // Without the tree the same claim is a heuristic, and says so.
  const plain = analyzeDiff(asPatch(diff)).facts.find((f) => f.kind === 'struct-member-inserted')!;
  assert.equal(plain.verified, undefined);
  assert.match(plain.unverified!, /--tree/);
});

test('compiled layouts: a retyped member the hand evaluator cannot size is settled by the compiler', { skip: noCc }, () => {
  const k = kernelTree();
  // __kernel_size_t is 8 bytes on x86_64: the layout really changes.
  const diff = patchOf(k, 'include/uapi/linux/demo.h', (t) => t.replace('\t__u32 len;\n\t__u32 flags;', '\t__kernel_ulong_t len;\n\t__u32 flags;'));
  const f = analyzeDiff(asPatch(diff), { tree: treeAt(k)! }).facts.find((x) => x.kind === 'struct-member-changed')!;
  assert.ok(f.verified);
  assert.equal(f.compat?.class, 'abi-break');
  assert.match(f.detail!, /flags @12 → @16/);
  // A spelling change only: same layout, the compiler says compatible.
  const same = patchOf(k, 'include/uapi/linux/demo.h', (t) => t.replace('\t__u32 len;\n\t__u32 flags;', '\t__le32 len;\n\t__u32 flags;'));
  const g = analyzeDiff(asPatch(same), { tree: treeAt(k)! }).facts.find((x) => x.kind === 'struct-member-changed')!;
  assert.equal(g.compat?.class, 'compatible');
});

test('review --tree: an error rests on the compiled fact, the same mail without a tree is a warning that says why; the report names the tree', { skip: noCc }, async () => {
  const k = kernelTree();
  const diff = patchOf(k, 'include/uapi/linux/demo.h', (t) => t.replace('\t__u32 len;\n', '\t__u32 len;\n\t__u32 pad;\n'));
  const file = join(k, '..', `${k.split('/').pop()}.patch`);
  writeFileSync(file, diff);
  const withTree = await runCli(['--format', 'json', '--tree', k, file]);
  const j = JSON.parse(withTree.stdout);
  const layout = j.patches[0].findings.find((f: { ruleId: string }) => f.ruleId === 'uapi-struct-layout-break');
  assert.equal(layout.severity, 'error');
  assert.match(layout.message, /Verified by gcc/);
  assert.match(j.summary.sources.join('\n'), /kernel tree/);
  const without = await runCli(['--format', 'json', '--no-tree', file]);
  const w = JSON.parse(without.stdout).patches[0].findings.find((f: { ruleId: string }) => f.ruleId === 'uapi-struct-layout-break');
  assert.equal(w.severity, 'warning');
  assert.match(w.message, /Not verified \(reviewed from the patch alone/);
  const bad = await runCli(['--tree', join(k, 'drivers'), file]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not a kernel tree/);
});

test('review --tree of a mail made on another base: drifted files are read whole in the tree\'s numbering, another version from the patch alone, and the report says so', async () => {
  const k = kernelTree();
  const c = patchOf(k, 'drivers/vhost/demo.c', (t) => t.replace('\tcase DEMO_SET_RANGE:\n', '\tcase DEMO_SET_RANGE:\n\t\tpr_debug("range\\n");\n'));
  const h = patchOf(k, 'include/uapi/linux/demo.h', (t) => t.replace('\t__u32 four;\n', '\t__u32 four;\n\t__u32 five;\n'));
  const file = join(k, '..', `${k.split('/').pop()}-drift.patch`);
  writeFileSync(file, c + h);
  // The reader's tree is not a git checkout of the base: the driver gained lines at its top, the
  // header was changed where the patch edits it.
  rmSync(join(k, '.git'), { recursive: true, force: true });
  writeFileSync(join(k, 'drivers/vhost/demo.c'), '/* one */\n/* two */\n' + DRIVER);
  writeFileSync(join(k, 'include/uapi/linux/demo.h'), HEADER.replace('\t__u32 four;\n', '\t__u64 four;\n'));
  const j = JSON.parse((await runCli(['--format', 'json', '--fail-on', 'never', '--tree', k, file])).stdout);
  assert.deepEqual(j.summary.tree, { files: 2, whole: 1, moved: 1 });
  const text = await runCli(['--fail-on', 'never', '--tree', k, file]);
  assert.match(text.stdout.replace(/\n\s+/g, ' '), /whole files from the tree for 1 of 2 files; 1 placed where the tree drifted \(their line numbers are the tree's\); 1 another version there/);
  // In the base itself nothing is said.
  writeFileSync(join(k, 'drivers/vhost/demo.c'), DRIVER);
  writeFileSync(join(k, 'include/uapi/linux/demo.h'), HEADER);
  const exact = await runCli(['--format', 'json', '--fail-on', 'never', '--tree', k, file]);
  assert.deepEqual(JSON.parse(exact.stdout).summary.tree, { files: 2, whole: 2, moved: 0 });
  assert.doesNotMatch((await runCli(['--fail-on', 'never', '--tree', k, file])).stdout, /whole files from the tree/);
});

test('review in a QEMU tree: the tree\'s vhost-user.rst is the spec index, no --spec-index needed', async () => {
  const q = mkdtempSync(join(tmpdir(), 'pr-qtree-'));
  mkdirSync(join(q, 'docs/interop'), { recursive: true });
  mkdirSync(join(q, 'hw/virtio'), { recursive: true });
  writeFileSync(
    join(q, 'docs/interop/vhost-user.rst'),
    [
      'Front-end message types',
      '-----------------------',
      '',
      '``VHOST_USER_GET_FEATURES``',
      '  :id: 1',
      '  :equivalent ioctl: ``VHOST_GET_FEATURES``',
      '  :request payload: N/A',
      '  :reply payload: ``u64``',
      '',
      '  Get from the underlying vhost implementation the features bitmask.',
      '',
      '``VHOST_USER_SET_FEATURES``',
      '  :id: 2',
      '  :request payload: ``u64``',
      '  :reply payload: N/A',
      '',
      '  Enable features in the underlying vhost implementation.',
      '',
    ].join('\n'),
  );
  writeFileSync(join(q, 'hw/virtio/vhost-user.c'), 'typedef enum VhostUserRequest {\n    VHOST_USER_NONE = 0,\n    VHOST_USER_GET_FEATURES = 1,\n    VHOST_USER_SET_FEATURES = 2,\n    VHOST_USER_MAX\n} VhostUserRequest;\n');
  git(q, 'init', '-q');
  git(q, 'add', '-A');
  git(q, 'commit', '-qm', 'base');
  const diff = patchOf(q, 'hw/virtio/vhost-user.c', (t) => t.replace('    VHOST_USER_MAX', '    VHOST_USER_NEW_THING = 2,\n    VHOST_USER_MAX'));
  const file = join(q, '..', `${q.split('/').pop()}.patch`);
  writeFileSync(file, diff);
  const r = await runCli(['--format', 'json', '--tree', q, file]);
  const j = JSON.parse(r.stdout);
  assert.match(j.summary.sources.join('\n'), /QEMU tree/);
  const facts = await runCli(['facts', file]);
  assert.ok(facts.code === 0);
  const spec = j.patches[0].findings.filter((f: { symbols: string[] }) => f.symbols.includes('VHOST_USER_NEW_THING'));
  const none = JSON.parse((await runCli(['--format', 'json', '--no-tree', file])).stdout).patches[0].findings.filter((f: { symbols: string[] }) => f.symbols.includes('VHOST_USER_NEW_THING'));
  assert.ok(spec.length > none.length, 'the id collision with the tree\'s document is found only with the tree');
});

test('review --git inside a kernel tree finds the tree by itself and compiles the layouts of the range', { skip: noCc }, async () => {
  const k = kernelTree();
  const path = join(k, 'include/uapi/linux/demo.h');
  writeFileSync(path, HEADER.replace('\t__u32 len;\n', '\t__u32 len;\n\t__u32 pad;\n'));
  git(k, 'commit', '-qam', 'demo: add a pad member');
  const r = await runCli(['--format', 'json', '--git', 'HEAD~1..HEAD'], { cwd: k });
  const j = JSON.parse(r.stdout);
  assert.match(j.summary.sources.join('\n'), /kernel tree/);
  const layout = j.patches[0].findings.find((f: { ruleId: string }) => f.ruleId === 'uapi-struct-layout-break');
  assert.equal(layout.severity, 'error');
  assert.match(layout.message, /sizeof 16 → 24/);
  // --no-tree turns it off.
  const off = JSON.parse((await runCli(['--format', 'json', '--no-tree', '--git', 'HEAD~1..HEAD'], { cwd: k })).stdout);
  assert.equal(off.summary.sources, undefined);
});

test('without a compiler the tree still gives whole files, and a layout claim stays a heuristic that says no gcc', () => {
  const k = kernelTree();
  const diff = patchOf(k, 'include/uapi/linux/demo.h', (t) => t.replace('\t__u32 len;\n', '\t__u32 len;\n\t__u32 pad;\n'));
  const saved = process.env['PATCH_REVIEW_CC'];
  process.env['PATCH_REVIEW_CC'] = join(k, 'no-such-cc');
  resetCompiler();
  try {
    const f = analyzeDiff(asPatch(diff), { tree: treeAt(k)! }).facts.find((x) => x.kind === 'struct-member-inserted')!;
    assert.equal(f.verified, undefined);
    assert.match(f.unverified!, /no C compiler/);
  } finally {
    if (saved === undefined) delete process.env['PATCH_REVIEW_CC'];
    else process.env['PATCH_REVIEW_CC'] = saved;
    resetCompiler();
  }
});
