// Build step: bundle the review command, dist/bundle/review.js (see main.ts: loadReview). Our
// code only; packages stay in node_modules. What review loads lazily (formatters, --git,
// --jobs, --inbox) becomes separate chunks, so it stays lazy along with the packages it uses.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../knowledge/load.js';

const out = join(PACKAGE_ROOT, 'dist', 'bundle');
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { review: join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'review-entry.js') },
  outdir: out,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
