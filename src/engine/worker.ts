// A review worker (--jobs N): opens the engine once, with the knowledge and diff context the
// main thread's engine resolved, then analyses each batch of mails or patches it is sent and
// sends their results back (the main thread judges series and applies the policy, in input order).
import { parentPort, workerData } from 'node:worker_threads';
import { openReview } from './index.js';
import type { WorkerSetup } from './parallel.js';
import { settle, type UnitRequest, type UnitResult } from './unit.js';

const setup = workerData as WorkerSetup;
const engine = await openReview({ project: null, knowledge: setup.knowledgeDirs, context: setup.ctx, lean: setup.lean });

parentPort!.on('message', (batch: UnitRequest[]) => {
  const results: UnitResult[] = batch.map((req) => settle(req, (r) => engine.analyze(r)));
  parentPort!.postMessage(results);
});
parentPort!.postMessage({ ready: true });
