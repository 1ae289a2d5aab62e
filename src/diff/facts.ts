// The diff stage's entry point: a patch → its files and typed facts.
import type { Patch } from '../model/patch.js';
import type { FileDiff } from '../model/diff.js';
import type { Fact } from '../model/facts.js';
import { parseUnifiedDiff } from './parse.js';
import { annotateFile } from './annotate.js';
import type { FileFactProducer } from './facts/types.js';
import { symbolFacts } from './facts/symbols.js';
import { functionFacts } from './facts/functions.js';
import { opFacts } from './facts/ops.js';
import { errorReturnFacts } from './facts/errors.js';
import { moduleParamFacts } from './facts/module-params.js';
import { waitFacts } from './facts/waits.js';
import { maskFacts } from './facts/masks.js';
import { fileFacts } from './facts/files.js';
import { uapiDefineFacts } from './facts/uapi-defines.js';
import { patchFacts } from './facts/patch-level.js';

/** Every producer runs on every file; order only affects the order of facts. */
export const FILE_PRODUCERS: FileFactProducer[] = [
  fileFacts,
  uapiDefineFacts,
  maskFacts,
  opFacts,
  errorReturnFacts,
  moduleParamFacts,
  waitFacts,
  functionFacts,
  symbolFacts,
];

export interface DiffResult {
  files: FileDiff[];
  facts: Fact[];
}

export function analyzeDiff(patch: Patch): DiffResult {
  const files = parseUnifiedDiff(patch.diff);
  const facts: Fact[] = [];
  for (const file of files) {
    if (file.binary || file.hunks.length === 0) {
      facts.push(...fileFacts(file, []));
      continue;
    }
    const hunks = annotateFile(file);
    for (const produce of FILE_PRODUCERS) facts.push(...produce(file, hunks));
  }
  facts.push(...patchFacts(patch, files));
  return { files, facts };
}
