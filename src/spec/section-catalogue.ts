// The committed catalogue of spec sections the knowledge base cites
// (knowledge/spec-sections.json): label → section number and title, nothing else. Reports
// name a cited section from it without the user having the spec; `kb spec-sections`
// regenerates it from a spec checkout and `kb lint --spec` says when it is stale.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_KNOWLEDGE } from '../io/paths.js';
import { InputError } from '../model/errors.js';
import { cannotRead } from '../io/read-error.js';
import { resolveSpecLabel } from './spec-links.js';
import type { VirtioSpecIndex } from './types.js';

export const SECTION_CATALOGUE_FILE = 'spec-sections.json';

export interface CataloguedSection {
  number: string;
  title: string;
}

export interface SectionCatalogue {
  /** The spec release the numbers belong to, e.g. "v1.4-cs01". */
  specVersion: string;
  /** Keyed by the label as entries cite it (whitespace collapsed). */
  sections: Record<string, CataloguedSection>;
}

export interface CatalogueChanges {
  added: string[];
  removed: string[];
  changed: { label: string; from: CataloguedSection; to: CataloguedSection }[];
  /** Set when the spec version differs. */
  version?: { from: string; to: string };
}

/** A label as entries write it, with LaTeX line breaks folded: the catalogue's key. */
export function catalogueKey(label: string): string {
  return label.replace(/\s+/g, ' ').trim();
}

/** The spec labels the entries cite in their references, sorted and unique. */
export function citedSpecLabels(entries: readonly { references: readonly { type: string; id: string }[] }[]): string[] {
  const labels = new Set<string>();
  for (const e of entries) for (const r of e.references) if (r.type === 'spec' && catalogueKey(r.id)) labels.add(catalogueKey(r.id));
  return [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** "virtio-v1.4-cs01" → "v1.4-cs01"; the version is part of the numbers' meaning. */
export function specVersionOf(index: VirtioSpecIndex): string {
  return index.revision ? index.revision.trim().replace(/^virtio-/, '') : 'unknown';
}

/** The catalogue for `labels` from a spec index; labels the spec does not define are returned apart. */
export function buildSectionCatalogue(index: VirtioSpecIndex, labels: readonly string[]): { catalogue: SectionCatalogue; unresolved: string[] } {
  const sections: Record<string, CataloguedSection> = {};
  const unresolved: string[] = [];
  for (const label of labels) {
    const r = resolveSpecLabel(index, label);
    if (r) sections[catalogueKey(label)] = { number: r.number, title: r.title };
    else unresolved.push(label);
  }
  return { catalogue: { specVersion: specVersionOf(index), sections: sortedKeys(sections) }, unresolved };
}

function sortedKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = o[k]!;
  return out;
}

/** Stable text: sorted labels, one section per line pair, so a regeneration diffs cleanly. */
export function serializeCatalogue(c: SectionCatalogue): string {
  return `${JSON.stringify({ specVersion: c.specVersion, sections: sortedKeys(c.sections) }, null, 2)}\n`;
}

/** What regenerating would change, old → new. */
export function compareCatalogues(old: SectionCatalogue | null, next: SectionCatalogue): CatalogueChanges {
  const before = old?.sections ?? {};
  const out: CatalogueChanges = { added: [], removed: [], changed: [] };
  for (const [label, to] of Object.entries(next.sections)) {
    const from = before[label];
    if (!from) out.added.push(label);
    else if (from.number !== to.number || from.title !== to.title) out.changed.push({ label, from, to });
  }
  for (const label of Object.keys(before)) if (!Object.hasOwn(next.sections, label)) out.removed.push(label);
  if (old && old.specVersion !== next.specVersion) out.version = { from: old.specVersion, to: next.specVersion };
  return out;
}

export function isUnchanged(c: CatalogueChanges): boolean {
  return c.added.length === 0 && c.removed.length === 0 && c.changed.length === 0 && !c.version;
}

/** Validates the shape by hand (this runs on the review path: no schema library). */
export function parseCatalogue(text: string, source: string): SectionCatalogue {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError(source, 'not a spec section catalogue (invalid JSON)');
  }
  const bad = (why: string) => new InputError(source, `not a spec section catalogue (${why})`);
  if (!isObject(data) || typeof data['specVersion'] !== 'string' || !isObject(data['sections'])) throw bad('needs specVersion and sections');
  const sections: Record<string, CataloguedSection> = {};
  for (const [label, s] of Object.entries(data['sections'])) {
    if (!isObject(s) || typeof s['number'] !== 'string' || typeof s['title'] !== 'string' || Object.keys(s).length !== 2) {
      throw bad(`section "${label}" must have exactly a number and a title`);
    }
    sections[label] = { number: s['number'], title: s['title'] };
  }
  return { specVersion: data['specVersion'], sections };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The catalogue in a knowledge directory, or null when there is none. */
export function readCatalogue(knowledgeDir: string): SectionCatalogue | null {
  const file = join(knowledgeDir, SECTION_CATALOGUE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw cannotRead(file, err);
  }
  return parseCatalogue(text, file);
}

let builtin: SectionCatalogue | null | undefined;

/**
 * The section a label names in the package's own catalogue. Read on first use and kept: a
 * review only gets here when a finding cites the spec. A missing or broken catalogue only
 * means reports fall back to the label.
 */
export function catalogueSection(label: string): CataloguedSection | undefined {
  if (builtin === undefined) {
    try {
      builtin = readCatalogue(BUILTIN_KNOWLEDGE);
    } catch {
      builtin = null;
    }
  }
  return builtin?.sections[catalogueKey(label)];
}
