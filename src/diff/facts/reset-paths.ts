// reset-path-changed: what a device reset releases, and whether it still waits for the device.
// A reset (vdpa .reset, set_status(0), a vfio or virtio reset helper) returns the device to
// its initial state for the same owner: resources acquired once at probe (IRQs) or handed over
// by the owner (a bound mm) must survive it, and the reset must not return before the device
// has finished it (status read back, IRQs synchronised). Besides the releases listed here, any
// call whose name says it releases something (resource-roles.ts) counts when a reset gains it.
// Not a device reset: a reset of one part (a queue, a ring, a mapping, an IOTLB, a debugfs view)
// frees that part by design. Not a new release: one the same function also gains the acquire
// of (a local buffer), or of an object the patch newly acquires, or one handed the object a
// removed call was given (a helper replaced).
import type { Fact } from '../../model/facts.js';
import { isCLike } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { changedCalls, bounded, calledFrom, callObjects, anyChangedCalls, liveFunctions } from './call-changes.js';
import { resourceOf, pairs, newlyAcquired } from './resource-roles.js';
import { entryOf } from '../map-entry.js';

/** Words after or before "reset" that name a part of the device rather than the device. */
const QUEUE_PARTS = ['vq', 'vqs', 'queue', 'queues', 'virtqueue', 'virtqueues', 'vring', 'ring', 'rings'];
/** Parts whose reset drops a translation or a view, not device state (shared with reset-state.ts). */
export const MAPPING_PARTS: readonly string[] = ['map', 'maps', 'mr', 'iotlb', 'umem', 'stats', 'counters', 'debugfs'];
const PART = new Set([...QUEUE_PARTS, ...MAPPING_PARTS]);
/** A reset of the device, not of one of its parts (vp_modern_reset_vq, vhost_iotlb_reset). */
const isDeviceReset = (fn: string) => fn.includes('reset') && !fn.split('_').some((t) => PART.has(t));
/** Release of what probe or the owner set up once. */
const RELEASE = /^(free_irq|devm_free_irq|pci_free_irq_vectors|\w+_free_irqs?|\w*unbind_mm|kthread_unuse_mm|mmput|mmdrop|\w+_release_irqs?)$/;
/** Waiting for the device: reading the status back, polling, synchronising interrupts. */
const WAIT = /\b(\w*get_status|vp_modern_get_status|vp_legacy_get_status|readx_poll_timeout\w*|read_poll_timeout\w*|synchronize_irq|\w+_synchronize_\w*irq\w*)\s*\(/g;

export const resetPathFacts: FileFactProducer = (file, allHunks) => {
  // Cheap prefilter: nothing to do in a file whose hunks never mention a reset.
  if (!isCLike(file.path) || !allHunks.some((h) => h.lines.some((l) => l.function?.includes('reset') || l.code.includes('reset')))) return [];
  const hunks = bounded(allHunks);
  const reached = calledFrom(hunks, isDeviceReset);
  const inReset = (fn: string | null) => !!fn && (isDeviceReset(fn) || reached.has(fn));
  const alive = liveFunctions(hunks);
  const out: Fact[] = [];
  const seen = new Set<string>();
  // Every changed call: kept when it is a listed release, or its name says it releases something (resource-roles).
  const calls = anyChangedCalls(hunks);
  const isRelease = (call: string) => resourceOf(call)?.kind === 'release';
  // A release removed beside the added one: a helper renamed or swapped, not a new release.
  const swapped = new Set(calls.filter((c) => c.side === '-' && !c.moved && isRelease(c.call)).map((c) => c.line.function));
  // An object a removed call was given, handed to the added one instead: a helper replaced.
  const removedObjects = callObjects(hunks).removed;
  const removedCalls = new Set(calls.filter((c) => c.side === '-' && !c.moved).map((c) => `${c.line.function}\u0000${c.call}`));
  // Acquires the patch adds per function: a release of the same resource there is local.
  const acquired = new Map<string, NonNullable<ReturnType<typeof resourceOf>>[]>();
  for (const c of calls) {
    const r = c.side === '+' && c.line.function ? resourceOf(c.call) : null;
    if (r?.kind === 'acquire') entryOf(acquired, c.line.function!, () => []).push(r);
  }
  const fresh = newlyAcquired(hunks);
  const local = (fn: string, call: string) => {
    const r = resourceOf(call);
    return !!r && !!acquired.get(fn)?.some((a) => pairs(a, r));
  };
  const released = (fn: string, call: string) =>
    inReset(fn) && (RELEASE.test(call) || (!swapped.has(fn) && isRelease(call))) && !local(fn, call);
  for (const c of calls) {
    const fn = c.line.function;
    if (c.side !== '+' || c.moved || !fn || fn === c.call || seen.has(c.call) || !released(fn, c.call)) continue;
    if (c.object !== c.call && (removedObjects.has(`${fn}\u0000${c.object}`) || fresh.has(c.object))) continue;
    // The same release removed from this function with other arguments: only they changed.
    if (removedCalls.has(`${fn}\u0000${c.call}`)) continue;
    seen.add(c.call);
    out.push(lineFact('reset-path-changed', c.call, file, c.line, {
      detail: RELEASE.test(c.call)
        ? `${fn}() now calls ${c.call}() on reset: what probe or the owner set up once is gone after a reset, and the device cannot be brought up again for the same owner`
        : `${fn}() now calls ${c.call}() on reset: unless it is set up again before the device is next used, the same owner finds it gone after a reset, and state userspace set up (mappings, eventfds) may vanish without userspace knowing`,
    }));
  }
  for (const c of changedCalls(hunks, WAIT, (code, call) => call)) {
    const fn = c.line.function;
    // A removed wait in a function that still exists; a deleted function changes no reset.
    if (c.side !== '-' || c.moved || !fn || !alive.has(fn) || !inReset(fn) || seen.has(c.call)) continue;
    seen.add(c.call);
    out.push(lineFact('reset-path-changed', c.call, file, c.line, { detail: `${fn}() no longer calls ${c.call}(): the reset returns before the device (or its interrupts) has finished resetting` }));
  }
  return out;
};
