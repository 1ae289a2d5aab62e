// Consumers index figures: indexing real checkouts, "who uses" queries, and what --consumers adds
// to a review. The checkouts are the user's own: PATCH_REVIEW_CONSUMERS (colon-separated
// directories), else every git checkout in ../consumers beside the package; none: skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../src/io/paths.js';

const BIN = join(PACKAGE_ROOT, 'bin', 'patch-review.js');
const EXAMPLE = join(PACKAGE_ROOT, 'examples', '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');

function checkouts(): string[] {
  const env = process.env['PATCH_REVIEW_CONSUMERS'];
  if (env) return env.split(':').filter((d) => d && existsSync(join(d, '.git')));
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
  // Baselines from the same run: the database read with SQLite (the lookup file moved aside).
  const lookup = `${db}.lookup`;
  const aside = `${db}.lookup.aside`;
  const withoutLookup = <T>(f: () => T): T => {
    renameSync(lookup, aside);
    try {
      return f();
    } finally {
      renameSync(aside, lookup);
    }
  };
  const viaLookup = firstQuery(db);
  const viaSqlite = withoutLookup(() => firstQuery(db));
  console.log(`consumers query, fresh process       open + first query ${viaLookup.first.toFixed(1)} ms (import ${viaLookup.load.toFixed(1)} ms), then median ${viaLookup.median.toFixed(2)} ms, through the lookup file; SQLite: ${viaSqlite.first.toFixed(1)} ms (import ${viaSqlite.load.toFixed(1)} ms), then ${viaSqlite.median.toFixed(2)} ms (target < 50 ms)`);
  const oneQuery = median(Array.from({ length: 7 }, () => wall(['consumers', '--db', db, 'VHOST_SET_FEATURES'])));
  const oneQuerySql = withoutLookup(() => median(Array.from({ length: 7 }, () => wall(['consumers', '--db', db, 'VHOST_SET_FEATURES']))));
  console.log(`consumers query, one process         median ${oneQuery.toFixed(1)} ms through the lookup file, ${oneQuerySql.toFixed(1)} ms through SQLite (node start-up included)`);
  // Interleaved, so a machine whose load drifts during the run weighs on all three alike.
  const args = (extra: string[]) => ['--format', 'terse', '--fail-on', 'never', ...extra, EXAMPLE];
  const runs = { plain: [] as number[], lookup: [] as number[], sqlite: [] as number[] };
  for (let i = 0; i < 11; i++) {
    runs.plain.push(wall(args([])));
    runs.lookup.push(wall(args(['--consumers', db])));
    runs.sqlite.push(withoutLookup(() => wall(args(['--consumers', db]))));
  }
  const [plain, withIndex, withSql] = [median(runs.plain), median(runs.lookup), median(runs.sqlite)];
  console.log(`review --consumers, one patch        median ${withIndex.toFixed(1)} ms against ${plain.toFixed(1)} ms without (+${(withIndex - plain).toFixed(1)} ms through the lookup file, +${(withSql - plain).toFixed(1)} ms through SQLite; opening the index included; target < 20 ms a patch)`);
  await perPatchCost(db);
}

/** In a fresh node process: loading the reader, opening the index and the first query; then the median of more. */
function firstQuery(db: string): { load: number; first: number; median: number } {
  const reader = pathToFileURL(join(PACKAGE_ROOT, 'dist', 'src', 'consumers', 'reader.js')).href;
  const code = `const t0 = performance.now();
const { openConsumersReader } = await import(${JSON.stringify(reader)});
const t1 = performance.now();
const index = await openConsumersReader(${JSON.stringify(db)});
index.usesOf('VHOST_GET_FEATURES');
const t2 = performance.now();
const times = [];
for (let i = 0; i < 5; i++) for (const s of ${JSON.stringify(SYMBOLS)}) { const t = performance.now(); index.usesOf(s); times.push(performance.now() - t); }
times.sort((a, b) => a - b);
console.log(JSON.stringify({ load: t1 - t0, first: t2 - t1, median: times[times.length >> 1] }));`;
  const runs = Array.from({ length: 5 }, () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`consumers query probe failed: ${r.stderr.trim().split('\n')[0]}`);
    return JSON.parse(r.stdout) as { load: number; first: number; median: number };
  });
  return { load: median(runs.map((r) => r.load)), first: median(runs.map((r) => r.first)), median: median(runs.map((r) => r.median)) };
}

const SYMBOLS = ['VHOST_SET_FEATURES', '@features:vhost', 'struct vhost_vring_addr', 'VHOST_USER_SET_MEM_TABLE', 'VIRTIO_F_ACCESS_PLATFORM', 'VHOST_USER_*'];

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
