// `patch-review related --db PATH FILE…`: the threads of the index that discussed what the patches touch.
import type { CommandRun } from '../io.js';
import { runInboxQuery } from '../inbox-query.js';
import { relatedFor } from '../../inbox/related.js';
import { renderRelatedText } from '../../inbox/render.js';

export const run: CommandRun = (p, io) =>
  runInboxQuery(p, io, {
    usage: 'usage: patch-review related --db PATH [--format text|json] [--limit N] FILE|- …',
    answer(inbox, patches, limit) {
      const results = patches.map((p) => relatedFor(inbox, p.patch, p.facts, p.coverSubject ? { limit, coverSubject: p.coverSubject } : { limit }));
      return { json: { results }, text: () => renderRelatedText(results) };
    },
  });
