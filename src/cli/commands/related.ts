// `patch-review related --db PATH FILE…`: the threads of the index that discussed what the patches touch.
import { parseArgs } from 'node:util';
import type { CommandRun } from '../io.js';
import { UsageError } from '../../model/errors.js';
import { openInbox } from '../../inbox/store.js';
import { relatedFor } from '../../inbox/related.js';
import { readPatches } from '../../inbox/input.js';
import { renderRelatedText } from '../../inbox/render.js';

const USAGE = 'usage: patch-review related --db PATH [--format text|json] [--limit N] FILE|- …';

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
    io.stdout(`${USAGE}\n\nLists the threads of an index (built with "patch-review inbox index") that discussed the symbols\nthe patches touch: earlier versions of each patch first, then other discussions ranked by shared\nsymbols, review replies naming them, outcome and time.\n`);
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
    const results = patches.map((p) => relatedFor(inbox, p.patch, p.facts, p.coverSubject ? { limit, coverSubject: p.coverSubject } : { limit }));
    io.stdout(format === 'json' ? JSON.stringify({ db: o.db, results }, null, 2) + '\n' : renderRelatedText(results));
  } finally {
    inbox.close();
  }
  return 0;
};

export function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,4}$/.test(value) || Number(value) === 0) throw new UsageError(`--limit must be a positive number (got "${value}")`);
  return Number(value);
}
