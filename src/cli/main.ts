// Entry point: parses the arguments (program.ts, commander) and runs the command. Every command
// is loaded lazily so a review never pays for the site generator, the spec indexer or the hook
// installer.
import type { CliIO, CommandRun } from './io.js';
import { processIO, reportError } from './process.js';
import type { Subcommand } from './subcommands.js';
import { UsageError } from '../model/errors.js';

export { processIO, reportError };

const COMMANDS: Record<Subcommand, () => Promise<{ run: CommandRun }>> = {
  review: () => import('./commands/review.js'),
  kb: () => import('./commands/kb.js'),
  spec: () => import('./commands/spec.js'),
  facts: () => import('./commands/facts.js'),
  hook: () => import('./commands/hook.js'),
  site: () => import('./commands/site.js'),
  inbox: () => import('./commands/inbox.js'),
  related: () => import('./commands/related.js'),
  who: () => import('./commands/who.js'),
  consumers: () => import('./commands/consumers.js'),
};

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === 'help') {
      const { programHelp, commandHelp } = await import('./help.js');
      const name = rest[0];
      const text = name === undefined ? programHelp() : commandHelp(name);
      if (text === null) {
        const { suggestCommand } = await import('./suggest.js');
        const near = suggestCommand(name!);
        throw new UsageError(`unknown command "${name}"${near ? `; did you mean "${near}"?` : ''} (patch-review help lists the commands)`);
      }
      io.stdout(text);
      return 0;
    }
    // Anything that is not a command is a review ("review" may be left out).
    const name: Subcommand = first !== undefined && Object.hasOwn(COMMANDS, first) ? (first as Subcommand) : 'review';
    return await runCommand(name, first === name ? rest : argv, io);
  } catch (e) {
    return reportError(e, io);
  }
}

/** Parses a command's arguments and runs it; errors are thrown (main reports them). */
export async function runCommand(name: Subcommand, args: string[], io: CliIO): Promise<number> {
  const { parseCommand } = await import('./program.js');
  const parsed = parseCommand(name, args);
  if ('help' in parsed) {
    io.stdout(parsed.help);
    return 0;
  }
  return (await COMMANDS[name]()).run(parsed, io);
}
