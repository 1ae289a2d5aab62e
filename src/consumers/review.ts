// --consumers for reviews: opens the index once and gives each patch report's findings the use
// sites their change touches. Loaded only when the option (or `consumers:` in the configuration)
// is given; it reads the index with sql.js and never loads a parser.
import type { PatchReport } from '../model/report.js';
import { analyzeDiff, type DiffContext } from '../diff/facts.js';
import { openConsumers } from './store.js';
import { usesOf } from './query.js';
import { consumersAffected, withConsumerUses } from './affects.js';

export async function consumerUsesFor(path: string, ctx: DiffContext): Promise<{ apply: (r: PatchReport) => PatchReport['findings']; close: () => void }> {
  const index = await openConsumers(path);
  const lookup = (s: string, definitions?: boolean) => usesOf(index, s, { all: !!definitions });
  return {
    apply(r) {
      if (r.findings.length === 0) return r.findings;
      const facts = analyzeDiff(r.patch, ctx).facts;
      return withConsumerUses(r.findings, consumersAffected(r.findings, facts, lookup));
    },
    close: () => index.close(),
  };
}
