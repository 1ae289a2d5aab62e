// The virtio specification index: section tree, normative blocks and their statements,
// feature bits, feature-bit allocation, status bits and device IDs. indexVirtioSpec is
// the I/O edge; buildVirtioSpecIndex does the work on an assembled document.

import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../model/errors.js';
import { assembleDocument, positionOf, type LatexDocument } from './latex-source.js';
import { headingAt, parseStructure } from './latex-structure.js';
import { latexToPlain, type RefResolver } from './latex-text.js';
import { extractStatements } from './normative.js';
import {
  extractDeviceIds,
  extractDeviceIndependentBits,
  extractDeviceTypes,
  extractReservedRanges,
  extractStatusBits,
  rangeFor,
  type FactContext,
  type ResolvedHeading,
} from './virtio-facts.js';
import {
  DEVICE_INDEPENDENT,
  type FeatureBit,
  type NormativeBlock,
  type ReservedRange,
  type SpecSection,
  type VirtioSpecCounts,
  type VirtioSpecIndex,
} from './types.js';

export const VIRTIO_ROOT_FILE = 'virtio.tex';

/** Reads the LaTeX sources under `dir` (virtio.tex and what it inputs) and indexes them. */
export function indexVirtioSpec(dir: string): VirtioSpecIndex {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InputError(dir, 'no such directory');
  }
  if (!isDir) throw new InputError(dir, 'not a directory');
  if (!existsSync(path.join(dir, VIRTIO_ROOT_FILE))) {
    throw new InputError(dir, `no ${VIRTIO_ROOT_FILE} here: expected the virtio specification LaTeX sources`);
  }
  const read = (rel: string): string | undefined => {
    try {
      return readFileSync(path.join(dir, rel), 'utf8');
    } catch {
      return undefined;
    }
  };
  const doc = assembleDocument(VIRTIO_ROOT_FILE, read);
  const revision = read('REVISION')?.trim() || null;
  const index = buildVirtioSpecIndex(doc, revision);
  if (index.sections.length === 0) throw new InputError(dir, `${VIRTIO_ROOT_FILE} yields no numbered headings`);
  return index;
}

export function buildVirtioSpecIndex(doc: LatexDocument, revision: string | null = null): VirtioSpecIndex {
  const { text } = doc;
  const structure = parseStructure(text);
  const all = structure.headings;
  const issues: string[] = [];
  const position = (offset: number) => positionOf(doc, offset);

  // Labels first: \ref and \nameref in titles and statements print numbers and titles.
  const labelOwner = new Map<string, number>();
  for (const [i, h] of all.entries()) {
    for (const l of h.labels) {
      const prev = labelOwner.get(l.name);
      if (prev !== undefined && prev !== i) {
        const p = position(l.offset);
        issues.push(`label "${l.name}" defined twice (again at ${p.file}:${p.line})`);
      } else labelOwner.set(l.name, i);
    }
  }
  const rawTitles = new Map<number, string>();
  const plainTitle = (i: number): string => {
    let t = rawTitles.get(i);
    if (t === undefined) {
      t = latexToPlain(all[i]!.titleSource);
      rawTitles.set(i, t);
    }
    return t;
  };
  const refs: RefResolver = {
    number: (label) => {
      const i = labelOwner.get(label);
      return i === undefined ? undefined : (all[i]!.number ?? undefined);
    },
    title: (label) => {
      const i = labelOwner.get(label);
      return i === undefined ? undefined : plainTitle(i);
    },
  };

  const resolved: ResolvedHeading[] = [];
  const sections: SpecSection[] = [];
  const normativeBlocks: NormativeBlock[] = [];
  for (const h of all) {
    if (h.number === null) continue;
    const title = latexToPlain(h.titleSource, refs);
    const parentNumber = h.parent === null ? null : all[h.parent]!.number;
    const pos = position(h.start);
    resolved.push({ ...h, number: h.number, title, parentNumber });
    const section: SpecSection = {
      number: h.number,
      title,
      label: h.label,
      labels: h.labels.map((l) => l.name),
      level: h.level,
      parent: parentNumber,
      ...pos,
    };
    if (h.normative) section.normative = h.normative.kind;
    if (h.appendix) section.appendix = true;
    sections.push(section);
    if (h.label === null && !h.normative) issues.push(`${h.number} "${title}" has no label (${pos.file}:${pos.line})`);

    if (h.normative) {
      const statements = extractStatements(text.slice(h.end, h.ownEnd), h.end, refs).map((s) => ({
        keyword: s.keyword,
        keywords: s.keywords,
        text: s.text,
        ...position(s.offset),
      }));
      if (statements.length === 0) issues.push(`${h.number} "${title}" is normative but has no sentence with an upper-case keyword (${pos.file}:${pos.line})`);
      normativeBlocks.push({
        kind: h.normative.kind,
        title: latexToPlain(h.normative.titleSource, refs),
        label: h.normative.label,
        number: h.number,
        section: parentNumber,
        statements,
        ...pos,
      });
    }
  }

  for (const miss of doc.missing) {
    if (miss.offset >= structure.bodyStart && miss.offset <= structure.bodyEnd) issues.push(`input "${miss.name}" not found`);
  }

  const byNumber = new Map(resolved.map((h) => [h.number, h] as const));
  const ctx: FactContext = {
    text,
    headings: resolved,
    byNumber,
    position,
    headingAt: (offset) => {
      let i = headingAt(all, offset);
      while (i >= 0 && all[i]!.number === null) i--;
      return i < 0 ? undefined : byNumber.get(all[i]!.number!);
    },
  };
  const { deviceTypes, featureBits: deviceBits } = extractDeviceTypes(ctx);
  const independentBits = extractDeviceIndependentBits(ctx);
  const featureBits = [...independentBits, ...deviceBits];
  const reservedRanges = extractReservedRanges(ctx);
  const statusBits = extractStatusBits(ctx);
  const deviceIds = extractDeviceIds(ctx);
  issues.push(...allocationIssues(featureBits, reservedRanges));

  return {
    kind: 'virtio-spec',
    revision,
    files: doc.files,
    sections,
    normativeBlocks,
    deviceTypes,
    featureBits,
    reservedRanges,
    statusBits,
    deviceIds,
    issues,
    counts: countVirtio(sections, normativeBlocks, featureBits, {
      deviceTypes: deviceTypes.length,
      reservedRanges: reservedRanges.length,
      statusBits: statusBits.length,
      deviceIds: deviceIds.length,
    }),
  };
}

/** Bits the spec defines outside the range its own allocation gives them, and clashes within a device type. */
function allocationIssues(bits: readonly FeatureBit[], ranges: readonly ReservedRange[]): string[] {
  const issues: string[] = [];
  if (ranges.length > 0) {
    for (const b of bits) {
      if (b.legacy) continue;
      const want = b.deviceType === DEVICE_INDEPENDENT ? 'device-independent' : 'device-specific';
      const r = rangeFor(ranges, b.bit);
      if (!r || r.kind !== want) {
        issues.push(`${b.name} (${b.bit}) in ${b.section}: bit ${b.bit} is allocated ${r ? `to ${r.kind} use` : 'to nothing'}, not ${want}`);
      }
    }
  }
  const seen = new Map<string, FeatureBit>();
  for (const b of bits) {
    if (b.legacy) continue;
    const key = `${b.deviceType}:${b.bit}`;
    const prev = seen.get(key);
    if (prev && prev.name !== b.name) issues.push(`${b.deviceType} bit ${b.bit} is both ${prev.name} and ${b.name}`);
    else seen.set(key, b);
  }
  return issues;
}

function countVirtio(
  sections: readonly SpecSection[],
  blocks: readonly NormativeBlock[],
  bits: readonly FeatureBit[],
  rest: Pick<VirtioSpecCounts, 'deviceTypes' | 'reservedRanges' | 'statusBits' | 'deviceIds'>,
): VirtioSpecCounts {
  let must = 0;
  let mustNot = 0;
  let should = 0;
  let may = 0;
  let statements = 0;
  for (const b of blocks) {
    statements += b.statements.length;
    for (const s of b.statements) {
      for (const k of s.keywords) {
        if (k === 'MUST') must++;
        else if (k === 'MUST NOT') mustNot++;
        else if (k === 'SHOULD' || k === 'SHOULD NOT') should++;
        else if (k === 'MAY') may++;
      }
    }
  }
  return {
    sections: sections.length,
    chapters: sections.filter((s) => s.level === 'chapter').length,
    labels: sections.reduce((n, s) => n + s.labels.length, 0),
    normativeSections: blocks.length,
    deviceNormativeSections: blocks.filter((b) => b.kind === 'device').length,
    driverNormativeSections: blocks.filter((b) => b.kind === 'driver').length,
    normativeStatements: statements,
    mustStatements: must + mustNot,
    mustNotStatements: mustNot,
    shouldStatements: should,
    mayStatements: may,
    featureBits: bits.length,
    deviceIndependentFeatureBits: bits.filter((b) => b.deviceType === DEVICE_INDEPENDENT).length,
    ...rest,
  };
}
