// The kernel's and QEMU's synchronisation calls, named once for every detector that reads
// locks, barriers or ordered accesses. Each list is a regular-expression alternation of names.

/** Calls that start a lock's critical section (every variant: _irqsave, _nested, _killable...). */
export const LOCK_TAKE = String.raw`mutex_lock\w*|spin_lock\w*|raw_spin_lock\w*|down_read\w*|down_write\w*|read_lock\w*|write_lock\w*|xa_lock\w*|qemu_mutex_lock|qemu_rec_mutex_lock`;
/** Calls that end one. */
export const LOCK_DROP = String.raw`mutex_unlock|spin_unlock\w*|raw_spin_unlock\w*|up_read|up_write|read_unlock\w*|write_unlock\w*|xa_unlock\w*|qemu_mutex_unlock|qemu_rec_mutex_unlock`;

/** Memory barriers, kernel and QEMU spellings. */
export const MEMORY_BARRIERS = [
  'smp_mb', 'smp_rmb', 'smp_wmb', 'smp_store_release', 'smp_load_acquire', 'smp_store_mb', 'smp_mb__before_atomic', 'smp_mb__after_atomic',
  'virtio_mb', 'virtio_rmb', 'virtio_wmb', 'virtio_store_mb', 'virt_mb', 'virt_rmb', 'virt_wmb', 'dma_rmb', 'dma_wmb', 'mb', 'rmb', 'wmb',
  'smp_mb_acquire', 'smp_mb_release',
].join('|');
/** Accesses that order or annotate a shared value without a barrier call of their own. */
export const ORDERED_ACCESSES = ['READ_ONCE', 'WRITE_ONCE', 'qatomic_read', 'qatomic_set', 'qatomic_mb_read', 'qatomic_mb_set', 'atomic_read_acquire', 'atomic_set_release'].join('|');
/** The socket lock, taken and dropped around socket state. */
export const SOCKET_LOCK_TAKE = 'lock_sock';
export const SOCKET_LOCK_DROP = 'release_sock';
