// A review worker (--jobs N): loads the knowledge snapshot once, then turns each patch it is
// sent into its files, its findings and the patch's contribution to its series summary.
import { parentPort, workerData } from 'node:worker_threads';
import { loadKnowledge } from '../knowledge/load.js';
import { compileRules } from './rules.js';
import { analyzeDiff, type DiffContext } from '../diff/facts.js';
import { matchFacts } from './match.js';
import { foldIntoSeries, newSeries } from './series.js';
import type { Patch } from '../model/patch.js';

export interface WorkerRequest {
  seq: number;
  patch: Patch;
}

const { knowledgeDirs, ctx } = workerData as { knowledgeDirs: string[]; ctx: DiffContext };
const kb = await loadKnowledge(knowledgeDirs);
const rules = compileRules(kb.entries);

parentPort!.on('message', (req: WorkerRequest) => {
  try {
    const { files, facts } = analyzeDiff(req.patch, ctx);
    const delta = newSeries('');
    foldIntoSeries(delta, req.patch, files, facts);
    parentPort!.postMessage({ seq: req.seq, files, findings: matchFacts(facts, rules), delta });
  } catch (e) {
    parentPort!.postMessage({ seq: req.seq, error: (e as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
