// reviewStream with N worker threads (--jobs N). The main thread reads and splits the input
// (streaming, so memory stays flat), workers analyse patches, and results are put back in
// input order before series state is folded and `onReport` runs: output is identical to
// the single-threaded run.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../knowledge/load.js';
import type { IngestItem } from '../ingest/read-input.js';
import type { PatchReport, RunSummary } from '../model/report.js';
import { addToSummary, emptySummary } from '../model/report.js';
import type { Finding } from '../model/finding.js';
import type { FileDiff } from '../model/diff.js';
import { matchFacts, applyWaivers, sortFindings } from './match.js';
import type { RuleSet } from './rules.js';
import { newSeries, seriesFacts, type SeriesSummary } from './series.js';
import { seriesKeyOf } from './review.js';
import type { Patch } from '../model/patch.js';
import type { DiffContext } from '../diff/facts.js';

interface WorkerResult {
  seq: number;
  files?: FileDiff[];
  findings?: Finding[];
  delta?: SeriesSummary;
  error?: string;
}

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

export async function reviewStreamParallel(
  items: AsyncIterable<IngestItem>,
  rules: RuleSet,
  onReport: (r: PatchReport) => void | Promise<void>,
  opts: { jobs: number; knowledgeDirs: string[]; ctx?: DiffContext },
): Promise<RunSummary> {
  // Beside this module when compiled; the compiled one when this code runs from the bundle.
  const sibling = new URL('./worker.js', import.meta.url);
  const workerUrl = existsSync(sibling) ? sibling : pathToFileURL(join(PACKAGE_ROOT, 'dist', 'src', 'analyze', 'worker.js'));
  const workers = Array.from({ length: opts.jobs }, () => new Worker(workerUrl, { workerData: { knowledgeDirs: opts.knowledgeDirs, ctx: opts.ctx ?? {} }, resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16 } }));
  const summary = emptySummary();
  const open = new Map<string, SeriesSummary>();
  const covers = new Map<string, string>();
  // Items in input order: patches wait here for their worker result.
  const queue: { seq: number; patch: Patch; key: string; cover: string | null; result?: WorkerResult }[] = [];
  const bySeq = new Map<number, (typeof queue)[number]>();
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const ready = workers.map((w) => new Promise<void>((res, rej) => {
    w.once('error', rej);
    w.once('message', () => res());
  }));
  await Promise.all(ready);
  for (const w of workers) {
    w.on('message', (r: WorkerResult) => {
      const slot = bySeq.get(r.seq);
      if (slot) slot.result = r;
      wake?.();
    });
    w.on('error', (e) => {
      failure = e;
      wake?.();
    });
  }
  const waitForResult = () => new Promise<void>((res) => (wake = res));
  const MAX_IN_FLIGHT = opts.jobs * 8;
  let seq = 0;
  let next = 0;

  const drain = async (all: boolean) => {
    while (queue.length > 0 && (all || queue.length >= MAX_IN_FLIGHT)) {
      const head = queue[0]!;
      while (!head.result && !failure) await waitForResult();
      if (failure) throw failure;
      queue.shift();
      bySeq.delete(head.seq);
      const r = head.result!;
      if (r.error) throw new Error(r.error);
      let s = open.get(head.key);
      if (!s) {
        s = newSeries(head.key);
        open.set(head.key, s);
      }
      mergeSeries(s, r.delta!);
      let findings = r.findings!;
      const { version, index, total } = head.patch.prefix;
      if (total === null || (index === total && s.seen >= total)) {
        findings = findings.concat(matchFacts(seriesFacts(s), rules));
        open.delete(head.key);
      }
      if (open.size > 10_000) open.delete(open.keys().next().value as string);
      const report: PatchReport = {
        patch: head.patch,
        files: r.files!,
        findings: sortFindings(applyWaivers(findings, head.patch.trailers)),
        series: { key: head.key, version, index, total, coverLetter: head.cover },
      };
      addToSummary(summary, report);
      await onReport(report);
    }
  };

  try {
    for await (const item of items) {
      if (failure) throw failure;
      if (item.kind === 'skipped') {
        summary.skipped[item.reason]++;
        if (item.reason === 'cover-letter' && item.messageId && (item.prefix.total ?? 0) > 1) covers.set(item.messageId, item.subject);
        continue;
      }
      const key = seriesKeyOf(item.patch, covers);
      // What is known when the patch is read, exactly as in the single-threaded run.
      const slot = { seq: seq++, patch: item.patch, key, cover: covers.get(key.split('|')[0]!) ?? null };
      queue.push(slot);
      bySeq.set(slot.seq, slot);
      workers[next++ % workers.length]!.postMessage({ seq: slot.seq, patch: item.patch });
      await drain(false);
    }
    await drain(true);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return summary;
}
