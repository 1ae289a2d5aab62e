// --inbox: opens the list index once and gives each patch report its prior-discussion section,
// from the facts the review already found (the diff stage runs once per patch).
import type { PatchReport } from '../model/report.js';
import { parseSubject } from '../ingest/subject.js';

export interface PriorDiscussion {
  of(r: PatchReport): PatchReport['prior'];
  close(): void;
}

export async function openPriorDiscussion(path: string): Promise<PriorDiscussion> {
  const { openInbox } = await import('../inbox/store.js');
  const { priorDiscussion, citedThreads, renderPriorDiscussionText, priorDiscussionJson } = await import('../inbox/prior.js');
  const inbox = await openInbox(path);
  return {
    of(r) {
      const opts = r.series?.coverLetter ? { coverSubject: parseSubject(r.series.coverLetter).subject } : {};
      const pd = priorDiscussion(inbox, r.patch, r.facts ?? [], opts);
      const cited = citedThreads(inbox, r.findings);
      return { text: renderPriorDiscussionText(pd, cited), json: priorDiscussionJson(pd, cited) };
    },
    close: () => inbox.close(),
  };
}
