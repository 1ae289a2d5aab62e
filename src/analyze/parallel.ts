// reviewStream with N worker threads (--jobs N). The main thread only reads the input and
// splits mboxes into raw mails (streaming, so memory stays flat); workers parse each mail and
// analyse its patch. Results are put back in input order before series state is folded and
// `onReport` runs, so the output is identical to the single-threaded run.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../knowledge/load.js';
import type { IngestItem, RawMailItem } from '../ingest/read-input.js';
import type { PatchReport, RunSummary } from '../model/report.js';
import { addToSummary, emptySummary } from '../model/report.js';
import { InputError } from '../model/errors.js';
import { matchFacts, applyWaivers, sortFindings } from './match.js';
import type { RuleSet } from './rules.js';
import { newSeries, seriesFacts, type SeriesSummary } from './series.js';
import { seriesKeyOf } from './review.js';
import type { DiffContext } from '../diff/facts.js';
import type { UnitRequest, UnitResult } from './unit.js';

/** Merges a patch's series contribution: flags OR, first value wins, counts add up. */
export function mergeSeries(into: SeriesSummary, delta: SeriesSummary): void {
  const target = into as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(delta)) {
    if (k === 'key') continue;
    const cur = target[k];
    if (typeof v === 'boolean') target[k] = Boolean(cur) || v;
    else if (typeof v === 'number') target[k] = (typeof cur === 'number' ? cur : 0) + v;
    else if (cur === null || cur === undefined) target[k] = v;
  }
}

/** A mail's bytes in an ArrayBuffer of their own, so it can be moved to a worker, not copied. */
function ownBytes(raw: Buffer): Uint8Array {
  return new Uint8Array(raw);
}

export async function reviewStreamParallel(
  items: AsyncIterable<IngestItem | RawMailItem>,
  rules: RuleSet,
  onReport: (r: PatchReport) => void | Promise<void>,
  /** lean: the formatters read no hunks or patch text (Formatter.lean), so workers leave them out. */
  opts: { jobs: number; knowledgeDirs: string[]; ctx?: DiffContext; lean?: boolean },
): Promise<RunSummary> {
  // Beside this module when compiled; the compiled one when this code runs from the bundle.
  const sibling = new URL('./worker.js', import.meta.url);
  const workerUrl = existsSync(sibling) ? sibling : pathToFileURL(join(PACKAGE_ROOT, 'dist', 'src', 'analyze', 'worker.js'));
  const workerData = { knowledgeDirs: opts.knowledgeDirs, ctx: opts.ctx ?? {}, lean: opts.lean ?? false };
  // A small young generation per worker: on the archive it saves 20-30 MB of peak memory at
  // no measurable cost in speed (each worker is a whole V8 heap beside the main thread's).
  const workers = Array.from({ length: opts.jobs }, () => new Worker(workerUrl, { workerData, resourceLimits: { maxOldGenerationSizeMb: heapLimitMb(), maxYoungGenerationSizeMb: 8 } }));
  const summary = emptySummary();
  const open = new Map<string, SeriesSummary>();
  const covers = new Map<string, string>();
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
  // Work goes to the worker with the fewest outstanding: one big patch does not hold up the rest.
  const outstanding = workers.map(() => 0);
  workers.forEach((w, i) => {
    w.on('message', (r: UnitResult) => {
      outstanding[i]!--;
      const slot = bySeq.get(r.seq);
      if (slot) slot.result = r;
      wake?.();
    });
    w.on('error', (e) => {
      failure = e;
      wake?.();
    });
  });
  const waitForResult = () => new Promise<void>((res) => (wake = res));
  const MAX_IN_FLIGHT = opts.jobs * 32;
  let seq = 0;

  const skip = (item: Extract<IngestItem, { kind: 'skipped' }>) => {
    summary.skipped[item.reason]++;
    // A cover letter is the thread root its patches refer to (as in reviewStream).
    if (item.reason === 'cover-letter' && item.messageId && (item.prefix.total ?? 0) > 1) {
      covers.set(item.messageId, item.subject);
      if (covers.size > 10_000) covers.delete(covers.keys().next().value as string);
    }
  };

  const finish = async (r: Extract<UnitResult, { patch: unknown }>) => {
    const key = seriesKeyOf(r.patch, covers);
    let s = open.get(key);
    if (!s) {
      s = newSeries(key);
      open.set(key, s);
    }
    mergeSeries(s, r.delta);
    let findings = r.findings;
    const { version, index, total } = r.patch.prefix;
    if (total === null || (index === total && s.seen >= total)) findings = findings.concat(matchFacts(seriesFacts(s), rules));
    // As in reviewStream: the last patch closes its series, whether or not all of it came.
    if (total === null || index === total) open.delete(key);
    if (open.size > 10_000) open.delete(open.keys().next().value as string);
    const report: PatchReport = {
      patch: r.patch,
      files: r.files,
      findings: sortFindings(applyWaivers(findings, r.patch.trailers)),
      series: { key, version, index, total, coverLetter: covers.get(key.split('|')[0]!) ?? null },
    };
    addToSummary(summary, report);
    await onReport(report);
  };

  const drain = async (all: boolean) => {
    while (queue.length > 0 && (all || queue.length >= MAX_IN_FLIGHT || queue[0]!.result)) {
      const head = queue[0]!;
      while (!head.result && !failure) await waitForResult();
      if (failure) throw failure;
      queue.shift();
      bySeq.delete(head.seq);
      const r = head.result!;
      if ('error' in r) throw r.inputError ? new InputError(r.inputError.input, r.inputError.problem) : new Error(r.error);
      if ('skipped' in r) skip(r.skipped);
      else await finish(r);
    }
  };

  const send = (req: UnitRequest, transfer: ArrayBuffer[]) => {
    const least = outstanding.indexOf(Math.min(...outstanding));
    outstanding[least]!++;
    workers[least]!.postMessage(req, transfer);
  };

  try {
    for await (const item of items) {
      if (failure) throw failure;
      const slot: (typeof queue)[number] = { seq: seq++ };
      queue.push(slot);
      bySeq.set(slot.seq, slot);
      if (item.kind === 'skipped') slot.result = { seq: slot.seq, skipped: item };
      else if (item.kind === 'patch') send({ seq: slot.seq, patch: item.patch }, []);
      else {
        const raw = ownBytes(item.raw);
        send({ seq: slot.seq, raw, source: item.source }, [raw.buffer as ArrayBuffer]);
      }
      await drain(false);
    }
    await drain(true);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return summary;
}

/** A worker gets the heap a single process has: the same mail must not fail only with --jobs. */
function heapLimitMb(): number {
  const v8 = process.getBuiltinModule('node:v8') as typeof import('node:v8');
  return Math.floor(v8.getHeapStatistics().heap_size_limit / 1048576);
}
