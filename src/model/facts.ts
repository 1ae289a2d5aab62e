// Typed facts: what the diff stage says a patch does. Knowledge entries match facts;
// findings come only from matches. New producers add kinds here, never engine code.

/** Facts that say a uAPI declaration changed (not just a comment or whitespace). */
export const UAPI_DECLARATION_KINDS = [
  'macro-added',
  'macro-removed',
  'macro-value-changed',
  'ioctl-added',
  'ioctl-removed',
  'ioctl-changed', // type/nr/direction/argument changed
  'ioctl-number-reused', // a new ioctl whose (type, nr) is already taken
  'struct-member-appended',
  'struct-member-inserted',
  'struct-member-removed',
  'struct-member-changed',
  'struct-reserved-used',
  'struct-implicit-padding',
  'enum-value-added',
  'enum-value-removed',
  'enum-value-changed',
  'sentinel-moved',
  'flag-bit-added',
] as const;

export const FACT_KINDS = [
  // generic, from any changed C-like line
  'symbol-added', // identifier on an added line
  'symbol-removed', // identifier on a removed line
  'function-changed', // a changed line inside this function
  'op-assigned', // ".op = fn" in an ops initializer (symbol: op name)
  'op-called', // "ops->op(" / "->op(" call (symbol: op name)
  'error-return-added', // "return -EXXX" / "err = -EXXX" added (symbol: EXXX)
  'input-check-changed', // in a function userspace reaches, the condition of a guard that fails with an errno rewritten (symbol: EXXX)
  'error-value-changed', // in a function userspace reaches, what a failure returns changed: an errno swapped in place, an error overwritten before the return, or "return 0" under a failure test (symbol: the function)
  'error-return-removed', // in a function userspace reaches, a guard that failed with an errno deleted, none in its place (symbol: EXXX)
  'module-param-added', // module_param*() added (symbol: parameter name)
  'module-param-default-changed', // an existing module parameter's initial value (or the #define it starts from) rewritten (symbol: parameter name)
  'wait-added', // a wait/sleep on something userspace controls (symbol: the wait primitive)
  'ioctl-encoding-changed', // an ioctl argument packed/unpacked differently, with no uAPI comment or doc in the patch (symbol: the request)
  'mask-bit-added', // bit added to a *_FEATURES mask or features |= (symbol: bit, mask: mask)
  'mask-bit-removed',
  'new-mask-bit', // bit listed in a features mask of a file the patch adds (a new device, backend or sample): an initial offer (symbol: bit, mask: mask)
  // behaviour detectors: what a change does, with the object it does it to
  'lock-added', // a lock now taken in a function (symbol: the lock)
  'lock-removed', // a lock no longer taken in a function
  'lock-moved', // a lock taken or dropped at another place in the same function
  'barrier-changed', // a memory barrier, acquire/release or READ_ONCE/WRITE_ONCE added, removed or moved (symbol: the object, or the barrier)
  'rcu-changed', // an RCU read section, publication or grace period changed (symbol: the pointer)
  'ordering-question', // a locking/RCU/barrier/work change that leaves a named interleaving open: a field reached outside its lock, a lookup used without a reference, teardown without a wait, sleeping in atomic context (symbol: the field, pointer or call)
  'work-changed', // deferred work, an irq or a thread queued, flushed, cancelled or stopped differently (symbol: the work item)
  'untrusted-value-unchecked', // a value from userspace/guest/device used as index/size/in arithmetic with no check (symbol: the value)
  'user-copy-length', // a computed length given to copy_to_user/clear_user (symbol: the length)
  'ref-unbalanced', // a reference taken or dropped without its pair in the patch (symbol: the object)
  'mapping-lifecycle-changed', // an IOTLB/DMA mapping reset, unmapped or torn down at another point (symbol: the call)
  'object-freed', // an object freed in a file that publishes objects in tables, with nothing unpublished
  'config-field-ungated', // a named virtio config field newly read in a function that tests no feature bit in the patch (symbol: the field)
  'config-access-early', // config space accessed from a function that runs before FEATURES_OK (symbol: the accessor)
  'status-sequence-changed', // a device status write, reset or ready call added, removed or moved (symbol: the call or status bit)
  'features-written', // negotiated/driver features written or cleared (symbol: the bit or field)
  'netlink-policy-changed', // a netlink policy entry added or changed (symbol: the attribute)
  'netlink-command-changed', // a genetlink command added or removed (symbol: the command)
  'netlink-reply-changed', // an attribute put in or dropped from a reply (symbol: the attribute)
  'netlink-attr-parsed', // a request attribute newly read or no longer read (symbol: the attribute)
  'socket-semantics-changed', // vsock/tun/tap state, shutdown, linger, poll or flag handling changed (symbol: the state/flag)
  'socket-state-changed', // a vsock socket call's state write, blocking wait/timeout or returned errno added, dropped or rewritten (symbol: the field, flag, wait or errno)
  'socket-credit-changed', // a vsock flow-control counter updated or credit call made with no lock seen held (symbol: the counter or call)
  'socket-transport-changed', // a vsock transport pointer, instance, registration or module reference set or released at another point (symbol: the pointer or call)
  'packet-ownership-changed', // a vsock/tun packet freed, queued or handed on by a call added, dropped or rewritten (symbol: the call)
  'packet-used-after-release', // a vsock/tun packet read after the call that frees or queues it, or freed inside a non-_safe list walk (symbol: the call)
  'socket-state-skipped', // a vsock function gains an early successful return before its socket state write or table removal (symbol: the field, flag or call)
  'transport-read-unlocked', // a vsock socket's transport read before the function takes lock_sock(), the read or the lock added (symbol: transport)
  'vnet-header-field-changed', // a virtio-net header field tun/tap/vhost-net exchange with userspace read, written or sized differently (symbol: the field)
  'sysfs-abi-undocumented', // a sysfs attribute or device node added with no Documentation/ABI in the patch (symbol: the attribute)
  'failure-ignored', // a call's failure dropped: result of a failing function unused, or an allocation used unchecked (symbol: the callee)
  'reset-path-changed', // a reset now releases what probe/the owner set up, or no longer waits for the device (symbol: the call)
  'reset-state-not-cleared', // a member the patch adds and sets at run time that no reset clears, or a reset that stops clearing one (symbol: the member)
  'replace-current-unchecked', // a replace/set path dereferences the current object or calls an optional callback unchecked (symbol: the pointer or op)
  'sysfs-attribute-removed', // a sysfs attribute's creation, or the op backing a core-created one, deleted and not re-added (symbol: the attribute or op)
  'state-transition-changed', // a cell of a state machine's jump table added or changed (symbol: the event)
  'alloc-size-mismatch', // an array allocated with sizeof(another type) than the pointer it is stored in (symbol: the pointer)
  'narrowing-cast-added', // a size/length/address newly cast to a type 32 bits wide on 32-bit hosts (symbol: the value)
  'check-outside-lock', // a field tested before a lock is taken and used again under it (symbol: the field)
  'guarded-field-unlocked', // in VFIO code, a member written with no lock seen held that the patch's other lines touch under a lock (symbol: the written member)
  'kvm-stored-unreferenced', // in VFIO code, a kvm pointer stored in a member by a function that takes no kvm reference in view (symbol: the member)
  'kvm-put-under-lock', // in VFIO code, a kvm reference dropped while a lock is seen held (symbol: the put call)
  'unwind-label-conditional', // an error-unwind label moved into or out of an #if block (symbol: the label)
  'encoding-constant-changed', // a kernel (non-uAPI) *_SHIFT/_MASK/_OFFSET_* define given a new value (symbol: the define)
  'feature-op-declared', // a feature negotiation callback added to an ops struct in a kernel header (symbol: the callback)
  'fallback-removed', // a generic call replaced by an optional op, with a new error when the op is absent (symbol: the op)
  'teardown-call-changed', // a release/remove/close/reset path drops, moves or stops waiting with a resource call (symbol: the call)
  'ops-contract-unmet', // an ops instance the patch adds or changes lacks a member its core requires, or a new teardown member deletes the virtqueues before it resets the device (symbol: the member or function)
  'vfio-ops-contract-unmet', // a vfio_device_ops instance the patch adds or changes lacks callbacks vfio requires together, or its new open_device takes what close_device does not release (symbol: the member or call)
  'probe-ready-order-unmet', // a new virtio probe kicks a virtqueue or registers with its subsystem before it sets DRIVER_OK (symbol: the call)
  'setup-call-unpaired', // a probe/open/bind path takes a resource with no release added, moves it, or drops its error-path release (symbol: the call)
  'published-before-init', // an object registered, installed or inserted in a table before a later line initialises it or can fail without unpublishing it (symbol: the publishing call)
  'wait-while-holding', // a wait (flush/cancel_sync/kthread_stop/free_irq/completion/vhost flush) or a call made under a lock that the waited-for context or the callee takes itself, or a wait inside a spinlock/RCU section (symbol: the waited object or the callee)
  'used-after-release', // an object used after a free or a put/unregister that can drop its last reference, in the same function (symbol: the object)
  'feature-passthrough-changed', // a bit added to or removed from a list of features QEMU passes through or masks (symbol: the bit)
  // uAPI declarations (include/uapi, QEMU linux-headers, standard-headers)
  'uapi-header-changed', // symbol: header base name, e.g. vhost.h
  ...UAPI_DECLARATION_KINDS,
  // checks against the user's spec index (--spec-index)
  'spec-feature-bit-conflict', // a VIRTIO_*F_* bit the patch defines disagrees with the spec's assignment or ranges (symbol: the bit name)
  'spec-vhost-user-id-conflict', // a vhost-user message id / protocol-feature bit that collides with vhost-user.rst (symbol: the name)
  // documentation and series level
  'doc-changed', // symbol: documentation path
  'series-uapi-without-docs',
  'series-vhost-user-without-docs',
  'series-feature-without-spec',
  'series-uapi-without-link',
  'fix-without-fixes-tag',
  'feature-without-spec-reference', // a virtio feature bit or device id defined in a uAPI header by a patch whose message does not point at the virtio spec (symbol: the name)
  // the patch text itself
  'patch-format-damaged',
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

export interface Fact {
  kind: FactKind;
  /** The symbol the fact is about (identifier, op name, errno, header name, doc path). */
  symbol: string;
  file: string | null;
  /** New-side line, when the fact comes from an added or context line. */
  line: number | null;
  /** Old-side line, when the fact comes from a removed line. */
  oldLine?: number | null;
  /** The enclosing function of the line, when known. */
  function?: string;
  /** The changed line's text (without the +/- marker), for line-pattern triggers. */
  text?: string;
  /** For mask facts: the mask or variable the bit went into. */
  mask?: string;
  /** One human sentence with the specifics ("VIRTIO_F_ACCESS_PLATFORM added to VHOST_VSOCK_FEATURES"). */
  detail?: string;
  /** For uAPI declaration facts: the compatibility class and its one-sentence reason. */
  /** A layout or request-number claim a compiler confirmed: by what ("gcc, x86_64 and i386"). */
  verified?: string;
  /** A layout or request-number claim read from the patch text only: why it was not compiled. */
  unverified?: string;
  compat?: { class: 'compatible' | 'compatible-if-negotiated' | 'behaviour-change' | 'abi-break'; reason: string };
}
