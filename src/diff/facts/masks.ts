// mask-bit-added / mask-bit-removed: feature bits going into or out of what a device or
// backend offers — a *FEATURES* mask (#define or enum member), "features |= …" (as in a
// VHOST_GET_BACKEND_FEATURES handler), "u64 features = …", a feature-bit array (QEMU's
// kernel_feature_bits[]), virtio_add_feature()/virtio_clear_feature() and DEFINE_PROP_BIT64
// on host_features. A bit both removed and added in the same mask is a reformat, not a change.
// A bit listed in a mask of a file the patch adds (a new device, backend or sample) is an
// initial offer, not a change to one that userspace negotiated against: new-mask-bit.
import type { Fact } from '../../model/facts.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { compat, type Compat } from '../uapi/compat.js';
import { detector, execIn, gated, matchesIn } from './literal-gate.js';

const BIT_NAME = gated(/\b((?:VIRTIO|VHOST|VRING|VDUSE|VFIO)_[A-Z0-9_]*F_[A-Z0-9_]+)\b/g, ['VIRTIO_', 'VHOST_', 'VRING_', 'VDUSE_', 'VFIO_']);
/** "u64 features = …", "->supported_features = …", "features |= …" (not "==", not a comparison). */
const FEATURES_ASSIGN = /(?:^|[\s(])((?:[A-Za-z_]\w*(?:->|\.))*[A-Za-z_]*features)\s*\|?=(?!=)/i;
const FEATURE_ARRAY = /\b(\w*feature\w*)\s*\[\s*\w*\s*\]\s*=\s*\{/i;
const CALL = gated(/\bvirtio_(add|clear)_feature\s*\(\s*&?\s*([\w.>-]+)\s*,\s*([A-Z0-9_]+)\s*\)/g, ['_feature']);
/** A mask's own definition: "#define X_FEATURES", "x_features[] = {" or the enum member "X_FEATURES =". */
const MASK_DEFINITION = /^\s*#\s*define\s+(\w+)|\b(\w+)\s*\[\s*\w*\s*\]\s*=\s*\{|^\s*([A-Z][A-Z0-9_]*FEATURES[A-Z0-9_]*)\s*=(?!=)/;
const PROP_BIT = gated(/\bDEFINE_PROP_BIT(?:64)?\s*\(\s*"[^"]*"\s*,\s*\w+\s*,\s*([\w.]*features)\s*,\s*([A-Z0-9_]+)/, ['DEFINE_PROP_BIT']);

interface Where {
  l: AnnotatedLine;
  mask: string;
  /** The ioctl case the line sits under, when it is inside a switch on the request. */
  ioctl: string | null;
}

/** Masks the annotator does not know: arrays and plain assignments to a *features variable. */
function localMasks(h: AnnotatedHunk, section: string): (string | null)[] {
  const out: (string | null)[] = [];
  const sec = FEATURE_ARRAY.exec(section);
  let array: string | null = sec ? sec[1]! : null;
  let assign: string | null = null;
  for (const l of h.lines) {
    const code = l.code;
    if (!array) {
      const a = FEATURE_ARRAY.exec(code);
      if (a) array = a[1]!;
    }
    if (!assign && !array && !/\b(if|while|return)\b/.test(code)) {
      const m = FEATURES_ASSIGN.exec(code);
      if (m) assign = m[1]!;
    }
    out.push(array ?? assign);
    if (array && /\}\s*;?/.test(code)) array = null;
    if (assign && /;\s*$/.test(code)) assign = null;
  }
  return out;
}

// Every fact names a feature bit, a virtio_*_feature() call or a QEMU property bit.
export const maskFacts: FileFactProducer = detector({ needs: [BIT_NAME, CALL, PROP_BIT] }, (file, hunks) => {
  const added = new Map<string, Where>();
  const removed = new Map<string, Where>();
  const note = (into: Map<string, Where>, w: Where, bit: string) => {
    const key = `${w.mask}\u0000${bit}`;
    if (!into.has(key)) into.set(key, w);
  };
  // Feature-bit arrays of this file (kernel_feature_bits[]): in QEMU's vhost code, lists of bits
  // it passes through to the backend, not bits it offers.
  const arrays = new Set<string>();
  hunks.forEach((h, hi) => {
    for (const text of [file.hunks[hi]?.section ?? '', ...h.lines.map((l) => l.code)]) {
      if (!text.includes('[')) continue;
      const a = FEATURE_ARRAY.exec(text);
      if (a) arrays.add(a[1]!);
    }
    const local = sharedAcrossSides(h, localMasks(h, file.hunks[hi]?.section ?? ''));
    h.lines.forEach((l, i) => {
      const ioctl = l.ioctlCase;
      if (l.kind === ' ') return;
      const into = l.kind === '+' ? added : removed;
      const found = l.mask ?? local[i] ?? null;
      // What the driver accepted is not what the device offers.
      const mask = found && /acked|negotiated/i.test(found) ? null : found;
      if (mask) {
        for (const m of matchesIn(l.code, BIT_NAME)) if (m[1] !== mask) note(into, { l, mask, ioctl }, m[1]!);
      }
      for (const m of matchesIn(l.code, CALL)) {
        // A new virtio_clear_feature() call takes a bit out of the offer.
        const adds = m[1] === 'add';
        note(adds === (l.kind === '+') ? added : removed, { l, mask: m[2]!, ioctl }, m[3]!);
      }
      const p = execIn(l.code, PROP_BIT);
      if (p) note(into, { l, mask: p[1]!, ioctl }, p[2]!);
    });
  });
  const out: Fact[] = [];
  const deleted = deletedMasks(hunks);
  // A mask in a file the patch adds (a new driver, device or sample) is an initial offer. A new
  // mask or handler in an existing driver is not: that device's users see its bits appear.
  const isNew = file.status === 'added';
  const passThrough = PASS_THROUGH_PATH.test(file.path);
  for (const [key, w] of [...added, ...removed]) {
    if (!passThrough || !arrays.has(w.mask) || (added.has(key) && removed.has(key))) continue;
    const bit = key.split('\u0000')[1]!;
    const how = added.has(key) ? 'added to' : 'removed from';
    out.push(lineFact('feature-passthrough-changed', bit, file, w.l, { mask: w.mask, detail: `${bit} ${how} ${w.mask}, the bits QEMU asks the backend about and passes through (the backend still decides whether it offers ${bit})` }));
    added.delete(key);
    removed.delete(key);
  }
  // A bit that leaves one mask and enters another (a rename, a mask split per device) is still
  // offered: moved, neither new nor withdrawn.
  const bits = (m: Map<string, Where>) => new Set([...m.keys()].map((k) => k.split('\u0000')[1]!));
  const addedBits = bits(added);
  const removedBits = bits(removed);
  for (const [key, w] of added) {
    const bit = key.split('\u0000')[1]!;
    if (removedBits.has(bit)) continue;
    if (isNew) {
      out.push(lineFact('new-mask-bit', bit, file, w.l, { mask: w.mask, detail: `${bit} listed in ${w.mask}, a feature mask in a file this patch adds`, compat: compat('compatible', `${w.mask} is new, so no userspace or guest negotiated against it before`) }));
      continue;
    }
    out.push(lineFact('mask-bit-added', bit, file, w.l, { mask: w.mask, detail: `${bit} added to ${w.mask}${w.ioctl ? ` (in the ${w.ioctl} handler)` : ''}`, compat: addedClass(bit, file.path) }));
  }
  for (const [key, w] of removed) {
    const bit = key.split('\u0000')[1]!;
    if (addedBits.has(bit)) continue;
    out.push(
      lineFact('mask-bit-removed', bit, file, w.l, {
        mask: w.mask,
        detail: `${bit} removed from ${w.mask}${w.ioctl ? ` (in the ${w.ioctl} handler)` : ''}`,
        compat: compat('behaviour-change', `userspace or guests that negotiated ${bit} before no longer get it, and may fail feature negotiation or lose the behaviour`),
        // A mask deleted whole (a filter dropped) leaves the offer to the code that replaced it:
        // the bit may well still be offered, so this is no verified withdrawal.
        ...(deleted.has(w.mask) ? { unverified: `the patch deletes ${w.mask} whole; whether ${bit} is still offered depends on the code that replaced it` } : {}),
      }),
    );
  }
  return out;
});

/** "#define OLD NEW" on a line: OLD becomes another name for NEW. */
const ALIAS_DEFINE = /^[+-]?\s*#\s*define\s+(\w+)\s+([A-Za-z_]\w*)\s*$/;

/**
 * Across the patch's files: a bit that leaves a mask in one file and enters one in another
 * (a driver split into modules), or is swapped for a name the patch makes its alias
 * (IOMMU_PLATFORM → ACCESS_PLATFORM), is offered as before.
 */
export function withoutMovedMaskBits(facts: Fact[]): Fact[] {
  if (!facts.some((f) => f.kind === 'mask-bit-removed')) return facts;
  const sameAs = new Map<string, string>();
  for (const f of facts) {
    if (f.kind !== 'macro-value-changed' && f.kind !== 'macro-added') continue;
    const a = ALIAS_DEFINE.exec(f.text ?? '');
    if (a) sameAs.set(a[1]!, a[2]!);
  }
  const bit = (f: Fact) => sameAs.get(f.symbol) ?? f.symbol;
  const added = new Set(facts.filter((f) => f.kind === 'mask-bit-added' || f.kind === 'new-mask-bit').map(bit));
  const removed = new Set(facts.filter((f) => f.kind === 'mask-bit-removed').map(bit));
  return facts.filter((f) => !(((f.kind === 'mask-bit-added' || f.kind === 'new-mask-bit') && removed.has(bit(f))) || (f.kind === 'mask-bit-removed' && added.has(bit(f)))));
}

/** Masks whose definition the patch removes and does not add again. */
function deletedMasks(hunks: AnnotatedHunk[]): Set<string> {
  const added = new Set<string>();
  const removed = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === ' ') continue;
    const d = MASK_DEFINITION.exec(l.code);
    const name = d && (d[1] ?? d[2] ?? d[3]);
    if (name) (l.kind === '+' ? added : removed).add(name);
  }
  return new Set([...removed].filter((n) => !added.has(n)));
}

/**
 * A rewritten mask (BIT() → BIT_ULL(), re-wrapped lines) is a run of removed lines followed by
 * added ones; the annotator closes the mask at the end of the old side, so the new side would
 * look like bits outside any mask and the old bits as removed. Within one run of changed lines
 * that names a single mask, every line belongs to it.
 */
function sharedAcrossSides(h: AnnotatedHunk, local: (string | null)[]): (string | null)[] {
  const out = [...local];
  let i = 0;
  while (i < h.lines.length) {
    if (h.lines[i]!.kind === ' ') {
      i++;
      continue;
    }
    let j = i;
    const masks = new Set<string>();
    for (; j < h.lines.length && h.lines[j]!.kind !== ' '; j++) {
      const m = h.lines[j]!.mask ?? local[j];
      if (m) masks.add(m);
    }
    if (masks.size === 1) {
      const [m] = masks;
      for (let k = i; k < j; k++) if (!h.lines[k]!.mask && !out[k]) out[k] = m!;
    }
    i = j;
  }
  return out;
}

/** QEMU's vhost front ends and libvhost-user, whose feature arrays list bits passed through to the backend. */
const PASS_THROUGH_PATH = /^(hw\/virtio\/vhost[\w-]*\.c|hw\/net\/vhost[\w-]*\.c|net\/vhost-vdpa\.c|subprojects\/libvhost-user\/|contrib\/libvhost-user\/)/;

const BACKEND_PATH = /^(drivers\/(vhost|vdpa)\/|hw\/|subprojects\/libvhost-user\/|contrib\/)/;

function addedClass(bit: string, path: string): Compat {
  if (/^VIRTIO_F_(ACCESS_PLATFORM|IOMMU_PLATFORM)$/.test(bit) && BACKEND_PATH.test(path)) {
    return compat('behaviour-change', `userspace that passes the offered features straight through (as crosvm did) now enables ${bit}, and with it IOTLB translation it never serves, so the device stops working`);
  }
  return compat('compatible-if-negotiated', `only userspace or guests that acknowledge ${bit} get the new behaviour; anything that acknowledges offered bits blindly gets it too`);
}
