// The own-words rule, checked: runs of eight or more words an entry shares with a source it
// cites. Words are compared lower-cased, with punctuation and Markdown/LaTeX markup ignored.

export const MIN_SHARED_WORDS = 8;

export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      // LaTeX commands are markup, not words; their arguments stay.
      .replace(/\\[a-z]+\*?/g, ' ')
      .match(/[a-z0-9_]+(?:['’][a-z]+)?/g) ?? []
  ).map((w) => w.replace(/['’]/g, ''));
}

/** Every n-word window of a source, for lookup. */
export function windows(sourceWords: string[], n = MIN_SHARED_WORDS): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= sourceWords.length; i++) out.add(sourceWords.slice(i, i + n).join(' '));
  return out;
}

/** The maximal runs of at least n words of `text` that also occur in the source. */
export function sharedRuns(text: string, source: Set<string>, n = MIN_SHARED_WORDS): string[] {
  const w = words(text);
  const runs: string[] = [];
  let start = -1;
  let end = -1;
  for (let i = 0; i + n <= w.length; i++) {
    if (!source.has(w.slice(i, i + n).join(' '))) continue;
    if (start >= 0 && i <= end) end = i + n;
    else {
      if (start >= 0) runs.push(w.slice(start, end).join(' '));
      start = i;
      end = i + n;
    }
  }
  if (start >= 0) runs.push(w.slice(start, end).join(' '));
  return runs;
}
