// Kernel APIs every subsystem uses: touching refcount_inc, xa_erase or UINT_MAX says nothing
// about who knows the code a patch changes, so `who` does not count them as evidence.
const GENERIC_PREFIXES = [
  'refcount_', 'kref_', 'atomic_', 'atomic64_', 'xa_', 'idr_', 'ida_', 'list_', 'hlist_', 'llist_', 'rb_', 'mutex_', 'spin_', 'raw_spin_',
  'read_lock', 'write_lock', 'down_', 'up_', 'rcu_', 'srcu_', 'synchronize_rcu', 'call_rcu', 'kfree', 'kvfree', 'kmalloc', 'kzalloc', 'kcalloc',
  'kvmalloc', 'kvzalloc', 'kmem_cache_', 'vmalloc', 'vzalloc', 'vfree', 'devm_', 'memcpy', 'memset', 'memcmp', 'memmove', 'strcpy', 'strscpy',
  'strncpy', 'strlen', 'strcmp', 'strncmp', 'snprintf', 'sprintf', 'copy_from_user', 'copy_to_user', 'get_user', 'put_user', 'pr_', 'dev_err',
  'dev_warn', 'dev_info', 'dev_dbg', 'netdev_err', 'netdev_warn', 'WARN_ON', 'BUG_ON', 'WARN', 'wait_event', 'wake_up', 'schedule', 'cond_resched',
  'msleep', 'usleep_range', 'udelay', 'mdelay', 'init_waitqueue', 'init_completion', 'complete', 'wait_for_completion', 'queue_work', 'flush_work',
  'cancel_work', 'INIT_WORK', 'lockdep_', 'might_sleep', 'smp_', 'READ_ONCE', 'WRITE_ONCE', 'ERR_PTR', 'PTR_ERR', 'IS_ERR', 'ERR_CAST',
  'container_of', 'array_size', 'struct_size', 'array_index_nospec', 'check_add_overflow', 'check_mul_overflow', 'BIT', 'GENMASK', 'FIELD_',
  'ARRAY_SIZE', 'min', 'max', 'clamp', 'likely', 'unlikely', 'sizeof', 'offsetof', 'le16_to_cpu', 'le32_to_cpu', 'le64_to_cpu', 'cpu_to_le',
  'be16_to_cpu', 'be32_to_cpu', 'cpu_to_be', 'EXPORT_SYMBOL', 'MODULE_', 'module_param', 'jiffies', 'ktime_', 'get_random',
];
const GENERIC_WORDS = new Set([
  'NULL', 'true', 'false', 'bool', 'size_t', 'ssize_t', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', '__u8', '__u16', '__u32', '__u64',
  '__le16', '__le32', '__le64', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'int', 'long', 'unsigned', 'void', 'char', 'return', 'goto',
  'U8_MAX', 'U16_MAX', 'U32_MAX', 'U64_MAX', 'S32_MAX', 'INT_MAX', 'INT_MIN', 'UINT_MAX', 'LONG_MAX', 'ULONG_MAX', 'LLONG_MAX', 'ULLONG_MAX',
  'SIZE_MAX', 'PAGE_SIZE', 'PAGE_SHIFT', 'PAGE_MASK', 'GFP_KERNEL', 'GFP_ATOMIC', 'GFP_NOWAIT', '__GFP_ZERO', 'current', 'fallthrough',
]);

/** True for a symbol of the kernel's common vocabulary (and every errno), not of a subsystem. */
export function isGenericKernelApi(symbol: string): boolean {
  if (GENERIC_WORDS.has(symbol) || /^E[A-Z0-9]{2,}$/.test(symbol)) return true;
  return GENERIC_PREFIXES.some((p) => symbol === p || (symbol.startsWith(p) && (p.endsWith('_') || /^[_0-9]/.test(symbol.slice(p.length)))));
}
