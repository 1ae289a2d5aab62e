#!/usr/bin/env node
// Thin launcher, CommonJS on purpose (bin/package.json): the send-email hook and b4 start a
// process per patch, and an ES module entry alone costs several milliseconds of loader start-up.
// It runs the build's one-file bundle (dist/bundle/review.cjs) from V8's code cache when the
// build left one that this Node accepts, so the bundle is not compiled again on every run.
// The other subcommands (all but review and hook) go to the compiled dispatcher
// (dist/src/cli/main.js), as does everything when
// the bundle is missing or older than the compiled sources (a `tsc` without the bundling step).
'use strict';
const { readFileSync, statSync, writeFileSync, renameSync } = require('node:fs');
const { join, dirname } = require('node:path');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'bundle', 'review.cjs');
const codeCache = `${bundle}.cache`;

function fail(e) {
  const missing = e && (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'ENOENT') && String(e.message).includes(join(root, 'dist'));
  process.stderr.write(
    missing ? 'patch-review: not built yet: run `npm ci` (or `npm run build`) in the package directory\n' : `patch-review: internal error: ${e && e.message ? e.message.split('\n')[0] : e}\n`,
  );
  process.exitCode = 3;
}

function bundleIsCurrent() {
  try {
    return statSync(bundle).mtimeMs >= statSync(join(root, 'dist', 'src', 'cli', 'review-entry.js')).mtimeMs;
  } catch {
    return false;
  }
}

/** Runs the bundle as a CommonJS module, compiled from the code cache when it is accepted. */
function loadBundle() {
  const vm = require('node:vm');
  const Module = require('node:module');
  let cachedData;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    /* no cache: V8 compiles the source */
  }
  // The bundle has no import() (the build checks): scripts compiled from a code cache cannot
  // use Node's ES module loader.
  const script = new vm.Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
  return { exports: mod.exports, script };
}

/** The build runs one review with PATCH_REVIEW_WRITE_CODE_CACHE=1 to leave the cache behind. */
function writeCodeCache(script) {
  const tmp = `${codeCache}.${process.pid}.tmp`;
  writeFileSync(tmp, script.createCachedData());
  renameSync(tmp, codeCache);
}

async function dispatch(argv) {
  const { main } = await import(join(root, 'dist', 'src', 'cli', 'main.js'));
  return main(argv);
}

async function launch(argv) {
  if (!bundleIsCurrent()) return dispatch(argv);
  const { exports, script } = loadBundle();
  if (argv[0] !== 'review' && exports.SUBCOMMANDS.includes(argv[0])) return dispatch(argv);
  const code = await exports.main(argv);
  if (process.env.PATCH_REVIEW_WRITE_CODE_CACHE === '1') writeCodeCache(script);
  return code;
}

launch(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, fail);
