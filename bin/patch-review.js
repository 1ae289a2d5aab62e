#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` via the prepare script).
import('../dist/src/cli/main.js')
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e) => {
    const missing = e && e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/src/cli/main.js');
    process.stderr.write(
      missing ? 'patch-review: not built yet: run `npm ci` (or `npm run build`) in the package directory\n' : `patch-review: internal error: ${e && e.message ? e.message.split('\n')[0] : e}\n`,
    );
    process.exitCode = 3;
  });
