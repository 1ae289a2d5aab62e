// `npm run bench`: the speed and memory figures, each with the baseline measured in the same
// run. Prints; never fails on a figure (targets are shown beside the numbers).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../src/io/paths.js';
import { openMaybeGzip, splitMbox } from '../src/ingest/mbox.js';
import { parseMail } from '../src/ingest/mail.js';
import { extractPatch } from '../src/ingest/extract.js';

const BIN = join(PACKAGE_ROOT, 'bin', 'patch-review.js');
const ARCHIVE = resolve(PACKAGE_ROOT, '..', 'shared', 'corpus', 'archive.mbox.gz');

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
function timeCommand(cmd: string, args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  if (r.error) throw r.error;
  return ms(t);
}

/**
 * Runs a command, polling its peak resident memory from /proc (VmHWM: the whole process,
 * worker threads included). Counts the lines it prints (jsonl: a record per line).
 */
function measure(cmd: string, args: string[], onLine?: (line: string) => void): Promise<{ ms: number; peakMB: number; code: number | null; lines: number }> {
  return new Promise((done) => {
    const t = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let lines = 0;
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
      if (!onLine) return;
      const parts = (partial + d.toString('utf8')).split('\n');
      partial = parts.pop()!;
      for (const l of parts) onLine(l);
    });
    let peak = 0;
    const poll = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peak = Math.max(peak, Number(hwm[1]) / 1024);
      } catch {
        /* exited */
      }
    }, 20);
    child.on('close', (code) => {
      clearInterval(poll);
      done({ ms: ms(t), peakMB: peak, code, lines });
    });
  });
}

async function recentPatchMails(n: number): Promise<Buffer[]> {
  const ring: Buffer[] = [];
  for await (const raw of splitMbox(await openMaybeGzip(ARCHIVE), ARCHIVE)) {
    const r = extractPatch(parseMail(raw), 'bench');
    if (!('patch' in r)) continue;
    ring.push(raw);
    if (ring.length > n) ring.shift();
  }
  return ring;
}

async function siteBuild(): Promise<void> {
  const { buildSite } = await import('../src/site/build.js');
  const r = await buildSite({ out: join(mkdtempSync(join(tmpdir(), 'pr-site-')), 'site') });
  console.log(`site build                           ${r.pages} pages in ${r.ms.toFixed(0)} ms (target < 5000 ms)`);
}

/**
 * checkpatch.pl, if this machine has it: on PATH, in an unpacked kernel tree under /usr/src, or
 * in Debian's linux-source tarball (the script and its two data files are unpacked once into
 * the temporary directory; nothing of it enters the repository).
 */
function checkpatch(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v checkpatch.pl || ls /usr/src/linux*/scripts/checkpatch.pl 2>/dev/null | head -1'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  const tarball = spawnSync('sh', ['-c', 'ls /usr/src/linux-source-*.tar.* 2>/dev/null | sort | tail -1'], { encoding: 'utf8' }).stdout.trim();
  if (!tarball) return null;
  const top = basename(tarball).replace(/\.tar\..*$/, '');
  const dir = join(tmpdir(), 'patch-review-bench-checkpatch');
  const script = join(dir, top, 'scripts', 'checkpatch.pl');
  if (!existsSync(script)) {
    mkdirSync(dir, { recursive: true });
    const files = ['checkpatch.pl', 'spelling.txt', 'const_structs.checkpatch'].map((f) => `${top}/scripts/${f}`);
    const r = spawnSync('tar', ['-xf', tarball, '-C', dir, ...files], { stdio: 'ignore' });
    if (r.status !== 0 || !existsSync(script)) return null;
  }
  return script;
}

async function main() {
  console.log('patch-review benchmark');
  const startups = Array.from({ length: 15 }, () => timeCommand(process.execPath, ['-e', '0']));
  const nodeMedian = quantile(startups, 0.5);
  console.log(`baseline: node -e 0                  median ${nodeMedian.toFixed(1)} ms`);
  const example = join(PACKAGE_ROOT, 'examples', '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
  const one = Array.from({ length: 15 }, () => timeCommand(process.execPath, [BIN, '--format', 'terse', '--fail-on', 'never', example]));
  console.log(`example patch, one process           median ${quantile(one, 0.5).toFixed(1)} ms (${(quantile(one, 0.5) / nodeMedian).toFixed(2)}x node -e 0)`);
  (await import('./tree.js')).runTreeBench(BIN);
  await siteBuild();
  await (await import('./consumers.js')).runConsumersBench();
  await (await import('./hostile.js')).runHugePatchBench(BIN, measure);
  if (!existsSync(ARCHIVE)) {
    console.log(`skipped: corpus benchmarks need ${ARCHIVE}`);
    return;
  }
  const mails = await recentPatchMails(100);
  const dir = mkdtempSync(join(tmpdir(), 'pr-bench-'));
  const files = mails.map((m, i) => {
    const p = join(dir, `${String(i).padStart(3, '0')}.eml`);
    writeFileSync(p, m);
    return p;
  });
  // Interleaved (ours, then checkpatch, mail by mail): a change in machine load hits both alike.
  const cp = checkpatch();
  const per: number[] = [];
  const cpTimes: number[] = [];
  for (const f of files) {
    per.push(timeCommand(process.execPath, [BIN, '--format', 'terse', '--fail-on', 'never', f]));
    if (cp) cpTimes.push(timeCommand('perl', [cp, '--no-tree', '--terse', f]));
  }
  const nodeAfter = quantile(Array.from({ length: 15 }, () => timeCommand(process.execPath, ['-e', '0'])), 0.5);
  const nodeBase = (nodeMedian + nodeAfter) / 2;
  const median = quantile(per, 0.5);
  console.log(`baseline: node -e 0 (again)          median ${nodeAfter.toFixed(1)} ms`);
  console.log(`${files.length} recent patch mails, a process each  median ${median.toFixed(1)} ms, p90 ${quantile(per, 0.9).toFixed(1)} ms (${(median / nodeBase).toFixed(2)}x node -e 0; target <= 1.5x)`);
  if (cp) {
    const cpMedian = quantile(cpTimes, 0.5);
    console.log(`baseline: checkpatch.pl --no-tree --terse  median ${cpMedian.toFixed(1)} ms on the same mails (ours: ${(median / cpMedian).toFixed(2)}x; target < 0.5x; node -e 0 alone: ${(nodeBase / cpMedian).toFixed(2)}x) [${cp}]`);
  } else console.log('baseline: checkpatch.pl not found on this machine (comparison skipped)');

  const zcat = timeCommand('sh', ['-c', `zcat '${ARCHIVE}' > /dev/null`]);
  console.log(`baseline: zcat archive.mbox.gz       ${(zcat / 1000).toFixed(2)} s`);
  // Judgement on the whole list (issue 14): the share of patches that get a warning, or an error.
  const shares = { patches: 0, warning: 0, error: 0 };
  const whole = await measure(process.execPath, [BIN, '--format', 'jsonl', '--fail-on', 'never', ARCHIVE], (line) => {
    if (!line.startsWith('{')) return;
    const r = JSON.parse(line) as { findings?: { severity: string; acknowledged?: unknown }[] };
    if (!r.findings) return;
    const open = r.findings.filter((f) => !f.acknowledged);
    shares.patches++;
    if (open.some((f) => f.severity === 'error' || f.severity === 'warning')) shares.warning++;
    if (open.some((f) => f.severity === 'error')) shares.error++;
  });
  // jsonl has a record per patch and one per rule, before its first use: patches are counted.
  const count = shares.patches;
  console.log(`whole archive, one process           ${(whole.ms / 1000).toFixed(2)} s, ${count} patch mails, ${(count / (whole.ms / 1000)).toFixed(0)} patch mails/s, peak ${whole.peakMB.toFixed(0)} MB, ${(whole.ms / zcat).toFixed(1)}x zcat`);
  const pct = (n: number) => `${((100 * n) / Math.max(1, shares.patches)).toFixed(1)}%`;
  console.log(`whole archive, findings              a warning or error on ${pct(shares.warning)} of ${shares.patches} patches (target <= 12%), an error on ${pct(shares.error)}`);
  const jobs = await measure(process.execPath, [BIN, '--jobs', '2', '--format', 'jsonl', '--fail-on', 'never', ARCHIVE]);
  if (jobs.lines !== whole.lines) console.log(`  (--jobs 2 printed ${jobs.lines} lines, one thread ${whole.lines}: they should agree)`);
  console.log(`whole archive, --jobs 2              ${(jobs.ms / 1000).toFixed(2)} s, ${(count / (jobs.ms / 1000)).toFixed(0)} patch mails/s (target >= 1000), peak ${jobs.peakMB.toFixed(0)} MB (target < 300), ${(jobs.ms / zcat).toFixed(1)}x zcat (target < 8x)`);
  const { runInboxBench } = await import('./inbox.js');
  await runInboxBench();
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exitCode = 1;
});
