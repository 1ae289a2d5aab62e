// module-param-added: module_param*(name, …) on an added line.
import type { Fact } from '../../model/facts.js';
import { changedLines, lineFact, type FileFactProducer } from './types.js';

const PARAM = /\bmodule_param(?:_named|_cb|_array|_unsafe)?\s*\(\s*([A-Za-z_]\w*)/;

export const moduleParamFacts: FileFactProducer = (file, hunks) => {
  const out: Fact[] = [];
  for (const l of changedLines(hunks)) {
    if (l.kind !== '+') continue;
    const m = PARAM.exec(l.code);
    if (m) out.push(lineFact('module-param-added', m[1]!, file, l, { detail: `new module parameter "${m[1]}"` }));
  }
  return out;
};
