// Which names count as symbols, for patches (from the diff stage's facts) and for replies (from
// prose). Both sides must agree on the spelling: ops are bare names ("reset_map", never
// ".reset_map" or "->reset_map()"), so a reply's mention meets a patch's fact.
import type { Fact, FactKind } from '../model/facts.js';

/** How strongly a patch is about a symbol: 3 declares or negotiates it, 2 changes its body or calls it as an op, 1 mentions it on a changed line. */
export type SymbolWeight = 1 | 2 | 3;

export interface WeightedSymbol {
  name: string;
  weight: SymbolWeight;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An underscore between two letters or digits: vhost_vdpa_reset, VHOST_BACKEND_F_IOTLB_PERSIST, x86_64. */
const INNER_UNDERSCORE = /[A-Za-z0-9]_+[A-Za-z0-9]/;

/** Annotations, types and helpers that say nothing about what a change is about. */
const NOISE = new Set(
  [
    '__user', '__iomem', '__rcu', '__init', '__exit', '__force', '__packed', '__always_inline', '__must_check', '__maybe_unused',
    'size_t', 'ssize_t', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'int8_t', 'int16_t', 'int32_t', 'int64_t', 'uintptr_t', 'dma_addr_t', 'phys_addr_t', 'gfp_t', 'loff_t', 'bool_t',
    'list_head', 'list_for_each_entry', 'list_for_each_entry_safe', 'list_add_tail', 'list_del', 'list_empty',
    'spin_lock', 'spin_unlock', 'spin_lock_irqsave', 'spin_unlock_irqrestore', 'mutex_lock', 'mutex_unlock', 'mutex_init',
    'EXPORT_SYMBOL', 'EXPORT_SYMBOL_GPL', 'MODULE_LICENSE', 'MODULE_AUTHOR', 'MODULE_DESCRIPTION', 'IS_ERR', 'PTR_ERR', 'ERR_PTR', 'IS_ENABLED',
    'pr_err', 'pr_info', 'pr_warn', 'pr_debug', 'dev_err', 'dev_info', 'dev_warn', 'dev_dbg', 'WARN_ON', 'WARN_ON_ONCE', 'BUG_ON', 'BUILD_BUG_ON',
    'READ_ONCE', 'WRITE_ONCE', 'ARRAY_SIZE', 'GFP_KERNEL', 'GFP_ATOMIC', 'copy_from_user', 'copy_to_user', 'container_of', 'kzalloc', 'kfree',
    'sizeof', 'typeof', 'unlikely', 'likely', 'Signed_off_by', 'BIT', 'BIT_ULL', 'GENMASK', 'GENMASK_ULL', 'min_t', 'max_t', 'private_data', 'kmalloc', 'kcalloc', 'kvfree', 'vfree',
  ].map((s) => s.toLowerCase()),
);

export function isNoise(name: string): boolean {
  return NOISE.has(name.toLowerCase());
}

/** A name that reads as a kernel/QEMU symbol by its shape alone (prose words never have inner underscores). */
export function looksLikeSymbol(name: string): boolean {
  return name.length >= 4 && name.length <= 80 && IDENT.test(name) && INNER_UNDERSCORE.test(name) && /[A-Za-z]/.test(name) && !isNoise(name);
}

const KIND_WEIGHT: Partial<Record<FactKind, SymbolWeight>> = {
  'macro-added': 3,
  'macro-removed': 3,
  'macro-value-changed': 3,
  'ioctl-added': 3,
  'ioctl-removed': 3,
  'ioctl-changed': 3,
  'ioctl-number-reused': 3,
  'struct-member-appended': 3,
  'struct-member-inserted': 3,
  'struct-member-removed': 3,
  'struct-member-changed': 3,
  'struct-reserved-used': 3,
  'struct-implicit-padding': 3,
  'enum-value-added': 3,
  'enum-value-removed': 3,
  'enum-value-changed': 3,
  'sentinel-moved': 3,
  'flag-bit-added': 3,
  'mask-bit-added': 3,
  'mask-bit-removed': 3,
  'op-assigned': 3,
  'module-param-added': 3,
  'module-param-default-changed': 3,
  'function-changed': 2,
  'op-called': 2,
  'symbol-added': 1,
  'symbol-removed': 1,
};

/**
 * A name on a changed line that is an interface rather than a local: a function-pointer member
 * being declared ("int (*reset_map)(…)") declares an op; "ops->reset_map" or ".reset_map = …"
 * names one (only names with an underscore: "v->vqs" is a field every driver has).
 */
function upgrade(text: string, name: string): SymbolWeight {
  if (!IDENT.test(name)) return 1;
  if (new RegExp(`\\(\\s*\\*\\s*${name}\\s*\\)\\s*\\(`).test(text)) return 3;
  if (!INNER_UNDERSCORE.test(name)) return 1;
  const at = text.indexOf(name);
  if (at <= 0) return 1;
  const before = text.slice(Math.max(0, at - 2), at);
  return before.endsWith('->') || (before.endsWith('.') && !/[0-9]\.$/.test(before)) ? 2 : 1;
}

/** Symbols named by declaration-like facts need no underscore (an op "reset", a macro "VDUSE_IOTLB"). */
function acceptable(name: string, weight: SymbolWeight): boolean {
  if (weight === 1) return looksLikeSymbol(name);
  return name.length >= 3 && name.length <= 80 && IDENT.test(name) && !isNoise(name);
}

/**
 * The symbols a patch touches, from the diff stage's facts, strongest weight per name.
 * Facts about files, errnos and the patch text are left out: files are kept apart and the
 * others say nothing about which interface a thread was about. Dotted member names
 * ("vhost_iotlb_msg.asid") give each of their parts.
 */
export function patchSymbols(facts: readonly Fact[], limit = 400): WeightedSymbol[] {
  const best = new Map<string, SymbolWeight>();
  for (const f of facts) {
    let weight = KIND_WEIGHT[f.kind];
    if (!weight) continue;
    if (weight === 1 && f.text !== undefined) weight = upgrade(f.text, f.symbol);
    for (const part of f.symbol.split(/[^A-Za-z0-9_]+/)) {
      if (!acceptable(part, weight)) continue;
      const had = best.get(part) ?? 0;
      if (weight > had) best.set(part, weight);
    }
  }
  // A whole new driver mentions thousands of names; its strongest ones are what it is about.
  return [...best]
    .map(([name, weight]) => ({ name, weight }))
    .sort((a, b) => b.weight - a.weight || a.name.localeCompare(b.name))
    .slice(0, limit);
}
