// Entry point: wires subcommands to stages. Every command is loaded lazily so a review
// never pays for the site generator, the spec indexer or the hook installer.
import type { CliIO, CommandRun } from './io.js';
import { InputError, UsageError } from '../model/errors.js';

const COMMANDS: Record<string, () => Promise<{ run: CommandRun }>> = {
  review: () => import('./commands/review.js'),
  kb: () => import('./commands/kb.js'),
  spec: () => import('./commands/spec.js'),
  facts: () => import('./commands/facts.js'),
  hook: () => import('./commands/hook.js'),
  site: () => import('./commands/site.js'),
  inbox: () => import('./commands/inbox.js'),
  related: () => import('./commands/related.js'),
  who: () => import('./commands/who.js'),
};

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

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first !== undefined && Object.hasOwn(COMMANDS, first)) {
      const mod = await COMMANDS[first]!();
      return await mod.run(rest, io);
    }
    const { run } = await import('./commands/review.js');
    return await run(argv, io);
  } catch (e) {
    return reportError(e, io);
  }
}

/** One line on stderr, never a stack trace. 2 = usage or input error, 3 = our own bug. */
export function reportError(e: unknown, io: CliIO): number {
  if (e instanceof InputError || e instanceof UsageError) {
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
