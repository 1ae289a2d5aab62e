// `patch-review facts INPUT…`: the typed facts the diff stage extracts, one JSON object per
// line. For knowledge authors: this is exactly what triggers are matched against.
import type { CommandRun } from '../io.js';
import { UsageError } from '../../model/errors.js';
import { readInput } from '../../ingest/read-input.js';
import { analyzeDiff } from '../../diff/facts.js';

export const run: CommandRun = async (args, io) => {
  const kinds = new Set<string>();
  let headersDir: string | undefined;
  const inputs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--kind') kinds.add(args[++i] ?? '');
    else if (args[i] === '--headers') headersDir = args[++i];
    else if (args[i]!.startsWith('--') ) throw new UsageError(`unknown option ${args[i]}; usage: patch-review facts [--kind KIND]… [--headers DIR] INPUT…`);
    else inputs.push(args[i]!);
  }
  if (inputs.length === 0) throw new UsageError('usage: patch-review facts [--kind KIND]… [--headers DIR] INPUT…');
  const lines: string[] = [];
  for (const name of inputs) {
    for await (const item of readInput({ name, readStdin: io.readStdin })) {
      if (item.kind !== 'patch') continue;
      for (const f of analyzeDiff(item.patch, headersDir ? { headersDir } : {}).facts) {
        if (kinds.size === 0 || kinds.has(f.kind)) lines.push(JSON.stringify({ patch: item.patch.subject, ...f, text: undefined }));
      }
    }
  }
  io.stdout(lines.join('\n') + (lines.length ? '\n' : ''));
  return 0;
};
