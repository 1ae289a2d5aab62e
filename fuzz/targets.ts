// Fuzz targets: each takes bytes and must either succeed or throw the tool's InputError.
import { parseMail } from '../src/ingest/mail.js';
import { extractPatch } from '../src/ingest/extract.js';
import { parseUnifiedDiff } from '../src/diff/parse.js';
import { analyzeDiff } from '../src/diff/facts.js';
import { patchFromDiff } from '../src/ingest/raw-diff.js';

export type Target = (data: Buffer) => void;


export const TARGETS: Record<string, Target> = {
  /** A raw mail all the way to facts. */
  mail: (data) => {
    const r = extractPatch(parseMail(data), 'fuzz');
    if ('patch' in r) analyzeDiff(r.patch);
  },
  /** A unified diff all the way to facts. */
  diff: (data) => {
    const text = data.toString('utf8');
    parseUnifiedDiff(text);
    analyzeDiff(patchFromDiff(text, 'fuzz'));
  },
};
