// `patch-review inbox index --db PATH SOURCE…` and `inbox stats --db PATH`: the local index of
// list mail that `related`, `who`, `kb draft` and reviews with --inbox read.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import type { CommandRun, CliIO } from '../io.js';
import { UsageError } from '../../model/errors.js';
import { openInbox, lockIndex, resolveIndexPath } from '../../inbox/store.js';
import { indexSources, type SourceStats } from '../../inbox/indexer.js';

const USAGE = 'usage: patch-review inbox index --db PATH SOURCE… | inbox stats --db PATH [--format json]';
const HELP = `${USAGE}

index   adds the mails of each SOURCE to the index at PATH (created when missing). A SOURCE is an
        mbox or mboxrd file (plain or .gz, e.g. what "lei q -o" writes), a public-inbox v2
        repository (the directory holding git/0.git…) or a Maildir (cur/, new/). Re-running only
        adds what is new: unchanged sources are not read, known Message-IDs are skipped.
stats   prints what the index holds.`;

export const run: CommandRun = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === '--help' || sub === '-h') {
    io.stdout(HELP + '\n');
    return 0;
  }
  if (sub === 'index') return index(rest, io);
  if (sub === 'stats') return stats(rest, io);
  throw new UsageError(sub ? `unknown inbox command "${sub}"; ${USAGE}` : USAGE);
};

function opts(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: { db: { type: 'string' }, format: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } } });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; ${USAGE}`);
  }
}

async function index(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = opts(args);
  if (!values.db) throw new UsageError(`--db PATH is required; ${USAGE}`);
  if (positionals.length === 0) throw new UsageError(`no SOURCE given; ${USAGE}`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got "${format}")`);
  const db = resolveIndexPath(values.db);
  const unlock = lockIndex(db);
  try {
    const created = !existsSync(db);
    const inbox = await openInbox(db, { create: true });
    const started = Date.now();
    try {
      const progress = io.isTTY && !values.quiet ? (source: string, n: number) => io.stderr(`\r${source}: ${n} mails read`) : undefined;
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

async function stats(args: string[], io: CliIO): Promise<number> {
  const { values } = opts(args);
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
