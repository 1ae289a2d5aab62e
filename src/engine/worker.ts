// A review worker (--jobs N): opens the engine once, with the knowledge and diff context the
// main thread's engine resolved, then analyses each mail or patch it is sent and sends the
// result back (the main thread judges series and applies the policy, in input order).
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../model/errors.js';
import { openReview } from './index.js';
import type { WorkerSetup } from './parallel.js';
import type { UnitRequest, UnitResult } from './unit.js';

const setup = workerData as WorkerSetup;
const engine = await openReview({ project: null, knowledge: setup.knowledgeDirs, context: setup.ctx, lean: setup.lean });

parentPort!.on('message', (req: UnitRequest) => {
  let result: UnitResult;
  try {
    result = engine.analyze(req);
  } catch (e) {
    const inputError = e instanceof InputError ? { input: e.input, problem: e.problem } : undefined;
    result = { seq: req.seq, error: (e as Error).message, ...(inputError ? { inputError } : {}) };
  }
  parentPort!.postMessage(result);
});
parentPort!.postMessage({ ready: true });
