// --consumers for reviews: opens the index once and gives each patch report's findings the use
// sites their change touches. Loaded only when the option (or `consumers:` in the configuration)
// is given; it reads the lookup file beside the index (reader.ts) and never loads a parser.
import type { PatchReport } from '../model/report.js';
import { analyzeDiff, type DiffContext } from '../diff/facts.js';
import { openConsumersReader } from './reader.js';
import { consumersAffected, withConsumerUses } from './affects.js';

export async function consumerUsesFor(path: string, ctx: DiffContext): Promise<{ apply: (r: PatchReport) => PatchReport['findings']; close: () => void }> {
  const index = await openConsumersReader(path);
  const lookup = (s: string, definitions?: boolean) => index.usesOf(s, { all: !!definitions });
  return {
    apply(r) {
      if (r.findings.length === 0) return r.findings;
      // The engine keeps the facts on the report when an index is given: no second analysis.
      const facts = r.facts ?? analyzeDiff(r.patch, ctx).facts;
      return withConsumerUses(r.findings, consumersAffected(r.findings, facts, lookup));
    },
    close: () => index.close(),
  };
}
