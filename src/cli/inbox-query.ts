// The shape `related` and `who` share: options, patches in, one opened index, text or JSON out.
import type { CliIO } from './io.js';
import type { Parsed } from './program.js';
import { UsageError } from '../model/errors.js';
import { openInbox, type InboxDb } from '../inbox/store.js';
import { readPatches } from '../inbox/input.js';

export type QueryPatches = Awaited<ReturnType<typeof readPatches>>;

export interface InboxQuery {
  usage: string;
  /** Runs the query; returns the JSON object and the text rendering. */
  answer: (inbox: InboxDb, patches: QueryPatches, limit: number) => { json: object; text: () => string };
}

export async function runInboxQuery(parsed: Parsed, io: CliIO, q: InboxQuery): Promise<number> {
  const o = parsed.opts as { db?: string; format: 'text' | 'json'; limit: string };
  if (!o.db) throw new UsageError(`--db PATH is required; ${q.usage}`);
  const format = o.format;
  const limit = parseLimit(o.limit, 8);
  if (parsed.args.length === 0) throw new UsageError(`no patch given; ${q.usage}`);
  if (parsed.args.filter((p) => p === '-').length > 1) throw new UsageError('"-" (stdin) may be given only once');

  const patches = await readPatches(parsed.args, io.readStdin);
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
