// `patch-review related --db PATH FILE…`: the threads of the index that discussed what the patches touch.
import type { CommandRun } from '../io.js';
import { runInboxQuery } from '../inbox-query.js';
import { relatedFor } from '../../inbox/related.js';
import { renderRelatedText } from '../../inbox/render.js';

export const run: CommandRun = (args, io) =>
  runInboxQuery(args, io, {
    usage: 'usage: patch-review related --db PATH [--format text|json] [--limit N] FILE|- …',
    about:
      'Lists the threads of an index (built with "patch-review inbox index") that discussed the symbols\nthe patches touch: earlier versions of each patch first, then other discussions ranked by shared\nsymbols, review replies naming them, outcome and time.',
    answer(inbox, patches, limit) {
      const results = patches.map((p) => relatedFor(inbox, p.patch, p.facts, p.coverSubject ? { limit, coverSubject: p.coverSubject } : { limit }));
      return { json: { results }, text: () => renderRelatedText(results) };
    },
  });
