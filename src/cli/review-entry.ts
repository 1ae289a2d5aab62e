// What the build bundles into dist/bundle/review.cjs (see bundle.ts): the review command, a
// process-level main for it, and the subcommand names, so that bin/patch-review.js can tell a
// plain review (run here, loading nothing else) from a subcommand (the compiled dispatcher).
import { processIO, reportError } from './process.js';
import { run } from './commands/review.js';
import { parseCommand } from './program.js';

export { run };
// Everything the dispatcher handles (the subcommands and `help`) leaves the bundle.
export { DISPATCHED as SUBCOMMANDS } from './subcommands.js';

export async function main(argv: string[]): Promise<number> {
  const io = processIO();
  try {
    const parsed = parseCommand('review', argv[0] === 'review' ? argv.slice(1) : argv);
    if ('help' in parsed) {
      io.stdout(parsed.help);
      return 0;
    }
    return await run(parsed, io);
  } catch (e) {
    return reportError(e, io);
  }
}
