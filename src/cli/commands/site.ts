// `patch-review site build [--out DIR] [--base-url URL] [--headers DIR] [--vhost-user FILE]`:
// the static compatibility-notes site (src/site/build.ts).
import { resolve } from 'node:path';
import type { CommandRun } from '../io.js';
import { parseCommandArgs } from '../args.js';
import { UsageError } from '../../model/errors.js';

const HELP = `usage: patch-review site build [options]

Builds the static compatibility-notes site from the knowledge base: a page per note and per
symbol, an A–Z index, the compatibility matrix, search, an Atom feed, a sitemap and the
example reviews. The output directory is replaced only when the build succeeds.

options:
  --out DIR          where to write the site (default: site)
  --base-url URL     the URL the site is published at (sitemap, feed, canonical links)
  --headers DIR      uAPI headers to read definition facts from (default: /usr/include/linux if present)
  --no-headers       do not read headers
  --vhost-user FILE  QEMU docs/interop/vhost-user.rst for message ids and protocol features
  --knowledge DIR    extra knowledge directory (repeatable)
  --consumers DB     a consumers index (patch-review consumers index): symbol pages list their users
  --help`;

export const run: CommandRun = async (args, io) => {
  const parsed = parseCommandArgs(args, {
    out: { type: 'string', short: 'o' },
    'base-url': { type: 'string' },
    headers: { type: 'string' },
    'no-headers': { type: 'boolean' },
    'vhost-user': { type: 'string' },
    knowledge: { type: 'string', multiple: true },
    consumers: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, 'see --help');
  const o = parsed.values;
  const [sub, ...extra] = parsed.positionals;
  if (o.help || sub === 'help') {
    io.stdout(HELP + '\n');
    return 0;
  }
  if (sub !== 'build') throw new UsageError(sub === undefined ? 'site: missing subcommand (site build --help)' : `site: unknown subcommand "${sub}" (known: build)`);
  if (extra.length > 0) throw new UsageError(`site build: unexpected argument "${extra[0]}"`);
  if (o.headers !== undefined && o['no-headers']) throw new UsageError('site build: --headers and --no-headers exclude each other');
  const at = (p: string) => resolve(io.cwd, p);

  const { buildSite } = await import('../../site/build.js');
  const result = await buildSite({
    out: at(o.out ?? 'site'),
    ...(o['base-url'] !== undefined ? { baseUrl: o['base-url'] } : {}),
    headers: o['no-headers'] ? null : o.headers !== undefined ? at(o.headers) : undefined,
    ...(o['vhost-user'] !== undefined ? { vhostUser: at(o['vhost-user']) } : {}),
    knowledge: (o.knowledge ?? []).map(at),
    ...(o.consumers !== undefined ? { consumers: at(o.consumers) } : {}),
  });
  for (const w of result.warnings) io.stderr(`patch-review: warning: ${w}\n`);
  io.stdout(`site: ${result.pages} pages (${result.files} files) in ${result.out}, ${result.ms} ms\n`);
  return 0;
};
