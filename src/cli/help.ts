// `patch-review help` and `patch-review help CMD`, from the commander definitions every command
// is parsed with (program.ts). Loaded only when help is asked for.
import { defineProgram, parseCommand } from './program.js';
import { SUBCOMMANDS, type Subcommand } from './subcommands.js';

/** `patch-review help`: every command with a line on what it does. */
export function programHelp(): string {
  return `${defineProgram().helpInformation()}\nRun "patch-review help COMMAND" or "patch-review COMMAND --help" for a command's usage and examples.\n\nexamples:\n  patch-review 0001-vhost-fix.patch\n  patch-review help kb\n`;
}

/** One command's help with examples, or null for a name that is no command. */
export function commandHelp(name: string): string | null {
  if (name === 'help') return programHelp();
  if (!(SUBCOMMANDS as readonly string[]).includes(name)) return null;
  const r = parseCommand(name as Subcommand, ['--help']);
  return 'help' in r ? r.help : null;
}
