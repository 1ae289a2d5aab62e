// Consumers index figures: indexing real checkouts, "who uses" queries, and what --consumers adds
// to a review. The checkouts are the user's own: PATCH_REVIEW_CONSUMERS (colon-separated
// directories), else every git checkout in ../consumers beside the package; none: skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../src/io/paths.js';

const BIN = join(PACKAGE_ROOT, 'bin', 'patch-review.js');
const EXAMPLE = join(PACKAGE_ROOT, 'examples', '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');

function checkouts(): string[] {
  const env = process.env['PATCH_REVIEW_CONSUMERS'];
  if (env) return env.split(':').filter((d) => existsSync(join(d, '.git')));
  const dir = resolve(PACKAGE_ROOT, '..', 'consumers');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((d) => join(dir, d))
    .filter((d) => existsSync(join(d, '.git')));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function wall(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { stdio: 'ignore' });
  if (r.error) throw r.error;
  return performance.now() - t;
}

export async function runConsumersBench(): Promise<void> {
  const dirs = checkouts();
  if (dirs.length === 0) {
    console.log('skipped: consumers benchmarks need checkouts (PATCH_REVIEW_CONSUMERS=DIR:DIR… or ../consumers/*)');
    return;
  }
  const db = join(mkdtempSync(join(tmpdir(), 'pr-consumers-bench-')), 'consumers.db');
  for (const d of dirs) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'consumers', 'index', '--db', db, '--format', 'json', d], { encoding: 'utf8' });
    const ms = performance.now() - t;
    if (r.status !== 0) {
      console.log(`consumers index ${d}: failed: ${r.stderr.trim().split('\n')[0]}`);
      continue;
    }
    const [x] = JSON.parse(r.stdout) as { project: string; parsed: number; files: number; uses: number }[];
    console.log(`consumers index ${x!.project.padEnd(20)} ${(ms / 1000).toFixed(1)} s for ${x!.files} files (${x!.parsed} parsed), ${x!.uses} uses (target < 60 s for crosvm)`);
  }
  const { openConsumers } = await import('../src/consumers/store.js');
  const { usesOf } = await import('../src/consumers/query.js');
  const index = await openConsumers(db);
  const symbols = ['VHOST_SET_FEATURES', '@features:vhost', 'struct vhost_vring_addr', 'VHOST_USER_SET_MEM_TABLE', 'VIRTIO_F_ACCESS_PLATFORM', 'VHOST_USER_*'];
  // The first query of a process also compiles SQLite's WebAssembly functions it calls (lazily).
  const t0 = performance.now();
  usesOf(index, 'VHOST_GET_FEATURES');
  const first = performance.now() - t0;
  const times: number[] = [];
  for (let i = 0; i < 5; i++)
    for (const s of symbols) {
      const t = performance.now();
      usesOf(index, s);
      times.push(performance.now() - t);
    }
  index.close();
  console.log(`consumers query, in process          first ${first.toFixed(1)} ms, then median ${median(times).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms over ${times.length} (target < 50 ms)`);
  const oneQuery = median(Array.from({ length: 7 }, () => wall(['consumers', '--db', db, 'VHOST_SET_FEATURES'])));
  console.log(`consumers query, one process         median ${oneQuery.toFixed(1)} ms (node start-up and opening the index included)`);
  const plain = median(Array.from({ length: 9 }, () => wall(['--format', 'terse', '--fail-on', 'never', EXAMPLE])));
  const withIndex = median(Array.from({ length: 9 }, () => wall(['--format', 'terse', '--fail-on', 'never', '--consumers', db, EXAMPLE])));
  console.log(`review --consumers, one patch        median ${withIndex.toFixed(1)} ms against ${plain.toFixed(1)} ms without (+${(withIndex - plain).toFixed(1)} ms, opening the index included; target < 20 ms a patch)`);
  await perPatchCost(db);
}

/** What --consumers adds per patch once the index is open: facts again, lookups, verdicts. */
async function perPatchCost(db: string): Promise<void> {
  const { openReview } = await import('../src/engine/index.js');
  const { readInput, bufferChunks } = await import('../src/ingest/read-input.js');
  const { consumerUsesFor } = await import('../src/consumers/review.js');
  const engine = await openReview();
  const reports: Parameters<Awaited<ReturnType<typeof consumerUsesFor>>['apply']>[0][] = [];
  await engine.review(readInput({ name: EXAMPLE, readStdin: () => bufferChunks(Buffer.alloc(0)) }), (r) => {
    reports.push(r);
  });
  engine.close();
  const users = await consumerUsesFor(db, {});
  const times: number[] = [];
  for (let i = 0; i < 20; i++)
    for (const r of reports) {
      const t = performance.now();
      users.apply(r);
      times.push(performance.now() - t);
    }
  users.close();
  console.log(`review --consumers, per patch        median ${median(times).toFixed(2)} ms once the index is open (target < 20 ms)`);
}
