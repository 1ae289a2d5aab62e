// `patch-review site build [--out DIR] [--base-url URL] [--headers DIR] [--vhost-user FILE]`:
// the static compatibility-notes site (src/site/build.ts).
import { resolve } from 'node:path';
import type { CommandRun } from '../io.js';

export const run: CommandRun = async (p, io) => {
  // --headers DIR, or false for --no-headers.
  const o = p.opts as { out: string; baseUrl?: string; headers?: string | false; vhostUser?: string; knowledge?: string[]; consumers?: string };
  const at = (path: string) => resolve(io.cwd, path);

  const { buildSite } = await import('../../site/build.js');
  const result = await buildSite({
    out: at(o.out),
    ...(o.baseUrl !== undefined ? { baseUrl: o.baseUrl } : {}),
    headers: o.headers === false ? null : o.headers !== undefined ? at(o.headers) : undefined,
    ...(o.vhostUser !== undefined ? { vhostUser: at(o.vhostUser) } : {}),
    knowledge: (o.knowledge ?? []).map(at),
    ...(o.consumers !== undefined ? { consumers: at(o.consumers) } : {}),
  });
  for (const w of result.warnings) io.stderr(`patch-review: warning: ${w}\n`);
  io.stdout(`site: ${result.pages} pages (${result.files} files) in ${result.out}, ${result.ms} ms\n`);
  return 0;
};
