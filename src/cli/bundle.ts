// Build step: bundle the review and hook paths (review-entry.ts) into one CommonJS file, dist/bundle/review.cjs, which
// bin/patch-review.js runs for every invocation, then leave V8's code cache for it beside it
// (review.cjs.cache) by running one review of the bundled example patch. One script compiled
// from a cache starts several times faster than forty ES modules compiled from source.
// Packages stay in node_modules (loaded lazily where the code asks for them), except
// parse-diff and commander, which every review needs (they then share the code cache).
import { build } from 'esbuild';
import { rmSync, readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../io/paths.js';

const out = join(PACKAGE_ROOT, 'dist', 'bundle');
const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const INLINED = new Set(['parse-diff', 'commander']);

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'review-entry.js')],
  outfile: join(out, 'review.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: Object.keys(pkg.dependencies).filter((d) => !INLINED.has(d)),
  // The sources are ES modules: import.meta.url becomes the bundle's own URL.
  define: { 'import.meta.url': '__bundleUrl' },
  minify: process.env.BUNDLE_MINIFY === '1',
  banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: 'warning',
});

// bin/patch-review.js runs the bundle from a code cache, where import() has no loader to call:
// lazy packages are required instead (all of ours have a CommonJS build).
const dynamicImport = /\bimport\s*\(/.exec(readFileSync(join(out, 'review.cjs'), 'utf8'));
if (dynamicImport) {
  console.error('bundle: dist/bundle/review.cjs contains import(): require the package instead (see bin/patch-review.js)');
  process.exit(1);
}

const example = join(PACKAGE_ROOT, 'examples', '0001-vhost-vsock-offer-ACCESS_PLATFORM.patch');
const warm = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'patch-review.js'), '--fail-on', 'never', example], {
  env: { ...process.env, PATCH_REVIEW_WRITE_CODE_CACHE: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (warm.status !== 0 || !existsSync(join(out, 'review.cjs.cache'))) {
  console.error('bundle: the warm-up review failed; the bundle runs without a code cache');
}
