// Versions of the same patch: "[PATCH v3 2/5] vdpa: foo" and "[RFC v1 1/4] vdpa: foo bar" are
// one line of work when the same person sends them with (nearly) the same subject within a
// reasonable time. Pure functions over subjects; the indexer and the queries share them.

/** Lower-cased, whitespace collapsed, trailing punctuation dropped. */
export function normalizeSubject(bare: string): string {
  return bare
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.:;,]+$/, '')
    .trim();
}

export function subjectTokens(norm: string): Set<string> {
  return new Set(norm.split(/[^a-z0-9_]+/).filter((t) => t.length > 0));
}

/** 1 for the same subject, 0.9 when one was cut short of the other, else token Jaccard. */
export function subjectSimilarity(a: string, b: string, ta = subjectTokens(a), tb = subjectTokens(b)): number {
  if (a === b) return 1;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 20 && long.startsWith(short)) return 0.9;
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  const union = ta.size + tb.size - common;
  return union === 0 ? 0 : common / union;
}

/** Two subjects by the same sender at least this similar are versions of one patch. */
export const SAME_TOPIC = 0.7;
/** …when sent within this many seconds of each other (about 13 months). */
export const TOPIC_WINDOW = 400 * 24 * 3600;

export function versionLabel(version: number, rfc: boolean): string {
  return `${rfc ? 'RFC ' : ''}v${version}`;
}
