#!/usr/bin/env node
// Thin launcher. A plain review (no subcommand) goes straight to the one-module bundle the build
// makes (dist/bundle/review.js) when it is current: the send-email hook and b4 start a process
// per patch. Everything else goes through the dispatcher in dist/src/cli/main.js.
import { statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const fail = (e) => {
  const missing = e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('/dist/');
  process.stderr.write(
    missing ? 'patch-review: not built yet: run `npm ci` (or `npm run build`) in the package directory\n' : `patch-review: internal error: ${e && e.message ? e.message.split('\n')[0] : e}\n`,
  );
  process.exitCode = 3;
};

async function entry(argv) {
  const { SUBCOMMANDS } = await import(new URL('dist/src/cli/subcommands.js', root).href);
  if (argv[0] === undefined || !SUBCOMMANDS.includes(argv[0])) {
    const bundle = new URL('dist/bundle/review.js', root);
    try {
      if (statSync(bundle).mtimeMs >= statSync(new URL('dist/src/cli/review-entry.js', root)).mtimeMs) return import(bundle.href);
    } catch {
      /* not bundled: the dispatcher loads the compiled review */
    }
  }
  return import(new URL('dist/src/cli/main.js', root).href);
}

entry(process.argv.slice(2))
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch(fail);
