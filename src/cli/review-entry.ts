// What the build bundles into dist/bundle/review.cjs (see bundle.ts): the commands that run once
// per patch (review, and the send-email hook, which git starts for every file it sends), a
// process-level main for them, and the names that go to the compiled dispatcher instead, so that
// bin/patch-review.js can run these loading nothing else.
import { processIO, reportError } from './process.js';
import { run } from './commands/review.js';
import { run as runHook } from './commands/hook.js';
import { parseCommand } from './program.js';
import { DISPATCHED } from './subcommands.js';

export { run };
/** Everything the dispatcher handles (the other subcommands and `help`) leaves the bundle. */
export const SUBCOMMANDS: readonly string[] = DISPATCHED.filter((n) => n !== 'review' && n !== 'hook');

export async function main(argv: string[]): Promise<number> {
  const io = processIO();
  try {
    const hook = argv[0] === 'hook';
    const parsed = parseCommand(hook ? 'hook' : 'review', hook || argv[0] === 'review' ? argv.slice(1) : argv);
    if ('help' in parsed) {
      io.stdout(parsed.help);
      return 0;
    }
    return await (hook ? runHook : run)(parsed, io);
  } catch (e) {
    return reportError(e, io);
  }
}
