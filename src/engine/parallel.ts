// The engine's review loop with N worker threads (--jobs N). The main thread only reads the
// input and splits mboxes into raw mails (streaming, so memory stays flat); workers parse each
// mail and analyse its patch (unit.ts), a batch of mails per message. Results are put back in
// input order before the engine folds series state and calls `onReport`, so the output is
// identical to the one-thread run.
//
// Memory: each worker is a V8 heap of its own, kept small (WORKER_HEAP_MB); a mail too big for
// that (BIG_UNIT_BYTES and over, like issue 19's 25 MB mail with 200,000 hunks) is analysed on
// the main thread, which has the heap a single process has.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPILED_SRC } from '../io/paths.js';
import type { IngestItem, RawMailItem } from '../ingest/read-input.js';
import { InputError } from '../model/errors.js';
import type { DiffContext } from '../diff/facts.js';
import { settle, type AnalyzedPatch, type UnitRequest, type UnitResult } from './unit.js';

/** What a worker is started with (worker.ts opens its own engine from it). */
export interface WorkerSetup {
  knowledgeDirs: string[];
  ctx: DiffContext;
  lean: boolean;
}

/** A worker's old generation: ample for any unit under BIG_UNIT_BYTES. */
export const WORKER_HEAP_MB = 256;
/** Mails (or patches) this large are analysed on the main thread, with the process's whole heap. */
export const BIG_UNIT_BYTES = 2 * 1024 * 1024;
/** A batch goes to a worker when it holds this many units or bytes (or when its results are awaited). */
const BATCH_UNITS = 16;
const BATCH_BYTES = 512 * 1024;

/** A mail's bytes in an ArrayBuffer of their own, so it can be moved to a worker, not copied. */
function ownBytes(raw: Buffer): Uint8Array {
  return new Uint8Array(raw);
}

/**
 * Analyses items on `jobs` worker threads (big ones with `analyzeHere`, on this thread) and hands
 * each result, in input order, to `skipped` or `analyzed` (the engine's series tracking and policy).
 */
export async function analyzeInParallel(
  items: AsyncIterable<IngestItem | RawMailItem>,
  jobs: number,
  setup: WorkerSetup,
  skipped: (item: Extract<IngestItem, { kind: 'skipped' }>) => void,
  analyzed: (r: AnalyzedPatch) => Promise<void>,
  analyzeHere: (req: UnitRequest) => UnitResult,
  bigUnitBytes = BIG_UNIT_BYTES,
): Promise<void> {
  // Beside this module when compiled; the compiled one when this code runs from the bundle.
  const sibling = new URL('./worker.js', import.meta.url);
  const workerUrl = existsSync(sibling) ? sibling : pathToFileURL(join(COMPILED_SRC, 'engine', 'worker.js'));
  const workerData: WorkerSetup = setup;
  // A small young generation per worker: on the archive it saves 20-30 MB of peak memory at
  // no measurable cost in speed (each worker is a whole V8 heap beside the main thread's).
  const workers = Array.from({ length: jobs }, () => new Worker(workerUrl, { workerData, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 8 } }));
  // Items in input order, each waiting for its result (skipped mails read here have it at once).
  const queue: { seq: number; result?: UnitResult }[] = [];
  const bySeq = new Map<number, (typeof queue)[number]>();
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const ready = workers.map((w) => new Promise<void>((res, rej) => {
    w.once('error', rej);
    w.once('message', () => res());
  }));
  await Promise.all(ready);
  const outstanding = workers.map(() => 0);
  workers.forEach((w, i) => {
    w.on('message', (results: UnitResult[]) => {
      outstanding[i]!--;
      for (const r of results) {
        const slot = bySeq.get(r.seq);
        if (slot) slot.result = r;
      }
      wake?.();
    });
    w.on('error', (e) => {
      failure = e;
      wake?.();
    });
  });
  const waitForResult = () => new Promise<void>((res) => (wake = res));
  const MAX_IN_FLIGHT = jobs * 4 * BATCH_UNITS;
  let seq = 0;

  // Work goes out in batches, to the worker with the fewest outstanding: one big patch does not hold up the rest.
  let batch: UnitRequest[] = [];
  let transfer: ArrayBuffer[] = [];
  let batchBytes = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const least = outstanding.indexOf(Math.min(...outstanding));
    outstanding[least]!++;
    workers[least]!.postMessage(batch, transfer);
    batch = [];
    transfer = [];
    batchBytes = 0;
  };
  const send = (req: UnitRequest, bytes: number, moved?: ArrayBuffer) => {
    batch.push(req);
    if (moved) transfer.push(moved);
    batchBytes += bytes;
    if (batch.length >= BATCH_UNITS || batchBytes >= BATCH_BYTES) flush();
  };

  const drain = async (all: boolean) => {
    while (queue.length > 0 && (all || queue.length >= MAX_IN_FLIGHT || queue[0]!.result)) {
      const head = queue[0]!;
      if (!head.result) flush();
      while (!head.result && !failure) await waitForResult();
      if (failure) throw failure;
      queue.shift();
      bySeq.delete(head.seq);
      const r = head.result!;
      if ('error' in r) throw r.inputError ? new InputError(r.inputError.input, r.inputError.problem) : new Error(r.error);
      if ('skipped' in r) skipped(r.skipped);
      else await analyzed(r);
    }
  };

  try {
    for await (const item of items) {
      if (failure) throw failure;
      const slot: (typeof queue)[number] = { seq: seq++ };
      queue.push(slot);
      bySeq.set(slot.seq, slot);
      if (item.kind === 'skipped') slot.result = { seq: slot.seq, skipped: item };
      else if (item.kind === 'patch') {
        const req = { seq: slot.seq, patch: item.patch };
        if (item.patch.diff.length >= bigUnitBytes) slot.result = settle(req, analyzeHere);
        else send(req, item.patch.diff.length);
      } else if (item.raw.length >= bigUnitBytes) slot.result = settle({ seq: slot.seq, raw: item.raw, source: item.source }, analyzeHere);
      else {
        const raw = ownBytes(item.raw);
        send({ seq: slot.seq, raw, source: item.source }, raw.length, raw.buffer as ArrayBuffer);
      }
      await drain(false);
    }
    await drain(true);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
