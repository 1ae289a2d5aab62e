// The virtio status and feature sequence: config space read or written from the feature
// phase (validate, probe before virtio_device_ready, set/get_features handlers, where the
// device cannot yet know the driver's endianness and features), status writes and resets
// added, removed or moved, and driver features written back or cleared after negotiation.
import type { Fact } from '../../model/facts.js';
import { isCLike } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { changedCalls, bounded } from './call-changes.js';
import { detector, gated, matchesIn } from './literal-gate.js';
import { isTeardownName } from './function-roles.js';

const CONFIG_ACCESS = gated(
  /\b(virtio_cread\w*|virtio_cwrite\w*|vdpa_get_config\w*|vdpa_set_config|vp_ioread\d+|vp_iowrite\d+|vhost_vdpa_config_validate|virtio_config_(?:enable|disable))\s*\(|->(get_config|set_config)\s*\(/g,
  ['virtio_c', '_config', 'vp_io'],
);
/** Functions that run before FEATURES_OK: the device cannot tell how config is laid out. */
const FEATURE_PHASE = /(^|_)(validate|finalize_features|set_features|set_driver_features|get_features|get_device_features|features_ok)$/;
/**
 * A transport's own feature ops: their register accesses (vp_ioread/vp_iowrite on the common
 * configuration's feature select and feature words) are how features are negotiated, not the
 * device-specific config space whose layout depends on them.
 */
const FEATURE_REGISTER_OP = /(^|_)(finalize_features|set_features|set_driver_features|get_features|get_device_features)$/;
const REGISTER_ACCESS = /^vp_io(read|write)\d+$/;
const STATUS = gated(
  /\b(virtio_device_ready|virtio_reset_device|virtio_add_status|virtio_config_driver_disable|vdpa_reset|vdpa_set_status|vhost_vdpa_reset|virtio_break_device|__virtio_unbreak_device|virtio_set_status|vp_modern_set_status|vp_legacy_set_status|virtio_features_ok|compat_reset)\s*\(|->(set_status|reset|compat_reset|reset_map)\s*\(|\b(VIRTIO_CONFIG_S_(?:DRIVER_OK|FEATURES_OK|NEEDS_RESET|FAILED|ACKNOWLEDGE|DRIVER))\b/g,
  ['reset', 'status', 'ready', 'driver_disable', 'break_device', 'features_ok', 'VIRTIO_CONFIG_S_'],
);
const FEATURES_WRITE = gated(
  /\b(__virtio_clear_bit|__virtio_set_bit|virtio_clear_feature|virtio_add_feature)\s*\(|(\w+(?:->|\.)(?:features|driver_features|acked_features|negotiated_features|guest_features))\s*(?:[&|^]?=)(?!=)|->(set_driver_features|set_features)\s*\(|(\*?\s*\w*features)\s*&=\s*~/g,
  ['_bit', '_feature', 'features'],
);

const RESET = /reset/i;
/** A teardown other than a reset: a reset function that gains a reset call is the fix, not a change. */
const endsOtherThanByReset = (fn: string) => isTeardownName(fn) && !RESET.test(fn);

export const virtioSequenceFacts: FileFactProducer = detector({ files: isCLike, needs: [CONFIG_ACCESS, STATUS, FEATURES_WRITE] }, (file, allHunks) => {
  const hunks = bounded(allHunks);
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const c of changedCalls(hunks, CONFIG_ACCESS, (code, call) => call)) {
    const fnName = c.line.function ?? '';
    if (c.side !== '+' || c.moved || !FEATURE_PHASE.test(fnName) || seen.has(fnName)) continue;
    // The function's own signature names it; no call. A transport's feature op reaches its registers.
    if (c.call === fnName || (REGISTER_ACCESS.test(c.call) && FEATURE_REGISTER_OP.test(fnName))) continue;
    seen.add(fnName);
    out.push(lineFact('config-access-early', c.call, file, c.line, { detail: `${fnName}() now accesses config space (${c.call}) before FEATURES_OK, when the device cannot know the negotiated features or endianness` }));
  }
  const status = changedCalls(hunks, STATUS, (code, call) => call);
  // A deleted function, or a call moved into a helper, is no change to the sequence.
  const alive = new Set<string>();
  for (const h of hunks) for (const l of h.lines) if (l.kind !== '-' && l.function) alive.add(l.function);
  const addedCalls = new Set(status.filter((c) => c.side === '+').map((c) => c.call));
  // A reset swapped for another way to reset in the same function (->reset() for
  // virtio_reset_device()) keeps the sequence.
  const resetAddedIn = new Set(status.filter((c) => c.side === '+' && RESET.test(c.call)).map((c) => c.line.function ?? ''));
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind === ' ') continue;
      for (const m of matchesIn(l.code, STATUS)) {
        const sym = m[1] ?? m[2] ?? m[3]!;
        const key = `${l.function ?? ''}\u0000${sym}\u0000${l.kind}`;
        if (seen.has(key)) continue;
        // A re-indented or reformatted twin is no change.
        if (status.every((c) => c.line !== l)) continue;
        seen.add(key);
        const moved = status.find((c) => c.line === l && c.moved);
        // A new ready or reset call is usually the fix; one that goes away or moves changes the
        // sequence, and so does a new reset in a teardown path (what survives release or remove).
        if (l.kind === '+' && !moved && !endsOtherThanByReset(l.function ?? '')) continue;
        if (l.kind === '-' && !moved && (!l.function || !alive.has(l.function) || addedCalls.has(sym) || (RESET.test(sym) && resetAddedIn.has(l.function)))) continue;
        const verb = moved ? 'moves' : l.kind === '+' ? 'adds' : 'removes';
        out.push(lineFact('status-sequence-changed', sym, file, l, { detail: `${l.function ? l.function + '() ' : ''}${verb} ${sym}, changing the device status or reset sequence` }));
      }
    }
  }
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind !== '+') continue;
      for (const m of matchesIn(l.code, FEATURES_WRITE)) {
        const bit = /\b((?:VIRTIO|VHOST)_\w*F_\w+)/.exec(l.code.slice(m.index!))?.[1];
        const sym = bit ?? (m[1] ? (/\(\s*[^,]+,\s*(\w+)/.exec(l.code.slice(m.index!))?.[1] ?? m[1]) : (m[2] ?? m[3] ?? m[4]!.replace(/[*\s]/g, '')));
        const key = `fw\u0000${l.function ?? ''}\u0000${sym}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(lineFact('features-written', sym, file, l, { detail: `${l.function ? l.function + '() ' : ''}writes or clears negotiated features (${sym})` }));
      }
    }
  }
  return out;
});
