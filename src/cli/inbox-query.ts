// The shape `related` and `who` share: options, patches in, one opened index, text or JSON out.
import type { CliIO } from './io.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from '../model/errors.js';
import { openInbox, type InboxDb } from '../inbox/store.js';
import { readPatches } from '../inbox/input.js';

export type QueryPatches = Awaited<ReturnType<typeof readPatches>>;

export interface InboxQuery {
  usage: string;
  /** What the command does, printed by --help after the usage line. */
  about: string;
  /** Runs the query; returns the JSON object and the text rendering. */
  answer: (inbox: InboxDb, patches: QueryPatches, limit: number) => { json: object; text: () => string };
}

export async function runInboxQuery(args: string[], io: CliIO, q: InboxQuery): Promise<number> {
  const parsed = parseCommandArgs(args, { db: { type: 'string' }, format: { type: 'string' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, q.usage);
  const o = parsed.values;
  if (o.help) {
    io.stdout(`${q.usage}\n\n${q.about}\n`);
    return 0;
  }
  if (!o.db) throw new UsageError(`--db PATH is required; ${q.usage}`);
  const format = o.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got "${format}")`);
  const limit = parseLimit(o.limit, 8);
  if (parsed.positionals.length === 0) throw new UsageError(`no patch given; ${q.usage}`);
  if (parsed.positionals.filter((p) => p === '-').length > 1) throw new UsageError('"-" (stdin) may be given only once');

  const patches = await readPatches(parsed.positionals, io.readStdin);
  const inbox = await openInbox(o.db);
  try {
    const a = q.answer(inbox, patches, limit);
    io.stdout(format === 'json' ? JSON.stringify({ db: o.db, ...a.json }, null, 2) + '\n' : a.text());
  } finally {
    inbox.close();
  }
  return 0;
}

export function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,4}$/.test(value) || Number(value) === 0) throw new UsageError(`--limit must be a positive number (got "${value}")`);
  return Number(value);
}
