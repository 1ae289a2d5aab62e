// A review worker (--jobs N): loads the knowledge snapshot once, then analyses each mail or
// patch it is sent (analyzeUnit) and sends the result back.
import { parentPort, workerData } from 'node:worker_threads';
import { loadKnowledge } from '../knowledge/load.js';
import { compileRules } from './rules.js';
import type { DiffContext } from '../diff/facts.js';
import { analyzeUnit, type UnitRequest, type UnitResult } from './unit.js';
import { InputError } from '../model/errors.js';

const { knowledgeDirs, ctx, lean } = workerData as { knowledgeDirs: string[]; ctx: DiffContext; lean: boolean };
const kb = await loadKnowledge(knowledgeDirs);
const rules = compileRules(kb.entries);

parentPort!.on('message', (req: UnitRequest) => {
  let result: UnitResult;
  try {
    result = analyzeUnit(req, rules, ctx, lean);
  } catch (e) {
    const inputError = e instanceof InputError ? { input: e.input, problem: e.problem } : undefined;
    result = { seq: req.seq, error: (e as Error).message, ...(inputError ? { inputError } : {}) };
  }
  parentPort!.postMessage(result);
});
parentPort!.postMessage({ ready: true });
