// Entry point: wires subcommands to stages. Every command is loaded lazily so a review
// never pays for the site generator, the spec indexer or the hook installer.
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
    // Help comes from one place (help.ts, commander): `help`, `help CMD`, `CMD --help`.
    if (first === 'help' || (first !== undefined && first !== 'review' && Object.hasOwn(COMMANDS, first) && rest.some((a) => a === '--help' || a === '-h'))) {
      const { programHelp, commandHelp } = await import('./help.js');
      const name = first === 'help' ? rest[0] : first;
      const text = name === undefined ? programHelp() : commandHelp(name);
      if (text === null) {
        const { suggestCommand } = await import('./suggest.js');
        const near = suggestCommand(name!);
        throw new UsageError(`unknown command "${name}"${near ? `; did you mean "${near}"?` : ''} (patch-review help lists the commands)`);
      }
      io.stdout(text);
      return 0;
    }
    if (first !== undefined && Object.hasOwn(COMMANDS, first)) {
      const mod = await COMMANDS[first as Subcommand]();
      return await mod.run(rest, io);
    }
    const { run } = await import('./commands/review.js');
    return await run(argv, io);
  } catch (e) {
    return reportError(e, io);
  }
}

