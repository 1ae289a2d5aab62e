// Shared test helpers: paths, the shared corpus (optional), and running the CLI in-process.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../src/io/paths.js';
import { main } from '../src/cli/main.js';
import type { CliIO } from '../src/cli/io.js';
import { bufferChunks } from '../src/ingest/read-input.js';

export const ROOT = PACKAGE_ROOT;
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const EXAMPLES = join(ROOT, 'examples');
export const SHARED = resolve(ROOT, '..', 'shared');
export const CORPUS = join(SHARED, 'corpus');
export const HAVE_CORPUS = existsSync(join(CORPUS, 'dev', 'labels.jsonl'));
export const NO_CORPUS_REASON = `../shared/corpus not found beside the checkout (${CORPUS}): corpus tests skipped`;

export const fixture = (name: string) => join(FIXTURES, name);

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output. */
export async function runCli(args: string[], opts: { stdin?: Buffer | AsyncIterable<Buffer>; cwd?: string; isTTY?: boolean } = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: () => (Buffer.isBuffer(opts.stdin) || opts.stdin === undefined ? bufferChunks(opts.stdin ?? Buffer.alloc(0)) : opts.stdin),
    isTTY: opts.isTTY ?? false,
    cwd: opts.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: '1' },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
