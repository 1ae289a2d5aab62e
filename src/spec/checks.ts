// Patch checks against the spec indexes: does a feature bit a patch defines agree with
// the virtio spec's assignment and allocation, and does a new vhost-user message id or
// protocol-feature bit collide with the documented ones. Pure; the analysis stage turns
// the results into findings.

// ranges.js, not virtio-facts.js: the review loads this module and must not pull in the LaTeX reader.
import { rangeFor } from './ranges.js';
import {
  DEVICE_INDEPENDENT,
  type FeatureBit,
  type VhostUserDirection,
  type VhostUserIndex,
  type VirtioSpecIndex,
} from './types.js';

export type SpecConflictKind =
  | 'name-bit-mismatch' // the spec gives this name another bit
  | 'bit-taken' // the spec gives this bit another name (same device type)
  | 'device-independent-range' // a device-type bit in the range kept for device-independent features
  | 'device-specific-range' // a VIRTIO_F_* bit in the range kept for device types
  | 'reserved-range' // a bit the spec reserves for future extensions
  | 'id-taken' // a vhost-user message id / protocol-feature bit already used by another name
  | 'name-id-mismatch'; // the document gives this name another id / bit

export interface SpecConflict {
  kind: SpecConflictKind;
  /** One sentence for the finding's message. */
  message: string;
  /** What the document has: the clashing definition, or the range's first bit. */
  existing?: { name: string; value: number; section?: string; label?: string | null; legacy?: boolean; line?: number };
}

// Names the kernel and QEMU headers use for bits the spec names differently.
const FEATURE_ALIASES: Record<string, string> = {
  VIRTIO_RING_F_INDIRECT_DESC: 'VIRTIO_F_INDIRECT_DESC',
  VIRTIO_RING_F_EVENT_IDX: 'VIRTIO_F_EVENT_IDX',
  VIRTIO_F_IOMMU_PLATFORM: 'VIRTIO_F_ACCESS_PLATFORM',
};

/** The spec's name for a feature bit name as headers spell it. */
export function specFeatureName(name: string): string {
  return FEATURE_ALIASES[name] ?? name;
}

/**
 * The device type a feature name belongs to: DEVICE_INDEPENDENT for VIRTIO_F_*, a
 * DeviceType key when the name starts with that type's prefix, undefined otherwise
 * (VHOST_* bits, a device type the spec does not define).
 */
export function featureDeviceType(index: VirtioSpecIndex, name: string): string | undefined {
  const n = specFeatureName(name);
  if (n.startsWith('VIRTIO_F_')) return DEVICE_INDEPENDENT;
  let best: { key: string; len: number } | undefined;
  for (const d of index.deviceTypes) {
    if (n.startsWith(d.featurePrefix) && (!best || d.featurePrefix.length > best.len)) best = { key: d.key, len: d.featurePrefix.length };
  }
  return best?.key;
}

const describe = (b: FeatureBit) =>
  `${b.name} (${b.bit}) in ${b.section}${b.legacy ? ', a legacy bit' : ''}`;
const existingOf = (b: FeatureBit) => ({ name: b.name, value: b.bit, section: b.section, label: b.label, legacy: b.legacy, line: b.line });

/** Conflicts between a feature bit a patch defines (name = bit) and the virtio spec. Empty when consistent. */
export function checkFeatureBitAgainstSpec(index: VirtioSpecIndex, name: string, bit: number): SpecConflict[] {
  const specName = specFeatureName(name);
  const type = featureDeviceType(index, specName);
  const shown = specName === name ? name : `${name} (${specName} in the spec)`;
  const inType = (b: FeatureBit) => (type === undefined ? b.deviceType === DEVICE_INDEPENDENT : b.deviceType === type);

  // The spec defines exactly this: nothing to say, even where the spec's own allocation disagrees.
  if (index.featureBits.some((b) => b.name === specName && b.bit === bit && inType(b))) return [];

  const out: SpecConflict[] = [];
  for (const b of index.featureBits) {
    if (b.name === specName && inType(b)) {
      out.push({ kind: 'name-bit-mismatch', message: `${shown} is bit ${b.bit} in the virtio spec (${b.section}), not ${bit}`, existing: existingOf(b) });
    } else if (b.bit === bit && b.name !== specName && inType(b)) {
      out.push({ kind: 'bit-taken', message: `bit ${bit} of ${typeName(index, b.deviceType)} is already ${describe(b)} in the virtio spec`, existing: existingOf(b) });
    }
  }

  const range = rangeFor(index.reservedRanges, bit);
  if (range && type !== undefined) {
    const owner = index.featureBits.find((b) => b.bit === bit && b.deviceType === DEVICE_INDEPENDENT);
    if (type === DEVICE_INDEPENDENT && range.kind === 'device-specific') {
      out.push({
        kind: 'device-specific-range',
        message: `${shown} uses bit ${bit}, which the virtio spec (${range.section}) allocates to device types, not to device-independent features`,
        existing: { name: rangeName(range), value: range.from, section: range.section },
      });
    } else if (type !== DEVICE_INDEPENDENT && range.kind === 'device-independent') {
      out.push({
        kind: 'device-independent-range',
        message: `${shown} uses bit ${bit}, which the virtio spec (${range.section}) keeps for device-independent (transport and queue) features${owner ? `; it is ${owner.name}` : ''}`,
        existing: owner ? existingOf(owner) : { name: rangeName(range), value: range.from, section: range.section },
      });
    }
  }
  if (range?.kind === 'future') {
    out.push({
      kind: 'reserved-range',
      message: `${shown} uses bit ${bit}, which the virtio spec (${range.section}) reserves for future extensions`,
      existing: { name: rangeName(range), value: range.from, section: range.section },
    });
  }
  return out;
}

function typeName(index: VirtioSpecIndex, key: string): string {
  if (key === DEVICE_INDEPENDENT) return 'the device-independent features';
  return index.deviceTypes.find((d) => d.key === key)?.title ?? key;
}

function rangeName(r: { from: number; to: number | null }): string {
  return r.to === null ? `bits ${r.from} and above` : r.to === r.from ? `bit ${r.from}` : `bits ${r.from}-${r.to}`;
}

/**
 * Collisions between a vhost-user message id (per direction) or protocol-feature bit a
 * patch defines and the documented ones. Previous names (VHOST_USER_SLAVE_*) count as the
 * same message. Empty when consistent or new and free.
 */
export function checkVhostUserId(
  index: VhostUserIndex,
  kind: 'message' | 'protocol-feature',
  direction: VhostUserDirection | undefined,
  name: string,
  id: number,
): SpecConflict[] {
  const out: SpecConflict[] = [];
  if (kind === 'protocol-feature') {
    if (index.protocolFeatures.some((f) => f.name === name && f.bit === id)) return [];
    for (const f of index.protocolFeatures) {
      const existing = { name: f.name, value: f.bit, line: f.line };
      if (f.name === name) out.push({ kind: 'name-id-mismatch', message: `${name} is protocol-feature bit ${f.bit} in vhost-user.rst, not ${id}`, existing });
      else if (f.bit === id) out.push({ kind: 'id-taken', message: `vhost-user protocol-feature bit ${id} is already ${f.name}`, existing });
    }
    return out;
  }
  const candidates = index.messages.filter((m) => direction === undefined || m.direction === direction);
  const same = (m: (typeof candidates)[number]) => m.name === name || m.previousNames.includes(name);
  if (candidates.some((m) => same(m) && m.id === id)) return [];
  for (const m of candidates) {
    const existing = { name: m.name, value: m.id, line: m.line };
    if (same(m)) out.push({ kind: 'name-id-mismatch', message: `${name} is ${m.direction} message ${m.id} in vhost-user.rst, not ${id}`, existing });
    else if (m.id === id) out.push({ kind: 'id-taken', message: `${m.direction} vhost-user message id ${id} is already ${m.name}`, existing });
  }
  return out;
}
