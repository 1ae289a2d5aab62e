// The lint checks that read what a citation points at: the cited mail exists in the corpus, says
// something of its own (not only an Acked-by), and the entry does not repeat 8 or more of its
// words in a row; the same run check for cited spec sections and documents.
import type { Entry } from './entry.js';
import type { Problem } from './compile.js';
import { readCorpus, patchTitle, type CorpusView } from './cited-mails.js';
import { isAckOnly } from './ack-only.js';
import { sharedRuns, windows, words, MIN_SHARED_WORDS } from './shared-runs.js';
import { openShelf } from './cited-documents.js';

/** Where a Message-ID is cited in an entry: references and history items. */
function citedMessageIds(e: Entry): { id: string; field: string }[] {
  const out: { id: string; field: string }[] = [];
  e.references.forEach((r, i) => {
    if (r.type === 'lore') out.push({ id: r.id, field: `references.${i}` });
  });
  (e.history ?? []).forEach((h, i) => {
    if (h.messageId) out.push({ id: h.messageId, field: `history.${i}.messageId` });
  });
  return out;
}

/** The entry's own words: no citation lists or links (they name sources, they do not restate them). */
export function entryWords(e: Entry): string {
  return [e.title, e.summary, ...e.checklist, ...(e.history ?? []).map((h) => h.change), e.body]
    .join('\n')
    .replace(/\((?:lore|commits?|url|doc|spec)\b[^)]*\)/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    // A commit named with its subject, 'commit abc123def456 ("vhost: …")', is a citation too.
    .replace(/\b[0-9a-f]{12,40}\s*\(\s*"[^"\n]*"\s*\)/g, ' ')
    // File paths name documents; they are not prose.
    .replace(/[\w.-]*(?:\/[\w.-]+)+/g, ' ');
}

function clipRun(run: string): string {
  const w = run.split(' ');
  return w.length <= 14 ? run : `${w.slice(0, 12).join(' ')} …`;
}

function runProblems(e: Entry, field: string, what: string, sourceText: string): Problem[] {
  return sharedRuns(entryWords(e), windows(words(sourceText))).map((run) => ({
    file: e.file,
    field,
    message: `${run.split(' ').length} words in a row are the same as in ${what}; say it in our own words: "${clipRun(run)}"`,
    check: 'shared-words',
  }));
}

export async function corpusProblems(entries: Entry[], corpus: string): Promise<{ problems: Problem[]; resolvedEntries: number }> {
  const wanted = new Set(entries.flatMap((e) => citedMessageIds(e).map((c) => c.id)));
  const view = await readCorpus(corpus, wanted);
  const { ids, mails } = view;
  const problems: Problem[] = [];
  let resolvedEntries = 0;
  for (const e of entries) {
    const cited = citedMessageIds(e);
    if (cited.some((c) => ids.has(c.id) && c.field.startsWith('references'))) resolvedEntries++;
    problems.push(...revertedHistory(e, view));
    const seen = new Set<string>();
    for (const c of cited) {
      if (!ids.has(c.id)) {
        if (c.field.startsWith('references')) problems.push({ file: e.file, field: c.field, message: `Message-ID <${c.id}> is not in the corpus`, check: 'lore-missing' });
        continue;
      }
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      const mail = mails.get(c.id)!;
      if (isAckOnly(mail.body)) {
        const parent = mail.inReplyTo ? `; cite the mail it replies to, <${mail.inReplyTo}>${ids.has(mail.inReplyTo) ? '' : ' (not in the corpus)'}` : '';
        problems.push({ file: e.file, field: c.field, message: `<${c.id}> only gives a review tag and says nothing of its own${parent}`, check: 'ack-only' });
      }
      problems.push(...runProblems(e, c.field, `<${c.id}>`, mail.body));
    }
  }
  return { problems, resolvedEntries };
}

/**
 * History lists what shipped. A history item resting on a patch that some mail in the corpus
 * reverts is suspect, unless the entry also cites the revert (then it tells the whole story).
 */
function revertedHistory(e: Entry, view: CorpusView): Problem[] {
  const citedIds = new Set(citedMessageIds(e).map((c) => c.id));
  const problems: Problem[] = [];
  (e.history ?? []).forEach((h, i) => {
    const mail = h.messageId ? view.mails.get(h.messageId) : undefined;
    const title = mail ? patchTitle(mail.subject) : h.commit ? patchTitle(e.references.find((r) => r.type === 'commit' && r.title && (r.id.startsWith(h.commit!) || h.commit!.startsWith(r.id)))?.title ?? '') : '';
    const reverts = title ? view.reverts.get(title) : undefined;
    if (!reverts || reverts.some((id) => citedIds.has(id))) return;
    problems.push({
      file: e.file,
      field: `history.${i}`,
      message: `"${title}" is reverted by <${reverts[0]}>; list only what shipped in ${h.version}, or cite the revert and say what happened`,
      check: 'history-reverted',
    });
  });
  return problems;
}

/** Shared runs with the spec sections and documentation files the entries cite. */
export function documentRunProblems(entries: Entry[], specDirs: string[], docDirs: string[]): Problem[] {
  const shelf = openShelf(specDirs, docDirs);
  const cache = new Map<string, Set<string>>();
  const problems: Problem[] = [];
  for (const e of entries) {
    const done = new Set<string>();
    e.references.forEach((r, i) => {
      if (r.type !== 'spec' && r.type !== 'doc') return;
      const key = `${r.type}:${r.id}`;
      if (done.has(key)) return;
      done.add(key);
      const text = r.type === 'spec' ? shelf.specSection(r.id) : shelf.doc(r.id);
      if (text === undefined) return;
      if (!cache.has(key)) cache.set(key, windows(words(text)));
      for (const run of sharedRuns(entryWords(e), cache.get(key)!)) {
        problems.push({ file: e.file, field: `references.${i}`, message: `${run.split(' ').length} words in a row are the same as in ${r.id}; say it in our own words: "${clipRun(run)}"`, check: 'shared-words' });
      }
    });
  }
  return problems;
}

export { MIN_SHARED_WORDS };
