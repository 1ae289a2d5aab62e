// `patch-review kb draft --db PATH --thread MESSAGE-ID`: a knowledge-entry skeleton from an indexed thread.
import type { CommandRun } from '../io.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../../model/errors.js';
import { openInbox } from '../../inbox/store.js';
import { draftFacts, renderDraft } from '../../inbox/draft.js';

const USAGE = 'usage: patch-review kb draft --db PATH --thread MESSAGE-ID [--format markdown|json]';

export const run: CommandRun = async (args, io) => {
  const parsed = parseCommandArgs(args, { db: { type: 'string' }, thread: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"; ${USAGE}`);
  const o = parsed.values;
  if (o.help) {
    io.stdout(`${USAGE}\n\nPrints a knowledge entry skeleton (knowledge/README.md) for the thread holding MESSAGE-ID (a bare\nMessage-ID, <id> or a lore link): symbols, files, versions, outcome and citations filled in from the\nindex; summary, contract and checklist left as TODO for you to write in your own words.\n`);
    return 0;
  }
  if (!o.db) throw new UsageError(`--db PATH is required; ${USAGE}`);
  if (!o.thread) throw new UsageError(`--thread MESSAGE-ID is required; ${USAGE}`);
  const format = o.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json') throw new UsageError(`--format must be markdown or json (got "${format}")`);
  const inbox = await openInbox(o.db);
  try {
    const facts = draftFacts(inbox, o.thread);
    io.stdout(format === 'json' ? JSON.stringify(facts, null, 2) + '\n' : renderDraft(facts, o.db));
  } finally {
    inbox.close();
  }
  return 0;
};
