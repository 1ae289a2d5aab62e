// `patch-review facts INPUT…`: the typed facts the diff stage extracts, one JSON object per
// line. For knowledge authors: this is exactly what triggers are matched against.
import type { CommandRun } from '../io.js';
import { readInput } from '../../ingest/read-input.js';
import { analyzeDiff } from '../../diff/facts.js';

export const run: CommandRun = async (p, io) => {
  const o = p.opts as { kind?: string[]; headers?: string };
  const kinds = new Set(o.kind ?? []);
  const headersDir = o.headers;
  const inputs = p.args;
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
