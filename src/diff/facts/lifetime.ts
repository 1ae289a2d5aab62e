// Lifetime: references the patch takes or drops (eventfd contexts, files, devices, krefs)
// without the matching put or get in the same patch, and objects freed while an id or a
// table entry may still resolve to them.
import type { Fact } from '../../model/facts.js';
import { isCLike } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { changedCalls, type CallChange, bounded, callObjects, firstArgument, liveFunctions } from './call-changes.js';
import { detector, gated, testIn } from './literal-gate.js';
import { newlyAcquired } from './resource-roles.js';
import { FAMILIES } from './reference-families.js';
import { isTeardownName } from './function-roles.js';

const REF_CALL = gated(
  new RegExp(`\\b(${FAMILIES.flatMap((f) => [f.get.source, f.put.source]).map((s) => s.slice(2, -2)).join('|')})\\s*\\(`, 'g'),
  ['eventfd_ctx_', 'fget', 'fdget', 'get_file', 'fput', 'fdput', '_device', 'pci_dev_', 'kobject_', 'kref_', 'refcount_', 'registration', 'iommufd_', 'dma_buf_', 'task_struct', 'mmgrab', 'mmget', 'mmdrop', 'mmput', '_pid', 'module_'],
);
const FREE = gated(/\b(kfree|kvfree|vfree|kfree_sensitive|g_free|free)\s*\(/g, ['free']);
const ID_RELEASE = gated(
  /\b(idr_remove|xa_erase|xa_release|xa_store|ida_free|ida_simple_remove|hash_del\w*|list_del\w*|rb_erase|hlist_del\w*|radix_tree_delete|rcu_assign_pointer|RCU_INIT_POINTER|synchronize_rcu|kfree_rcu|call_rcu|g_hash_table_remove)\s*\(/,
  ['idr_remove', 'xa_', 'ida_', 'hash_del', 'list_del', 'rb_erase', 'radix_tree_delete', 'rcu', 'RCU_INIT_POINTER', 'g_hash_table_remove'],
);
const ID_PUBLISH = gated(
  /\b(idr_alloc\w*|xa_alloc\w*|xa_store|xa_insert|hash_add\w*|radix_tree_insert|g_hash_table_insert)\s*\(/,
  ['idr_alloc', 'xa_', 'hash_add', 'radix_tree_insert', 'g_hash_table_insert'],
);

/** Mappings userspace set up (IOTLB entries, DMA maps, pinned pages, parent memory regions). */
const MAPPING = gated(
  /\b(vhost_iotlb_reset|vhost_iotlb_del_range|vhost_iotlb_add_range\w*|vhost_iotlb_free|vhost_vdpa_iotlb_unmap|vhost_vdpa_unmap|vhost_vdpa_map|vhost_vdpa_reset_map|\w+_reset_map|iommu_unmap|iommu_map|vfio_unpin_pages|vfio_pin_pages|iommufd_access_unpin_pages|iopt_unmap_\w+|\w+_destroy_mr\w*|\w+_create_mr\w*|\w+_update_mr\w*|\w+_dma_unmap|\w+_dma_map|vduse_domain_reset_bounce_map|vduse_domain_\w*bounce\w*)\s*\(|->(reset_map|set_map|dma_map|dma_unmap)\s*\(/g,
  ['iotlb', 'map', 'pin_pages', '_mr', 'bounce'],
);
/** A call name the mapping pattern knows (the pattern is global: its position is reset first). */
const isMappingCall = (name: string) => {
  MAPPING.re.lastIndex = 0;
  return testIn(`${name}(`, MAPPING);
};
/** Mapping calls that remove or reset what userspace mapped (the others create or update). */
const TEARS_DOWN = /unmap|unpin|destroy|free|reset|del_range/;

// Every fact needs a mapping call, a reference call, or (for a free) a table the file publishes in.
export const lifetimeFacts: FileFactProducer = detector({ files: isCLike, needs: [MAPPING, REF_CALL, ID_PUBLISH] }, (file, allHunks) => {
  const hunks = bounded(allHunks);
  const out: Fact[] = [];
  // Mappings dropped, moved, or newly torn down in a release/reset path.
  const seenMap = new Set<string>();
  const maps = changedCalls(hunks, MAPPING, (code, call, open) => `${call}\u0000${firstArgument(code, open)}`);
  const alive = liveFunctions(hunks);
  const addedAnywhere = new Set(maps.filter((c) => c.side === '+').map((c) => c.call));
  // A teardown (or setup) call replaced by another of the same kind in the same function: a
  // helper renamed or swapped (mlx5_vdpa_destroy_mr_asid() → mlx5_vdpa_destroy_mr()), not a
  // mapping that now survives or dies at another point.
  const kindOf = (call: string) => (TEARS_DOWN.test(call) ? 'down' : 'up');
  const sides = new Set(maps.filter((c) => !c.moved).map((c) => `${c.line.function ?? ''}\u0000${kindOf(c.call)}\u0000${c.side}`));
  const replaced = (c: CallChange) => sides.has(`${c.line.function ?? ''}\u0000${kindOf(c.call)}\u0000${c.side === '+' ? '-' : '+'}`);
  // Its object handed to a call on the other side in the same function: a helper swapped in
  // (vhost_umem_clean(dev->iotlb) → vhost_iotlb_free(dev->iotlb)).
  const objects = maps.length > 0 ? callObjects(hunks) : null;
  // A teardown of an object the patch newly acquires pairs that acquire (a new member freed).
  const fresh = maps.length > 0 ? newlyAcquired(hunks) : new Set<string>();
  const handedOver = (c: CallChange) => {
    const arg = c.object.slice(c.call.length + 1);
    if (!arg || !objects) return false;
    if (c.side === '+' && fresh.has(arg)) return true;
    // A mapping call on the other side is no helper swap: `replaced` judges those by kind.
    const others = (c.side === '+' ? objects.removed : objects.added).get(`${c.line.function ?? ''}\u0000${arg}`);
    return !!others?.some((o) => !isMappingCall(o));
  };
  for (const c of maps) {
    const fnName = c.line.function ?? '';
    if (!c.moved && (replaced(c) || handedOver(c))) continue;
    // The function's own name: its definition or prototype line, not a call it makes.
    if (c.call === fnName) continue;
    if (c.side === '+' && !c.moved && !isTeardownName(fnName)) continue;
    // A deleted function, or a call that moved into a helper, changes no lifetime.
    if (c.side === '-' && (!alive.has(fnName) || addedAnywhere.has(c.call))) continue;
    const k = `${fnName}\u0000${c.call}`;
    if (seenMap.has(k)) continue;
    seenMap.add(k);
    const verb = c.moved ? 'moves' : c.side === '+' ? 'adds' : 'removes';
    out.push(lineFact('mapping-lifecycle-changed', c.call, file, c.line, { detail: `${fnName ? fnName + '() ' : ''}${verb} ${c.call}(), changing which mappings survive reset or release` }));
  }
  const calls = changedCalls(hunks, REF_CALL).filter((c) => !c.moved);
  for (const fam of FAMILIES) {
    const net = (re: RegExp) => calls.filter((c) => re.test(c.call)).reduce((n, c) => n + (c.side === '+' ? 1 : -1), 0);
    const gets = net(fam.get);
    const puts = net(fam.put);
    if (gets === puts) continue;
    // Name the first unmatched call: a new get with no put, or a removed/added put.
    const side = gets > puts ? fam.get : fam.put;
    const c: CallChange | undefined = calls.find((x) => side.test(x.call) && x.side === '+') ?? calls.find((x) => side.test(x.call));
    if (!c) continue;
    // put_device() added on an error path after device_initialize() is the documented idiom.
    if (fam.name === 'device' && gets < puts && c.side === '+') continue;
    const what = gets > puts ? `takes a ${fam.name} reference (${c.call}) with no matching put added` : `changes the ${fam.name} references it drops (${c.side === '+' ? 'adds' : 'removes'} ${c.call}) with no matching get`;
    out.push(lineFact('ref-unbalanced', c.object, file, c.line, { detail: `${c.line.function ? c.line.function + '() ' : ''}${what} on ${c.object}` }));
  }
  // A new free of an object that the file publishes in a table, with no removal in the patch.
  const text = hunks.flatMap((h) => h.lines.filter((l) => l.kind !== '-').map((l) => l.code));
  const publishes = text.some((t) => testIn(t, ID_PUBLISH));
  const unpublishes = text.some((t) => testIn(t, ID_RELEASE));
  if (publishes && !unpublishes) {
    for (const c of changedCalls(hunks, FREE)) {
      if (c.side !== '+' || c.moved) continue;
      out.push(lineFact('object-freed', c.object, file, c.line, { detail: `${c.line.function ? c.line.function + '() ' : ''}frees ${c.object} while the file publishes objects in an id table or list and the patch removes none` }));
      break;
    }
  }
  return out;
});
