// `patch-review who --db PATH FILE…`: who reviewed changes to these symbols before (Cc suggestions).
import type { CommandRun } from '../io.js';
import { runInboxQuery } from '../inbox-query.js';
import { whoFor, authorEmails, renderWhoText } from '../../inbox/who.js';
import { readMailmap } from '../../inbox/mailmap.js';
import { readMaintainers, sectionsFor } from '../../inbox/maintainers.js';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The top of the source tree `who` runs in (the nearest folder with .git), or null. */
function treeTop(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return null;
  }
}

export const run: CommandRun = (p, io) =>
  runInboxQuery(p, io, {
    usage: 'usage: patch-review who --db PATH [--format text|json] [--limit N] FILE|- …',
    answer(inbox, patches, limit) {
      const tree = treeTop(io.cwd);
      const mailmap = tree ? readMailmap(join(tree, '.mailmap')) : null;
      const result = whoFor(
        inbox,
        patches.flatMap((p) => p.facts),
        authorEmails(patches.map((p) => p.patch.author)),
        { limit, ...(mailmap ? { mailmap } : {}) },
      );
      // The tree's MAINTAINERS: the sections that cover the patches' files, most specific first.
      const sections = tree ? readMaintainers(join(tree, 'MAINTAINERS')) : null;
      const files = [...new Set(patches.flatMap((p) => [...p.patch.diff.matchAll(/^\+\+\+ b\/(\S+)/gm)].map((m) => m[1]!)))];
      const covering = sections ? sectionsFor(sections, files).slice(0, 4) : [];
      const maintainers = covering.map((s) => ({ section: s.name, people: s.people }));
      const listed = maintainers.flatMap((m) => [`${m.section}:`, ...m.people.map((p) => `  ${p.role === 'maintainer' ? 'M' : 'R'}: ${p.who}`)]);
      return {
        json: sections ? { ...result, maintainers } : result,
        text: () => renderWhoText(result) + (listed.length ? `\nMAINTAINERS sections covering these files:\n${listed.map((l) => `  ${l}`).join('\n')}\n` : ''),
      };
    },
  });
