// The subcommand names, in one place: main.ts dispatches them, and bin/patch-review.js sends
// everything else straight to the bundled review without loading the dispatcher.
export const SUBCOMMANDS = ['review', 'kb', 'spec', 'facts', 'hook', 'site', 'inbox', 'related', 'who', 'consumers'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];
