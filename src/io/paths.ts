// Where the package's own files are, and the defaults that name places outside it: one module,
// so every stage and command agrees on them (and none has to import another stage for a path).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root: the nearest directory above this module with the package's package.json
 * (dist/src/io/ when compiled, dist/bundle/ when bundled).
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let d = from; ; d = dirname(d)) {
    try {
      if ((JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: string }).name === 'patch-review') return d;
    } catch {
      /* no package.json here */
    }
    if (dirname(d) === d) return join(from, '..', '..', '..');
  }
}

/** The built-in knowledge base and its compiled snapshot (made by the build). */
export const BUILTIN_KNOWLEDGE = join(PACKAGE_ROOT, 'knowledge');
export const BUILTIN_SNAPSHOT = join(PACKAGE_ROOT, 'dist', 'knowledge.snapshot.json');
/** Handlebars templates: report-*.hbs for --format html, site/ for the site. */
export const TEMPLATE_DIR = join(PACKAGE_ROOT, 'templates');
export const SITE_TEMPLATES = join(TEMPLATE_DIR, 'site');
/** Example patches: reviewed on the site, and by the build to warm the code cache. */
export const EXAMPLES_DIR = join(PACKAGE_ROOT, 'examples');
/** The command-line launcher (the send-email hook runs it). */
export const CLI_BIN = join(PACKAGE_ROOT, 'bin', 'patch-review.js');
/** The compiled modules, for what the bundle cannot run itself (worker threads, subcommands). */
export const COMPILED_SRC = join(PACKAGE_ROOT, 'dist', 'src');

/** Where finding links point unless the command line or the configuration says otherwise. */
export const DEFAULT_SITE_URL = 'https://patch-review.github.io/patch-review';
/** Installed uAPI headers: the catalogue new ioctl numbers are checked against. */
export const DEFAULT_HEADERS_DIR = '/usr/include/linux';
/** The vhost-user document of the shared spec corpus beside a checkout, used by the site when present. */
export const DEFAULT_VHOST_USER = resolve(PACKAGE_ROOT, '..', 'shared', 'spec', 'qemu-docs', 'vhost-user.rst');

let tool: { name: string; version: string } | undefined;
/** The tool's name and version (formatters print them). */
export function toolInfo(): { name: string; version: string } {
  tool ??= { name: 'patch-review', version: (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version };
  return { ...tool };
}
