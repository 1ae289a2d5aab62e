// What the build bundles into dist/bundle/review.js: the review command, and a process-level
// main for bin/patch-review.js to call directly when no subcommand is given.
import { processIO, reportError } from './process.js';
import { run } from './commands/review.js';

export { run };

export async function main(argv: string[]): Promise<number> {
  const io = processIO();
  try {
    return await run(argv, io);
  } catch (e) {
    return reportError(e, io);
  }
}
