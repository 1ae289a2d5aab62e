// The subcommand names, in one place: main.ts dispatches them, and bin/patch-review.js sends
// everything else straight to the bundled review without loading the dispatcher.
export const SUBCOMMANDS = ['review', 'kb', 'spec', 'facts', 'hook', 'site', 'inbox', 'related', 'who', 'consumers'] as const;
/** Handled by the dispatcher itself (src/cli/help.ts); bin/patch-review.js sends it there too. */
export const DISPATCHED = [...SUBCOMMANDS, 'help'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];
