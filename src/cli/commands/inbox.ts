// `patch-review inbox index --db PATH SOURCE…` and `inbox stats --db PATH`: the local index of
// list mail that `related`, `who`, `kb draft` and reviews with --inbox read.
import { existsSync } from 'node:fs';
import type { CommandRun, CliIO } from '../io.js';
import { UsageError } from '../../model/errors.js';
import { openInbox, lockIndex, resolveIndexPath } from '../../inbox/store.js';
import { indexSources, type SourceStats } from '../../inbox/indexer.js';

const USAGE = 'usage: patch-review inbox index --db PATH SOURCE… | inbox stats --db PATH [--format json]';

/** The inbox commands' options (program.ts). */
interface InboxOptions {
  db?: string;
  format: 'text' | 'json';
  quiet?: boolean;
}

export const run: CommandRun = async (p, io) => (p.path[1] === 'index' ? index(p.opts as InboxOptions, p.args, io) : stats(p.opts as InboxOptions, io));

async function index(values: InboxOptions, positionals: string[], io: CliIO): Promise<number> {
  if (!values.db) throw new UsageError(`--db PATH is required; ${USAGE}`);
  if (positionals.length === 0) throw new UsageError(`no SOURCE given; ${USAGE}`);
  const format = values.format;
  const db = resolveIndexPath(values.db);
  const unlock = lockIndex(db);
  try {
    const created = !existsSync(db);
    const inbox = await openInbox(db, { create: true });
    const started = Date.now();
    try {
      const progress = io.stderrIsTTY && !values.quiet ? (source: string, n: number) => io.stderr(`\r${source}: ${n} mails read`) : undefined;
      const result = await indexSources(inbox, positionals, { ...(progress ? { onProgress: progress } : {}), checkpoint: () => inbox.save() });
      if (progress) io.stderr('\r\x1b[K');
      const changed = created || result.some((s) => s.added > 0 || !s.unchanged);
      if (changed) inbox.save();
      const total = inbox.one<{ n: number }>('SELECT count(*) AS n FROM messages')?.n ?? 0;
      if (format === 'json') io.stdout(JSON.stringify({ db: values.db, sources: result, messages: total, seconds: (Date.now() - started) / 1000 }) + '\n');
      else {
        for (const s of result) io.stdout(statsLine(s) + '\n');
        io.stdout(`${values.db}: ${total} messages (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      }
    } finally {
      inbox.close();
    }
  } finally {
    unlock();
  }
  return 0;
}

function statsLine(s: SourceStats): string {
  if (s.unchanged) return `${s.source}: unchanged since the last run`;
  return `${s.source} (${s.kind}): ${s.read} read, ${s.added} added (${s.patches} patches, ${s.covers} cover letters, ${s.replies} replies, ${s.other} other), ${s.known} already indexed`;
}

async function stats(values: InboxOptions, io: CliIO): Promise<number> {
  if (!values.db) throw new UsageError(`--db PATH is required; ${USAGE}`);
  const inbox = await openInbox(values.db);
  try {
    const count = (sql: string) => (inbox.one<{ n: number }>(sql)?.n as number) ?? 0;
    const data = {
      messages: count('SELECT count(*) AS n FROM messages'),
      patches: count('SELECT count(*) AS n FROM messages WHERE kind = 1'),
      threads: count('SELECT count(*) AS n FROM threads'),
      people: count('SELECT count(*) AS n FROM people'),
      symbols: count('SELECT count(*) AS n FROM symbols'),
      trailers: count('SELECT count(*) AS n FROM trailers'),
      sources: inbox.all<{ path: string; kind: string; indexed_at: number }>('SELECT path, kind, indexed_at FROM sources ORDER BY id'),
    };
    if (values.format === 'json') io.stdout(JSON.stringify(data) + '\n');
    else {
      io.stdout(`${data.messages} messages (${data.patches} patches) in ${data.threads} threads; ${data.people} people, ${data.symbols} symbols, ${data.trailers} review trailers\n`);
      for (const s of data.sources) io.stdout(`source: ${s.path} (${s.kind}), last indexed ${new Date(s.indexed_at * 1000).toISOString()}\n`);
    }
  } finally {
    inbox.close();
  }
  return 0;
}
