// `npm run fuzz -- [--target mail|diff] [--seconds N]`: a small coverage-guided fuzzer.
// Jazzer.js's prebuilt engine needs a newer glibc than this project's machines have, so we
// guide mutation with V8's own precise block coverage (node:inspector): an input that makes
// any block of our code run for the first time joins the corpus. Crashes (anything but the
// tool's InputError) and hangs are saved under test/fuzz-regressions/, which the test suite
// replays.
import { Session } from 'node:inspector';
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../src/io/paths.js';
import { InputError } from '../src/model/errors.js';
import { TARGETS } from './targets.js';
import { mutate, type Rng } from './mutate.js';
import { GENERATORS } from './generators.js';
import { useKnowledge } from './targets.js';
import { loadKnowledge } from '../src/knowledge/load.js';

const REGRESSIONS = join(PACKAGE_ROOT, 'test', 'fuzz-regressions');
const SLOW_MS = 2000;

function post<T>(session: Session, method: string, params?: object): T {
  let result: T | undefined;
  let error: Error | null = null;
  // Same-thread inspector sessions answer synchronously.
  session.post(method, params ?? {}, (err, res) => {
    error = err;
    result = res as T;
  });
  if (error) throw error;
  return result as T;
}

interface Coverage {
  result: { url: string; functions: { ranges: { startOffset: number; endOffset: number; count: number }[] }[] }[];
}

/** Seeds are our own files only: saved crashers go into the repository, list mail must not. */
function seeds(): Buffer[] {
  const dirs = [join(PACKAGE_ROOT, 'examples'), join(PACKAGE_ROOT, 'test', 'fixtures')];
  const out: Buffer[] = [];
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) if (/\.(patch|diff|eml)$/.test(f)) out.push(readFileSync(join(d, f)));
  }
  return out.length ? out : [Buffer.from('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n')];
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

async function main(): Promise<void> {
  const targetName = arg('--target', 'mail');
  const seconds = Number(arg('--seconds', '60'));
  // A fixed --seed makes a CI run repeat the same inputs (as far as the time budget reaches).
  const seedArg = arg('--seed', '');
  useKnowledge((await loadKnowledge()).entries);
  const target = TARGETS[targetName];
  if (!target || !Number.isFinite(seconds) || seconds <= 0) {
    console.error(`fuzz: usage: npm run fuzz -- [--target ${Object.keys(TARGETS).join('|')}] [--seconds N]`);
    process.exitCode = 2;
    return;
  }
  const session = new Session();
  session.connect();
  post(session, 'Profiler.enable');
  post(session, 'Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  const seen = new Set<string>();
  const newBlocks = (): number => {
    const cov = post<Coverage>(session, 'Profiler.takePreciseCoverage');
    let fresh = 0;
    for (const script of cov.result) {
      if (!script.url.includes('/dist/src/')) continue;
      for (const fn of script.functions) {
        for (const r of fn.ranges) {
          if (r.count === 0) continue;
          const key = `${script.url}:${r.startOffset}:${r.endOffset}`;
          if (!seen.has(key)) {
            seen.add(key);
            fresh++;
          }
        }
      }
    }
    return fresh;
  };
  let state = (0x9e3779b9 ^ (seedArg ? Number(seedArg) : Date.now())) | 1;
  const rng: Rng = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const corpus = seeds();
  for (const s of corpus) run(s);
  newBlocks();
  let execs = 0;
  let crashes = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    // One input in four from a structured generator of hostile shapes, the rest mutated.
    const kinds = Object.keys(GENERATORS);
    const input = rng() < 0.25 ? GENERATORS[kinds[execs % kinds.length]!]!(rng) : mutate(corpus[Math.floor(rng() * corpus.length)]!, corpus, rng);
    const t = Date.now();
    const err = run(input);
    const ms = Date.now() - t;
    execs++;
    if (err || ms > SLOW_MS) {
      crashes++;
      save(targetName, input, err ? `${err.name}: ${err.message}` : `slow: ${ms} ms`);
    }
    if (newBlocks() > 0 && input.length < 1 << 20) corpus.push(input);
  }
  console.log(`fuzz ${targetName}: ${execs} executions in ${seconds} s, corpus ${corpus.length}, ${seen.size} blocks covered, ${crashes} crash(es)`);
  if (crashes > 0) process.exitCode = 1;

  function run(input: Buffer): Error | null {
    try {
      target!(input);
      return null;
    } catch (e) {
      return e instanceof InputError ? null : (e as Error);
    }
  }
}

function save(target: string, input: Buffer, why: string): void {
  mkdirSync(REGRESSIONS, { recursive: true });
  const name = `${target}-${createHash('sha1').update(input).digest('hex').slice(0, 12)}.bin`;
  writeFileSync(join(REGRESSIONS, name), input);
  console.log(`fuzz: ${why.split('\n')[0]} -> test/fuzz-regressions/${name}`);
}

await main();
