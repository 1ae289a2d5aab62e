// Which names are uAPI symbols, and the one spelling the index keeps for each: consumers write
// the same thing differently (C macros, Rust bindgen constants, rust-vmm's enum variants).

const UAPI_NAME = /^(VHOST|VIRTIO|VFIO|IOMMU|IOMMUFD|VDPA|VDUSE)_[A-Z0-9_]*[A-Z0-9]$/;
const UAPI_STRUCT = /^(vhost|vfio|iommu|virtio|vdpa|vduse)_[a-z0-9_]+$/;

/** Linux errno names a consumer may compare a failure against. */
export const ERRNOS = new Set(
  'EPERM ENOENT ESRCH EINTR EIO ENXIO E2BIG ENOEXEC EBADF ECHILD EAGAIN ENOMEM EACCES EFAULT EBUSY EEXIST EXDEV ENODEV ENOTDIR EISDIR EINVAL ENFILE EMFILE ENOTTY ETXTBSY EFBIG ENOSPC ESPIPE EROFS EMLINK EPIPE EDOM ERANGE EDEADLK ENAMETOOLONG ENOLCK ENOSYS ENOTEMPTY ELOOP EWOULDBLOCK ENOMSG EIDRM ENOSTR ENODATA ETIME ENOSR ENOLINK EPROTO EBADMSG EOVERFLOW EILSEQ ENOTSOCK EMSGSIZE EPROTOTYPE ENOPROTOOPT EPROTONOSUPPORT EOPNOTSUPP ENOTSUP ENOTSUPP ENOBUFS ENOTCONN ESHUTDOWN ETIMEDOUT ECONNREFUSED ECONNRESET EHOSTUNREACH EALREADY EINPROGRESS ESTALE EDQUOT ECANCELED EOWNERDEAD ENOTRECOVERABLE ERFKILL EHWPOISON'.split(' '),
);

/** rust-vmm's vhost-user enums, as the protocol document names their members. */
const RUST_ENUM_PREFIX: Record<string, string> = {
  FrontendReq: 'VHOST_USER_',
  MasterReq: 'VHOST_USER_',
  BackendReq: 'VHOST_USER_BACKEND_',
  SlaveReq: 'VHOST_USER_BACKEND_',
  VhostUserProtocolFeatures: 'VHOST_USER_PROTOCOL_F_',
  VhostUserVirtioFeatures: 'VHOST_USER_F_',
};

/**
 * Old names the uAPI headers keep as aliases of the current one: consumers written before the
 * rename (DPDK) still use them for the same bit (include/uapi/linux/virtio_config.h).
 */
const ALIASES: Record<string, string> = { VIRTIO_F_IOMMU_PLATFORM: 'VIRTIO_F_ACCESS_PLATFORM' };

/** The canonical name of an upper-case identifier, or null when it is no uAPI symbol. */
export function uapiName(name: string): string | null {
  if (!UAPI_NAME.test(name)) return null;
  return Object.hasOwn(ALIASES, name) ? ALIASES[name]! : name;
}

/** "struct vhost_vring_addr" for a C struct tag or a Rust bindgen type name. */
export function uapiStruct(name: string): string | null {
  return UAPI_STRUCT.test(name) ? `struct ${name}` : null;
}

/** A Rust path (`virtio_sys::VHOST_SET_FEATURES`, `FrontendReq::SET_FEATURES`) → canonical name. */
export function rustPathName(path: string): string | null {
  const parts = path.split('::');
  const last = parts[parts.length - 1]!;
  const owner = parts[parts.length - 2];
  if (owner && RUST_ENUM_PREFIX[owner] && /^[A-Z0-9_]+$/.test(last)) return RUST_ENUM_PREFIX[owner] + last;
  return uapiName(last);
}

/** The name a rust-vmm enum's variant stands for, when `owner` is one of those enums. */
export function rustEnumVariant(owner: string, variant: string): string | null {
  const prefix = RUST_ENUM_PREFIX[owner];
  return prefix && /^[A-Z0-9_]+$/.test(variant) ? prefix + variant : null;
}

/** A coarse family, for listings. */
export function familyOf(symbol: string): string {
  if (symbol.startsWith('struct ')) return 'struct';
  if (symbol.startsWith('VHOST_USER_PROTOCOL_F_')) return 'vhost-user protocol feature';
  if (symbol.startsWith('VHOST_USER_')) return symbol.includes('_F_') ? 'vhost-user feature' : 'vhost-user message';
  if (symbol.startsWith('VDPA_CMD_') || symbol.startsWith('VDPA_ATTR_')) return 'netlink';
  if (symbol.includes('_F_')) return 'feature bit';
  if (symbol.startsWith('@')) return 'pattern';
  return 'ioctl or constant';
}

/** Feature-bit-like: tested, set and masked rather than called. */
export function isFeatureBit(symbol: string): boolean {
  return /_F_/.test(symbol);
}

/** Words that name a feature set: `acked_features`, `availFeatures`, `supported`… */
const FEATURE_WORD = /^(features?|feats?|acked|avail|available|supported|offered)$/i;
/** Words that say the value is something else: a ring index, a wrap counter, a length… */
const OTHER_WORD = /^(idx|index|ring|wrap|counter|desc|len|size|count|num|mask|batch)$/i;

/**
 * Names of variables that hold feature sets, read word by word (snake_case and camelCase), so
 * `PACKED_BATCH_MASK` is no `acked` and `avail_idx` is a ring index, not available features.
 */
export function isFeatureVariable(text: string): boolean {
  if (/[A-Z0-9]_F_/.test(text)) return false;
  const words = text.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/).filter(Boolean);
  return words.some((w) => FEATURE_WORD.test(w)) && !words.some((w) => OTHER_WORD.test(w));
}

/** An upper-case constant (a macro or const), path and parentheses aside: `VIRTIO_PMD_SUPPORTED_FEATURES`. */
export function constantName(text: string): string | null {
  const t = text.replace(/^\(+|\)+$/g, '').replace(/^.*::/, '').trim();
  return /^[A-Z][A-Z0-9_]*$/.test(t) ? t : null;
}
