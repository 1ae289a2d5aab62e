// Entry point: wires subcommands to stages. Every command is loaded lazily so a review
// never pays for the site generator, the spec indexer or the hook installer.
import type { CliIO, CommandRun } from './io.js';
import { statSync } from 'node:fs';
import { processIO, reportError } from './process.js';
import type { Subcommand } from './subcommands.js';

export { processIO, reportError };

/**
 * The review command, from the one-file bundle the build makes of it (dist/bundle/review.js:
 * the hook and b4 start a process per patch, and one module loads faster than forty), unless
 * the bundle is missing or older than the compiled sources.
 */
async function loadReview(): Promise<{ run: CommandRun }> {
  const compiled = new URL('./review-entry.js', import.meta.url);
  const bundle = new URL('../../bundle/review.js', import.meta.url);
  try {
    if (statSync(bundle).mtimeMs >= statSync(compiled).mtimeMs) return (await import(bundle.href)) as { run: CommandRun };
  } catch {
    /* no bundle: use the compiled modules */
  }
  return import('./commands/review.js');
}

const COMMANDS: Record<Subcommand, () => Promise<{ run: CommandRun }>> = {
  review: loadReview,
  kb: () => import('./commands/kb.js'),
  spec: () => import('./commands/spec.js'),
  facts: () => import('./commands/facts.js'),
  hook: () => import('./commands/hook.js'),
  site: () => import('./commands/site.js'),
  inbox: () => import('./commands/inbox.js'),
  related: () => import('./commands/related.js'),
  who: () => import('./commands/who.js'),
};

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first !== undefined && Object.hasOwn(COMMANDS, first)) {
      const mod = await COMMANDS[first as Subcommand]();
      return await mod.run(rest, io);
    }
    const { run } = await loadReview();
    return await run(argv, io);
  } catch (e) {
    return reportError(e, io);
  }
}

