// Which changed functions userspace reaches, by the role the code gives them: a function
// assigned to a member of an ops table that the kernel calls on a user's request (file, socket,
// netlink, sysfs, vDPA config, VFIO device ops), a sysfs attribute's show/store, a function
// whose name says it is such a handler, or one those call in the patch (one hop). What these
// return, and which inputs they reject, is what existing userspace was written against.
import type { AnnotatedHunk } from '../annotate.js';
import type { PatchScope } from '../uapi/scope.js';
import { calledFrom } from './call-changes.js';
import { OP_ASSIGN } from '../tree/sibling-definitions.js';

/**
 * Handler names: ioctl and file operations, socket calls, netlink doit/dumpit, vhost-user
 * message handlers, sysfs, and the vdpa/vhost ops those ioctls call straight into.
 */
const HANDLER =
  /ioctl|_doit$|_dumpit$|^vhost_user_|^vu_|^handle_|_handle_|_process_msg|_msg$|_(?:send|recv)msg$|_(?:set|get)sockopt$|_(?:set|get)_(?:features|driver_features|status|config|vq_\w+|vring_\w+|map|backend\w*|owner|mem_table|log_base)$|_(?:dma_map|dma_unmap|reset|compat_reset|suspend|resume)$|_(?:write|read|open|release|mmap|poll|fault|store|show)$|_(?:bind|attach|detach)\w*$/;

/** Ops members the kernel calls on behalf of a user's system call. */
const USER_OP =
  /^(?:unlocked_ioctl|compat_ioctl|ioctl|read|write|read_iter|write_iter|mmap|poll|open|release|fault|show|store|doit|dumpit|sendmsg|recvmsg|setsockopt|getsockopt|connect|bind|listen|accept|shutdown|set_features|set_driver_features|get_device_features|set_status|set_config|get_config|reset|compat_reset|dma_map|dma_unmap|set_map|suspend|resume|set_vq_\w+|get_vq_\w+|device_feature|migration_set_state|migration_get_state|log_start|log_stop|log_read_and_clear|attach_ioas|detach_ioas|bind_iommufd)$/;
/** DEVICE_ATTR_RW(name), MDEV_TYPE_ATTR_RO(name): name_show / name_store; DEVICE_ATTR(name, mode, show, store) names them. */
const ATTR = /\b\w*ATTR(?:_R[OW]|_WO|_ADMIN_R[OW])?\s*\(\s*([a-z_]\w*)(?:\s*,[^,()]+,\s*([a-z_]\w*)\s*,\s*([a-z_]\w*))?/;

const entriesOf = new WeakMap<PatchScope, Set<string>>();

/** Functions the patch's lines (any side, context included) put in a user-facing ops member or attribute. */
function userEntries(scope: PatchScope | undefined, hunks: AnnotatedHunk[]): Set<string> {
  let out = scope ? entriesOf.get(scope) : undefined;
  if (out) return out;
  out = new Set();
  const all = scope ? scope.files.map((f) => f.hunks) : [hunks];
  for (const hs of all) for (const h of hs) for (const l of h.lines) {
    const code = l.code;
    if (code.includes('.') && code.includes('=')) {
      const m = OP_ASSIGN.exec(code);
      if (m && USER_OP.test(m[1]!)) out.add(m[2]!);
    }
    if (code.includes('ATTR')) {
      const a = ATTR.exec(code);
      if (a) out.add(`${a[1]}_show`).add(`${a[1]}_store`);
      if (a?.[2]) out.add(a[2]).add(a[3]!);
    }
  }
  if (scope) entriesOf.set(scope, out);
  return out;
}

type Reached = (fn: string | null) => boolean;
/** Per file's hunks: the error and input-check detectors both ask. */
const reachedOf = new WeakMap<AnnotatedHunk[], { scope: PatchScope | undefined; reached: Reached }>();

/** A test: does userspace reach this function, by its role or one call away from a handler? */
export function reachedByUser(hunks: AnnotatedHunk[], scope: PatchScope | undefined): Reached {
  const hit = reachedOf.get(hunks);
  if (hit && hit.scope === scope) return hit.reached;
  const entries = userEntries(scope, hunks);
  const isEntry = (fn: string) => HANDLER.test(fn) || entries.has(fn);
  const called = calledFrom(hunks, isEntry);
  const reached: Reached = (fn) => !fn || isEntry(fn) || called.has(fn);
  reachedOf.set(hunks, { scope, reached });
  return reached;
}
