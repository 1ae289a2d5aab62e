// `patch-review consumers index --db DB DIR…` and `patch-review consumers SYMBOL [--db DB]`:
// builds the index of uAPI use sites in the user's checkouts of userspace projects, and answers
// "who uses this".
import { resolve, dirname } from 'node:path';
import type { CommandRun } from '../io.js';
import { UsageError, InputError } from '../../model/errors.js';
import { loadProjectConfig, readGitConfig, mergeConfigs } from '../../config/project-config.js';

const USAGE = 'usage: patch-review consumers index --db DB DIR… | patch-review consumers [--db DB] [--all] [--format text|json] SYMBOL';
/** The index named on the command line, in the configuration, or ./consumers.db. */
async function defaultDb(cwd: string): Promise<string> {
  const file = await loadProjectConfig(cwd);
  const fromGit = await readGitConfig(cwd).catch(() => null);
  const merged = fromGit ? mergeConfigs(file, fromGit) : file;
  return merged.consumers ?? resolve(cwd, 'consumers.db');
}

export const run: CommandRun = async (p, io) => {
  const o = p.opts as { db?: string; format: 'text' | 'json'; all?: boolean };
  const format = o.format;
  if (p.path[1] === 'index') {
    if (!o.db) throw new UsageError(`consumers index needs --db DB; ${USAGE}`);
    if (p.args.length === 0) throw new UsageError(`consumers index needs at least one checkout directory; ${USAGE}`);
    return indexCommand(resolve(io.cwd, o.db), p.args.map((d) => resolve(io.cwd, d)), format, io);
  }
  const [first, ...rest] = p.args;
  if (first === undefined) throw new UsageError(`no symbol given; ${USAGE}`);
  if (rest.length > 0) throw new UsageError(`one symbol at a time (got ${p.args.length}); ${USAGE}`);
  const db = o.db ? resolve(io.cwd, o.db) : await defaultDb(io.cwd);
  const { openConsumersReader } = await import('../../consumers/reader.js');
  const { formatUse, normalizeSymbol } = await import('../../consumers/query.js');
  const index = await openConsumersReader(db);
  if (index.fallback && index.fallback !== 'missing') io.stderr(`${db}.lookup: not used (${index.fallback}); run consumers index --db ${db} DIR… to rewrite it\n`);
  try {
    const uses = index.usesOf(first, { all: !!o.all });
    if (format === 'json') io.stdout(JSON.stringify({ symbol: normalizeSymbol(first), uses }, null, 2) + '\n');
    else if (uses.length === 0) io.stdout(`${normalizeSymbol(first)}: no uses in ${db}${o.all ? '' : ' (--all also lists definitions and mentions)'}\n`);
    else io.stdout(`${normalizeSymbol(first)}: ${uses.length} use${uses.length === 1 ? '' : 's'}\n${uses.map((u) => `  ${formatUse(u)}`).join('\n')}\n`);
    return 0;
  } finally {
    index.close();
  }
};

async function indexCommand(db: string, dirs: string[], format: string, io: Parameters<CommandRun>[1]): Promise<number> {
  const { existsSync, statSync } = await import('node:fs');
  for (const d of dirs) if (!existsSync(d) || !statSync(d).isDirectory()) throw new InputError(d, 'no such checkout directory');
  if (!existsSync(dirname(db))) throw new InputError(db, 'the folder for the index does not exist');
  const { openConsumers, lockConsumers, saveConsumers } = await import('../../consumers/store.js');
  const { indexCheckout } = await import('../../consumers/indexer.js');
  const unlock = lockConsumers(db);
  try {
    const index = await openConsumers(db, { create: true });
    try {
      const results = [];
      for (const d of dirs) {
        const r = await indexCheckout(index, d);
        results.push(r);
        if (format === 'text') {
          const what = r.status === 'up-to-date' ? 'already indexed at this commit' : `${r.parsed} of ${r.files} files parsed, ${r.uses} uses, ${(r.ms / 1000).toFixed(1)} s`;
          io.stdout(`${r.checkout.project} ${r.checkout.version} (${r.checkout.path}): ${what}\n`);
        }
      }
      saveConsumers(index, results.some((r) => r.status === 'indexed'));
      if (format === 'json') io.stdout(JSON.stringify(results.map((r) => ({ ...r.checkout, status: r.status, files: r.files, parsed: r.parsed, uses: r.uses, ms: Math.round(r.ms) })), null, 2) + '\n');
    } finally {
      index.close();
    }
  } finally {
    unlock();
  }
  return 0;
}
