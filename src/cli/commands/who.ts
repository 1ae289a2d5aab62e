// `patch-review who --db PATH FILE…`: who reviewed changes to these symbols before (Cc suggestions).
import { parseArgs } from 'node:util';
import type { CommandRun } from '../io.js';
import { UsageError } from '../../model/errors.js';
import { openInbox } from '../../inbox/store.js';
import { readPatches } from '../../inbox/input.js';
import { whoFor, authorEmails, renderWhoText } from '../../inbox/who.js';
import { parseLimit } from './related.js';

const USAGE = 'usage: patch-review who --db PATH [--format text|json] [--limit N] FILE|- …';

export const run: CommandRun = async (args, io) => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, format: { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; ${USAGE}`);
  }
  const o = parsed.values;
  if (o.help) {
    io.stdout(`${USAGE}\n\nSuggests Cc: lines from review history: the people who replied to, acked or reviewed earlier\npatches touching the same symbols, or named them in their replies. All patches given are taken\ntogether (a series gets one list); their authors are left out.\n`);
    return 0;
  }
  if (!o.db) throw new UsageError(`--db PATH is required; ${USAGE}`);
  const format = o.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got "${format}")`);
  const limit = parseLimit(o.limit, 8);
  if (parsed.positionals.length === 0) throw new UsageError(`no patch given; ${USAGE}`);
  if (parsed.positionals.filter((p) => p === '-').length > 1) throw new UsageError('"-" (stdin) may be given only once');

  const patches = await readPatches(parsed.positionals, io.readStdin);
  const inbox = await openInbox(o.db);
  try {
    const result = whoFor(
      inbox,
      patches.flatMap((p) => p.facts),
      authorEmails(patches.map((p) => p.patch.author)),
      { limit },
    );
    io.stdout(format === 'json' ? JSON.stringify({ db: o.db, ...result }, null, 2) + '\n' : renderWhoText(result));
  } finally {
    inbox.close();
  }
  return 0;
};
