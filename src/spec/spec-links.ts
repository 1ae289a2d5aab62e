// Finding sections by label or number, and linking to them in the published HTML.

import type { SpecSection, VirtioSpecIndex } from './types.js';

export const VIRTIO_SPEC_HTML = 'https://docs.oasis-open.org/virtio/virtio/v1.4/virtio-v1.4.html';

export interface ResolvedLabel {
  number: string;
  title: string;
  /** The label as the spec defines it (with its prefix). */
  label: string;
}

const NUMBER_RE = /^(?:\d+|[A-Z])(?:\.\d+)*$/;
const labelMaps = new WeakMap<VirtioSpecIndex, Map<string, SpecSection>>();

function labelMap(index: VirtioSpecIndex): Map<string, SpecSection> {
  let map = labelMaps.get(index);
  if (!map) {
    map = new Map();
    // A heading's own label wins over a label that merely sits inside another section's text.
    for (const s of index.sections) if (s.label) map.set(s.label, s);
    for (const s of index.sections) for (const l of s.labels) if (!map.has(l)) map.set(l, s);
    labelMaps.set(index, map);
  }
  return map;
}

/**
 * Resolves a spec label as a knowledge entry writes it: with or without the "sec:" prefix,
 * whitespace as in the LaTeX (line breaks inside a label count as one space). Exact
 * otherwise: a label that differs in case is a different label to LaTeX too.
 */
export function resolveSpecLabel(index: VirtioSpecIndex, label: string): ResolvedLabel | undefined {
  const wanted = label.replace(/\s+/g, ' ').trim();
  if (!wanted) return undefined;
  const map = labelMap(index);
  for (const candidate of [wanted, `sec:${wanted}`]) {
    const s = map.get(candidate);
    if (s) return { number: s.number, title: s.title, label: candidate };
  }
  return undefined;
}

/** A section by number ("2.1", "A.2") or by label. */
export function findSpecSection(index: VirtioSpecIndex, ref: string): SpecSection | undefined {
  const r = ref.trim();
  if (NUMBER_RE.test(r)) return index.sections.find((s) => s.number === r);
  const resolved = resolveSpecLabel(index, r);
  return resolved ? index.sections.find((s) => s.number === resolved.number) : undefined;
}

/**
 * A link into the published HTML of virtio v1.4 for a label or section number.
 *
 * The OASIS HTML is built with tex4ht, whose anchors are generated ids ("#x1-1100002")
 * that do not carry the \label names and change whenever the document above them
 * changes, so no anchor can be derived from a label. Instead the link carries a text
 * fragment (#:~:text=) for the section's number and title: browsers that support text
 * fragments scroll to the first place the heading appears (the table of contents entry,
 * one click from the section), others open the document at the top. Without an index a
 * label's last path component stands in for the title; a bare number without an index
 * links to the document only. Instead of an index the caller may pass the section itself
 * (number and title, e.g. from the committed section catalogue).
 */
export function publishedSpecUrl(ref: string, known?: VirtioSpecIndex | { number: string; title: string }): string {
  const section = !known ? undefined : 'kind' in known ? findSpecSection(known, ref) : known;
  if (section) return `${VIRTIO_SPEC_HTML}#:~:text=${fragment(section.number)}-,${fragment(section.title)}`;
  const r = ref.trim();
  if (NUMBER_RE.test(r) || r === '') return VIRTIO_SPEC_HTML;
  const title = r.replace(/^[a-z]+:/, '').split(' / ').pop()!.replace(/\s+/g, ' ').trim();
  return title ? `${VIRTIO_SPEC_HTML}#:~:text=${fragment(title)}` : VIRTIO_SPEC_HTML;
}

/** Text-fragment encoding: percent-encode, and also the characters the directive syntax uses. */
function fragment(text: string): string {
  return encodeURIComponent(text).replace(/-/g, '%2D').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
