// `patch-review kb draft --db PATH --thread MESSAGE-ID`: a knowledge-entry skeleton from an indexed thread.
import type { CommandRun } from '../io.js';
import { UsageError } from '../../model/errors.js';
import { openInbox } from '../../inbox/store.js';
import { draftFacts, renderDraft } from '../../inbox/draft.js';

const USAGE = 'usage: patch-review kb draft --db PATH --thread MESSAGE-ID [--format markdown|json]';

export const run: CommandRun = async (p, io) => {
  const o = p.opts as { db?: string; thread?: string; format: string };
  if (!o.db) throw new UsageError(`--db PATH is required; ${USAGE}`);
  if (!o.thread) throw new UsageError(`--thread MESSAGE-ID is required; ${USAGE}`);
  const format = o.format;
  const inbox = await openInbox(o.db);
  try {
    const facts = draftFacts(inbox, o.thread);
    io.stdout(format === 'json' ? JSON.stringify(facts, null, 2) + '\n' : renderDraft(facts, o.db));
  } finally {
    inbox.close();
  }
  return 0;
};
