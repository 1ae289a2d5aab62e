// `npm run bench`: the speed and memory figures, each with the baseline measured in the same
// run. Prints; never fails on a figure (targets are shown beside the numbers).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../src/knowledge/load.js';
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

/** Runs a command, polling its peak resident memory from /proc. */
function measure(cmd: string, args: string[]): Promise<{ ms: number; peakMB: number; code: number | null }> {
  return new Promise((done) => {
    const t = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
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
    child.on('exit', (code) => {
      clearInterval(poll);
      done({ ms: ms(t), peakMB: peak, code });
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

function checkpatch(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v checkpatch.pl || ls /usr/src/linux*/scripts/checkpatch.pl 2>/dev/null | head -1'], { encoding: 'utf8' }).stdout.trim();
  return found || null;
}

async function main() {
  console.log('patch-review benchmark');
  const startups = Array.from({ length: 15 }, () => timeCommand(process.execPath, ['-e', '0']));
  const nodeMedian = quantile(startups, 0.5);
  console.log(`baseline: node -e 0                  median ${nodeMedian.toFixed(1)} ms`);
  const example = join(PACKAGE_ROOT, 'examples', '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
  const one = Array.from({ length: 15 }, () => timeCommand(process.execPath, [BIN, '--format', 'terse', '--fail-on', 'never', example]));
  console.log(`example patch, one process           median ${quantile(one, 0.5).toFixed(1)} ms (${(quantile(one, 0.5) / nodeMedian).toFixed(2)}x node -e 0)`);
  await siteBuild();
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
  const per = files.map((f) => timeCommand(process.execPath, [BIN, '--format', 'terse', '--fail-on', 'never', f]));
  const median = quantile(per, 0.5);
  console.log(`${files.length} recent patch mails, a process each  median ${median.toFixed(1)} ms, p90 ${quantile(per, 0.9).toFixed(1)} ms (${(median / nodeMedian).toFixed(2)}x node -e 0; targets: < 100 ms, <= 1.5x node -e 0)`);
  const cp = checkpatch();
  if (cp) {
    const cpTimes = files.map((f) => timeCommand('perl', [cp, '--no-tree', '--terse', f]));
    console.log(`baseline: checkpatch.pl --no-tree --terse  median ${quantile(cpTimes, 0.5).toFixed(1)} ms (ours: ${(median / quantile(cpTimes, 0.5)).toFixed(2)}x; target < 0.5x)`);
  } else console.log('baseline: checkpatch.pl not found on this machine (comparison skipped)');

  const zcat = timeCommand('sh', ['-c', `zcat '${ARCHIVE}' > /dev/null`]);
  console.log(`baseline: zcat archive.mbox.gz       ${(zcat / 1000).toFixed(2)} s`);
  const whole = await measure(process.execPath, [BIN, '--format', 'jsonl', '--fail-on', 'never', ARCHIVE]);
  const count = Number(spawnSync(process.execPath, [BIN, '--format', 'json', '--fail-on', 'never', ARCHIVE], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout.match(/"summary":\{"patches":(\d+)/)?.[1] ?? 0);
  console.log(`whole archive, one process           ${(whole.ms / 1000).toFixed(2)} s, ${count} patch mails, ${(count / (whole.ms / 1000)).toFixed(0)} patch mails/s (target >= 500), peak ${whole.peakMB.toFixed(0)} MB (target < 400), ${(whole.ms / zcat).toFixed(1)}x zcat`);
  const jobs = await measure(process.execPath, [BIN, '--jobs', '2', '--format', 'jsonl', '--fail-on', 'never', ARCHIVE]);
  console.log(`whole archive, --jobs 2              ${(jobs.ms / 1000).toFixed(2)} s, ${(count / (jobs.ms / 1000)).toFixed(0)} patch mails/s (target >= 1000), peak ${jobs.peakMB.toFixed(0)} MB (target < 300), ${(jobs.ms / zcat).toFixed(1)}x zcat (target < 8x)`);
  const { runInboxBench } = await import('./inbox.js');
  await runInboxBench();
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exitCode = 1;
});
