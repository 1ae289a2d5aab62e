// Shared by `related` and `who`: the patches of the given files, each with its facts.
import type { Patch } from '../model/patch.js';
import type { Fact } from '../model/facts.js';
import { InputError } from '../model/errors.js';
import { readInput } from '../ingest/read-input.js';
import { analyzeDiff } from '../diff/facts.js';
import { parseSubject } from '../ingest/subject.js';

export interface AnalyzedPatch {
  patch: Patch;
  facts: Fact[];
  /** Subject of the cover letter read just before it in the same input, when the series matches. */
  coverSubject?: string;
}

export async function readPatches(inputs: string[], readStdin: () => AsyncIterable<Buffer>): Promise<AnalyzedPatch[]> {
  const out: AnalyzedPatch[] = [];
  let skipped = 0;
  for (const name of inputs) {
    let cover: { subject: string; version: number; total: number | null } | null = null;
    for await (const item of readInput({ name, readStdin })) {
      if (item.kind === 'skipped') {
        skipped++;
        if (item.reason === 'cover-letter') {
          const { subject, prefix } = parseSubject(item.subject);
          cover = { subject, version: prefix.version, total: prefix.total };
        }
        continue;
      }
      const p = item.patch;
      const a: AnalyzedPatch = { patch: p, facts: analyzeDiff(p).facts };
      // git format-patch and git send-email put the cover letter first; its patches follow.
      if (cover && cover.version === p.prefix.version && cover.total === p.prefix.total) a.coverSubject = cover.subject;
      out.push(a);
    }
  }
  if (out.length === 0) throw new InputError(inputs.join(', '), skipped > 0 ? `no patch found (${skipped} mail${skipped === 1 ? '' : 's'} without a diff or replies)` : 'no patch found');
  return out;
}
