// Per-patch review time inside a source tree against the same review without one: a small
// kernel tree built here (one uAPI header, a git repository), and a real kernel tree when
// PATCH_REVIEW_KERNEL_TREE names one (e.g. Debian's linux-source unpacked). The layout cache
// is warmed once, as it is after the first review of a series.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function time(args: string[], cwd: string, bin: string): number {
  const t = process.hrtime.bigint();
  spawnSync(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'ignore', 'ignore'] });
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function compare(label: string, tree: string, patch: string, bin: string): void {
  const base = ['--format', 'terse', '--fail-on', 'never', patch];
  time(['--tree', tree, ...base], tree, bin); // fills the layout cache
  const withTree = Array.from({ length: 9 }, () => time(['--tree', tree, ...base], tree, bin));
  const without = Array.from({ length: 9 }, () => time(['--no-tree', ...base], tree, bin));
  const a = median(withTree);
  const b = median(without);
  console.log(`${label.padEnd(37)}median ${a.toFixed(1)} ms in the tree, ${b.toFixed(1)} ms without (${(a / b).toFixed(2)}x; target <= 2x)`);
}

export function runTreeBench(bin: string): void {
  const root = mkdtempSync(join(tmpdir(), 'pr-bench-tree-'));
  mkdirSync(join(root, 'include/uapi/linux'), { recursive: true });
  writeFileSync(join(root, 'MAINTAINERS'), 'BENCH\n');
  const header = '#ifndef _B_H\n#define _B_H\n#include <linux/types.h>\n#include <linux/ioctl.h>\nstruct bench_arg {\n\t__u64 addr;\n\t__u32 len;\n\t__u32 flags;\n};\n#define BENCH_SET _IOW(0xB7, 1, struct bench_arg)\n#endif\n';
  const file = join(root, 'include/uapi/linux/bench.h');
  writeFileSync(file, header);
  const git = (...a: string[]) => execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@example.org', ...a], { cwd: root, encoding: 'utf8' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  writeFileSync(file, header.replace('\t__u32 len;\n', '\t__u32 len;\n\t__u32 pad;\n'));
  const patch = join(root, '..', `${root.split('/').pop()}.patch`);
  writeFileSync(patch, git('diff'));
  writeFileSync(file, header);
  compare('uAPI struct patch, small git tree', root, patch, bin);
  const real = process.env['PATCH_REVIEW_KERNEL_TREE'];
  if (!real || !existsSync(join(real, 'MAINTAINERS'))) {
    console.log('real kernel tree: set PATCH_REVIEW_KERNEL_TREE=DIR (e.g. linux-source-6.12 unpacked) to measure one');
    return;
  }
  // A member inserted into vhost_vring_state, a struct every vhost user passes.
  const rel = 'include/uapi/linux/vhost_types.h';
  const text = readFileSync(join(real, rel), 'utf8');
  const at = text.indexOf('struct vhost_vring_state {');
  if (at < 0) return;
  const start = text.slice(0, at).split('\n').length; // the struct's first line, 1-based
  const all = text.split('\n');
  const [head, m1, m2, end] = all.slice(start - 1, start + 3);
  const diff = `diff --git a/${rel} b/${rel}\n--- a/${rel}\n+++ b/${rel}\n@@ -${start},4 +${start},5 @@\n ${head}\n ${m1}\n ${m2}\n+\tunsigned int pad;\n ${end}\n`;
  const realPatch = join(root, 'real.patch');
  writeFileSync(realPatch, diff);
  compare('uAPI struct patch, real kernel tree', real, realPatch, bin);
}
