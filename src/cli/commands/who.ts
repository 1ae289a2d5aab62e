// `patch-review who --db PATH FILE…`: who reviewed changes to these symbols before (Cc suggestions).
import type { CommandRun } from '../io.js';
import { runInboxQuery } from '../inbox-query.js';
import { whoFor, authorEmails, renderWhoText } from '../../inbox/who.js';

export const run: CommandRun = (args, io) =>
  runInboxQuery(args, io, {
    usage: 'usage: patch-review who --db PATH [--format text|json] [--limit N] FILE|- …',
    about:
      'Suggests Cc: lines from review history: the people who replied to, acked or reviewed earlier\npatches touching the same symbols, or named them in their replies. All patches given are taken\ntogether (a series gets one list); their authors are left out.',
    answer(inbox, patches, limit) {
      const result = whoFor(
        inbox,
        patches.flatMap((p) => p.facts),
        authorEmails(patches.map((p) => p.patch.author)),
        { limit },
      );
      return { json: result, text: () => renderWhoText(result) };
    },
  });
