// Fuzz targets: each takes bytes and must either succeed or throw the tool's InputError.
import { parseMail } from '../src/ingest/mail.js';
import { extractPatch } from '../src/ingest/extract.js';
import { parseUnifiedDiff } from '../src/diff/parse.js';
import { analyzeDiff } from '../src/diff/facts.js';
import { patchFromDiff } from '../src/ingest/raw-diff.js';

import { gunzipSync } from 'node:zlib';
import { compileRules } from '../src/analyze/rules.js';
import { matchFacts } from '../src/analyze/match.js';
import { safeReport } from '../src/report/escape.js';
import { terseFormatter } from '../src/report/terse.js';
import { MAX_SINGLE_FILE } from '../src/ingest/read-input.js';
import type { RuleSet } from '../src/analyze/rules.js';
import type { Entry } from '../src/knowledge/entry.js';

export type Target = (data: Buffer) => void;

let rules: RuleSet | null = null;
/** The knowledge base's rules, set by the runner (loading it is async). */
export function useKnowledge(entries: Entry[]): void {
  rules = compileRules(entries);
}

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f]/;


export const TARGETS: Record<string, Target> = {
  /** A raw mail all the way to facts. */
  mail: (data) => {
    if (data[0] === 0x1f && data[1] === 0x8b) {
      // Bounded as the CLI bounds it: past the single-file limit is a refusal, not an allocation.
      try {
        data = gunzipSync(data, { maxOutputLength: MAX_SINGLE_FILE });
      } catch {
        return;
      }
    }
    const r = extractPatch(parseMail(data), 'fuzz');
    if (!('patch' in r)) return;
    const { files, facts } = analyzeDiff(r.patch);
    if (!rules) return;
    // Oracle: a terse report of the findings is one line per finding, with no control character.
    const findings = matchFacts(facts, rules);
    const out = terseFormatter({ color: false, tool: { name: 'fuzz', version: '0' }, siteUrl: 'https://x', rulesMeta: rules.meta }).patch(safeReport({ patch: r.patch, files, findings }, true));
    if (CONTROL.test(out)) throw new Error(`control character in the report: ${JSON.stringify(out.slice(0, 200))}`);
    // Terse lists the open findings at warning or above, one line each (notes with --verbose).
    const shown = findings.filter((f) => f.severity !== 'note' && !f.acknowledged).length;
    if (out.split('\n').filter((l) => l !== '').length !== shown) throw new Error('a finding took more than one terse line');
  },
  /** A unified diff all the way to facts. */
  diff: (data) => {
    const text = data.toString('utf8');
    parseUnifiedDiff(text);
    analyzeDiff(patchFromDiff(text, 'fuzz'));
  },
};
