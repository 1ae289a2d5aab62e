// The client-side search index: built here with minisearch and shipped as JSON together
// with the options the browser must load it with, so the page script holds no copy of them.
import MiniSearch from 'minisearch';

export interface SearchDoc {
  id: string;
  type: 'entry' | 'symbol';
  /** Entry title or symbol name. */
  title: string;
  /** Symbol names (an entry's symbols, or the symbol itself). */
  names: string;
  summary: string;
  /** Body text, checklist: searched, not stored. */
  text: string;
  /** Relative to the site root. */
  url: string;
  /** Entry area or symbol kind, shown beside the result. */
  label: string;
}

const FIELDS = ['title', 'names', 'summary', 'text'];
const STORE_FIELDS = ['type', 'title', 'summary', 'url', 'label'];
/** Underscores separate terms (they are punctuation to the default tokenizer), so "IOTLB_PERSIST" finds VHOST_BACKEND_F_IOTLB_PERSIST. */
const SEARCH_OPTIONS = { prefix: true, combineWith: 'AND', boost: { names: 3, title: 2 } };

export function buildSearchIndex(docs: SearchDoc[]): string {
  const ms = new MiniSearch<SearchDoc>({ fields: FIELDS, storeFields: STORE_FIELDS });
  ms.addAll(docs);
  return JSON.stringify({ format: 'patch-review-search', version: 1, fields: FIELDS, storeFields: STORE_FIELDS, searchOptions: SEARCH_OPTIONS, index: ms.toJSON() });
}

/** A stored summary stays short: the index is downloaded by every search. */
export function shortSummary(s: string, max = 180): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}
