// The process edge of the CLI: real stdin/stdout/stderr, and errors turned into one line.
import { fstatSync, writeSync } from 'node:fs';
import type { CliIO } from './io.js';
import { InputError, UsageError } from '../model/errors.js';
import { escapeControls, oneLine } from '../report/escape.js';

/**
 * Output is written synchronously to the file descriptors rather than through process.stdout:
 * a run that starts once per patch does not pay for setting up Node's stream, socket and tty
 * modules; a slow reader holds the writer back instead of letting output pile up in memory;
 * and a closed pipe (`| head`) is an EPIPE thrown here, which reportError turns into a quiet end.
 */
export function processIO(): CliIO {
  let stdoutTTY: boolean | undefined;
  let stderrTTY: boolean | undefined;
  return {
    stdout: (t) => writeAll(1, t),
    stderr: (t) => writeAll(2, t),
    readStdin: stdinChunks,
    get isTTY() {
      return (stdoutTTY ??= isTerminal(1));
    },
    get columns() {
      // Asked only when stdout is a terminal: process.stdout loads the tty module.
      const env = Number(process.env['COLUMNS']);
      return isTerminal(1) ? process.stdout.columns || (env > 0 ? env : undefined) : undefined;
    },
    get stderrIsTTY() {
      return (stderrTTY ??= isTerminal(2));
    },
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Standard input chunk by chunk; a reader that stops early stops the read (and the writer gets EPIPE). */
async function* stdinChunks(): AsyncGenerator<Buffer> {
  for await (const c of process.stdin) yield c as Buffer;
}

/** Only a character device can be a terminal; files and pipes are told apart without loading tty. */
function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  return (process.getBuiltinModule('node:tty') as typeof import('node:tty')).isatty(fd);
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of the text; waits and retries while a non-blocking pipe is full. */
export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 2);
    }
  }
}

/** One line on stderr, never a stack trace. 2 = usage or input error, 3 = our own bug. */
export function reportError(e: unknown, io: CliIO): number {
  // By name, not instanceof: the bundled review command has its own copy of these classes.
  if (e instanceof InputError || e instanceof UsageError || isToolError(e)) {
    io.stderr(`patch-review: ${messageLine(e.message)}\n`);
    return 2;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED')) return 0;
  if (err && typeof err.code === 'string' && err.code.startsWith('E') && err.path) {
    io.stderr(`patch-review: ${err.path}: ${err.code}\n`);
    return 2;
  }
  io.stderr(`patch-review: internal error: ${messageLine(err?.message ?? String(e))} (please report this with the input)\n`);
  return 3;
}

/** A message can quote the input (a header, a path): no control character or bidi override reaches the terminal. */
function messageLine(s: string): string {
  return escapeControls(oneLine(s).slice(0, 500));
}

function isToolError(e: unknown): e is Error {
  return e instanceof Error && (e.name === 'InputError' || e.name === 'UsageError');
}
