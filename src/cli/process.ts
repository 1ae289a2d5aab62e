// The process edge of the CLI: real stdin/stdout/stderr, and errors turned into one line.
import type { CliIO } from './io.js';
import { InputError, UsageError } from '../model/errors.js';

export function processIO(): CliIO {
  return {
    stdout: (t) => {
      process.stdout.write(t);
    },
    stderr: (t) => {
      process.stderr.write(t);
    },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    },
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** One line on stderr, never a stack trace. 2 = usage or input error, 3 = our own bug. */
export function reportError(e: unknown, io: CliIO): number {
  // By name, not instanceof: the bundled review command has its own copy of these classes.
  if (e instanceof InputError || e instanceof UsageError || isToolError(e)) {
    io.stderr(`patch-review: ${oneLine(e.message)}\n`);
    return 2;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED')) return 0;
  if (err && typeof err.code === 'string' && err.code.startsWith('E') && err.path) {
    io.stderr(`patch-review: ${err.path}: ${err.code}\n`);
    return 2;
  }
  io.stderr(`patch-review: internal error: ${oneLine(err?.message ?? String(e))} (please report this with the input)\n`);
  return 3;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').slice(0, 500);
}

function isToolError(e: unknown): e is Error {
  return e instanceof Error && (e.name === 'InputError' || e.name === 'UsageError');
}
