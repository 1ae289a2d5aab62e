// Facts the spec lists rather than states: device types and their IDs, feature bits per
// device type, how the feature-bit space is allocated, device status bits. All pure
// functions over the assembled text and its numbered headings.

import { latexToPlain } from './latex-text.js';
import type { Heading } from './latex-structure.js';
import {
  DEVICE_INDEPENDENT,
  type DeviceId,
  type DeviceType,
  type FeatureBit,
  type ReservedRange,
  type ReservedRangeKind,
  type SourcePosition,
  type StatusBit,
} from './types.js';

/** A numbered heading with its plain title, as the fact extractors see it. */
export interface ResolvedHeading extends Heading {
  number: string;
  title: string;
  parentNumber: string | null;
}

export interface FactContext {
  text: string;
  headings: ResolvedHeading[];
  byNumber: Map<string, ResolvedHeading>;
  position(offset: number): SourcePosition;
  /** The heading whose own text holds the offset. */
  headingAt(offset: number): ResolvedHeading | undefined;
}

// \item[NAME (N)] in description lists, or \item NAME (N) without brackets.
const ITEM_RE = /\\item\s*(?:\[([^\]]*)\]|([A-Z][A-Z0-9_\\]*\s*\(\s*\d+\s*\)))/g;
const NAMED_VALUE_RE = /^([A-Z][A-Z0-9_]*)\s*\(\s*(\d+)\s*\)$/;

interface NamedValue {
  name: string;
  value: number;
  offset: number;
}

/** Items of description lists that name a constant and its value: VIRTIO_NET_F_CSUM (0). */
export function namedItems(text: string, start: number, end: number): NamedValue[] {
  const out: NamedValue[] = [];
  const slice = text.slice(start, end);
  for (const m of slice.matchAll(ITEM_RE)) {
    const label = latexToPlain(m[1] ?? m[2] ?? '').replace(/\s+/g, ' ').trim();
    const nv = NAMED_VALUE_RE.exec(label);
    if (nv) out.push({ name: nv[1]!, value: Number(nv[2]), offset: start + m.index });
  }
  return out;
}

const byTitle = (headings: ResolvedHeading[], re: RegExp, pred: (h: ResolvedHeading) => boolean = () => true) =>
  headings.find((h) => !h.normative && re.test(h.title) && pred(h));

export function findDeviceTypesChapter(ctx: FactContext): ResolvedHeading | undefined {
  return byTitle(ctx.headings, /^Device Types$/i, (h) => h.depth === 0);
}

export function extractDeviceTypes(ctx: FactContext): { deviceTypes: DeviceType[]; featureBits: FeatureBit[] } {
  const chapter = findDeviceTypesChapter(ctx);
  const deviceTypes: DeviceType[] = [];
  const featureBits: FeatureBit[] = [];
  if (!chapter) return { deviceTypes, featureBits };
  const members = ctx.headings.filter(
    (h) => h.depth === chapter.depth + 1 && h.start > chapter.start && h.start < chapter.extentEnd && !h.normative,
  );
  for (const dev of members) {
    const key = deviceKey(ctx.position(dev.start).file, dev.title);
    const inside = ctx.headings.filter((h) => h.start > dev.start && h.start < dev.extentEnd);
    const idHeading = inside.find((h) => /^Device ID$/i.test(h.title));
    const idMatch = idHeading ? /\b(\d+)\b/.exec(latexToPlain(ctx.text.slice(idHeading.end, idHeading.ownEnd))) : null;
    const bits = namedItems(ctx.text, dev.start, dev.extentEnd)
      .filter((nv) => /_F_/.test(nv.name))
      .map((nv) => toFeatureBit(ctx, nv, key, dev));
    featureBits.push(...bits);
    deviceTypes.push({
      key,
      title: dev.title,
      id: idMatch ? Number(idMatch[1]) : null,
      section: dev.number,
      label: dev.label,
      featurePrefix: commonPrefix(bits) ?? `VIRTIO_${key.toUpperCase().replace(/-/g, '_')}_F_`,
    });
  }
  return { deviceTypes, featureBits };
}

/** VIRTIO_F_* bits (and the legacy UNUSED bit) of the "Reserved Feature Bits" chapter. */
export function extractDeviceIndependentBits(ctx: FactContext): FeatureBit[] {
  const chapter = byTitle(ctx.headings, /^Reserved Feature Bits$/i, (h) => h.depth === 0);
  if (!chapter) return [];
  return namedItems(ctx.text, chapter.start, chapter.extentEnd).map((nv) => toFeatureBit(ctx, nv, DEVICE_INDEPENDENT, chapter));
}

function toFeatureBit(ctx: FactContext, nv: NamedValue, deviceType: string, top: ResolvedHeading): FeatureBit {
  const h = ctx.headingAt(nv.offset) ?? top;
  return {
    name: nv.name,
    bit: nv.value,
    deviceType,
    section: h.number,
    label: h.label ?? top.label,
    legacy: isLegacy(ctx, h, top),
    ...ctx.position(nv.offset),
  };
}

/** Inside a "Legacy Interface: ..." section (at any depth below the device type). */
function isLegacy(ctx: FactContext, h: ResolvedHeading, top: ResolvedHeading): boolean {
  for (let cur: ResolvedHeading | undefined = h; cur && cur !== top; cur = cur.parentNumber ? ctx.byNumber.get(cur.parentNumber) : undefined) {
    if (/^Legacy Interface/i.test(cur.title)) return true;
  }
  return false;
}

function deviceKey(file: string, title: string): string {
  const m = /(?:^|\/)device-types\/([^/]+)\//.exec(file);
  if (m) return m[1]!;
  return title
    .toLowerCase()
    .replace(/\s+device$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function commonPrefix(bits: FeatureBit[]): string | undefined {
  const counts = new Map<string, number>();
  for (const b of bits) {
    const m = /^(.*?_F_)/.exec(b.name);
    if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  let best: string | undefined;
  let n = 0;
  for (const [p, c] of counts) if (c > n) [best, n] = [p, c];
  return best;
}

/**
 * The allocation of the feature-bit space ("0 to 23, 41, 42 and 50 to 127" and so on) from
 * the description list of the basic "Feature Bits" section; the kind of each range is
 * read from the words of its item.
 */
export function extractReservedRanges(ctx: FactContext): ReservedRange[] {
  const sec = byTitle(ctx.headings, /^Feature Bits$/i, (h) => h.depth === 1 && !/device types/i.test(chapterTitle(ctx, h)));
  if (!sec) return [];
  const body = ctx.text.slice(sec.end, sec.ownEnd);
  const out: ReservedRange[] = [];
  for (const m of body.matchAll(/\\item\s*\[([^\]]*)\]([\s\S]*?)(?=\\item|\\end\s*\{description\}|$)/g)) {
    const label = latexToPlain(m[1]!);
    if (!/^\d/.test(label)) continue;
    const kind = rangeKind(latexToPlain(m[2]!));
    for (const r of parseRanges(label)) out.push({ ...r, kind, section: sec.number });
  }
  return out.sort((a, b) => a.from - b.from);
}

function chapterTitle(ctx: FactContext, h: ResolvedHeading): string {
  return ctx.byNumber.get(h.number.split('.')[0]!)?.title ?? '';
}

function rangeKind(description: string): ReservedRangeKind {
  if (/specific device type/i.test(description)) return 'device-specific';
  if (/queue and\s+feature negotiation/i.test(description)) return 'device-independent';
  if (/future/i.test(description)) return 'future';
  return 'unknown';
}

/** "0 to 23, 41, 42 and 50 to 127" → [0,23] [41,41] [42,42] [50,127]; "128 and above" → [128,null]. */
export function parseRanges(label: string): { from: number; to: number | null }[] {
  const out: { from: number; to: number | null }[] = [];
  let rest = label.replace(/(\d+)\s+and\s+(?:above|up|higher)/gi, (_m, n: string) => {
    out.push({ from: Number(n), to: null });
    return '';
  });
  rest = rest.replace(/\band\b/g, ',');
  for (const part of rest.split(',')) {
    const p = part.trim();
    const span = /^(\d+)\s*(?:to|-|–)\s*(\d+)$/.exec(p);
    if (span) out.push({ from: Number(span[1]), to: Number(span[2]) });
    else if (/^\d+$/.test(p)) out.push({ from: Number(p), to: Number(p) });
  }
  return out.sort((a, b) => a.from - b.from);
}

export function extractStatusBits(ctx: FactContext): StatusBit[] {
  const sec = byTitle(ctx.headings, /^Device Status Field$/i);
  if (!sec) return [];
  return namedItems(ctx.text, sec.end, sec.ownEnd).map((nv) => ({ name: nv.name, value: nv.value, section: sec.number }));
}

/** The "Device ID | Virtio Device" table of the Device Types chapter. */
export function extractDeviceIds(ctx: FactContext): DeviceId[] {
  const chapter = findDeviceTypesChapter(ctx);
  if (!chapter) return [];
  const body = ctx.text.slice(chapter.end, chapter.ownEnd);
  const out: DeviceId[] = [];
  // Table rows end with \\; a row is "<id> & <name>".
  for (const row of body.split(/\\\\/)) {
    const m = /^(\d+)\s*&([^&]*)$/.exec(row.replace(/\\hline/g, ' ').trim());
    const name = m ? latexToPlain(m[2]!) : '';
    if (m && name) out.push({ id: Number(m[1]), name });
  }
  return out;
}

export { rangeFor } from './ranges.js';
