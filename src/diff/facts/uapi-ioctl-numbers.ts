// ioctl-number-reused: a new ioctl whose (type, nr, direction) — or (type, nr) — is already
// taken, by an ioctl of the existing uAPI (the catalogue from real headers) or by another
// ioctl in the same patch. Runs over the whole patch, and loads the catalogue only when the
// patch adds an ioctl.
import type { Fact } from '../../model/facts.js';
import { lineFact } from './types.js';
import type { PatchScope } from '../uapi/scope.js';
import { defineChanges, renames, type SideDefine } from '../uapi/define-changes.js';
import { parseIoctl, argScalarSize, isGetSetPair, describeIoctl, type IoctlDef, type IoctlDir } from '../uapi/ioctl.js';
import { evalExpr } from '../uapi/expr.js';
import { compat, type Compat } from '../uapi/compat.js';
import type { FileDiff } from '../../model/diff.js';
import { basename } from 'node:path';

interface Known {
  name: string;
  type: bigint;
  nr: bigint;
  dir: IoctlDir;
  arg: string | null;
  /** The type (magic) as written, and the header it is defined in. */
  typeText: string;
  where: string;
}

interface Candidate {
  file: FileDiff;
  at: SideDefine;
  io: IoctlDef;
}

export function uapiIoctlNumberFacts(scope: PatchScope): Fact[] {
  const candidates: Candidate[] = [];
  const removedNames = new Set<string>();
  const patchIoctls: { io: IoctlDef; file: string }[] = [];
  for (const { file, hunks } of scope.files) {
    if (file.role !== 'uapi-header' || file.binary || hunks.length === 0) continue;
    const ch = defineChanges(file, hunks);
    const renamedTo = new Set([...renames(ch.removed, ch.added).values()]);
    // Names the patch removes or redefines: their catalogue numbers no longer stand.
    for (const r of ch.removed) removedNames.add(r.def.name);
    for (const c of ch.changed) removedNames.add(c.old.def.name);
    for (const a of ch.added) {
      const io = parseIoctl(a.def.name, a.def.value);
      if (io && !renamedTo.has(a)) candidates.push({ file, at: a, io });
    }
    for (const d of ch.newByName.values()) {
      const io = parseIoctl(d.def.name, d.def.value);
      if (io) patchIoctls.push({ io, file: file.path });
    }
  }
  if (candidates.length === 0) return [];
  const cat = scope.catalogue();
  const resolve = scope.newResolve;
  const known: Known[] = [];
  for (const c of cat.ioctls) {
    if (c.typeValue === null || c.nrValue === null || removedNames.has(c.name)) continue;
    known.push({ name: c.name, type: c.typeValue, nr: c.nrValue, dir: c.dir, arg: c.arg, typeText: c.type, where: `${cat.dir}/${c.file}` });
  }
  for (const p of patchIoctls) {
    const type = evalExpr(p.io.type, resolve);
    const nr = evalExpr(p.io.nr, resolve);
    if (type !== null && nr !== null) known.push({ name: p.io.name, type, nr, dir: p.io.dir, arg: p.io.arg, typeText: p.io.type, where: p.file });
  }
  const out: Fact[] = [];
  const reported = new Set<string>();
  for (const c of candidates) {
    const type = evalExpr(c.io.type, resolve);
    const nr = evalExpr(c.io.nr, resolve);
    if (type === null || nr === null) continue;
    let worst: { k: Known; compat: Compat; how: string } | null = null;
    for (const k of known) {
      if (k.name === c.io.name || k.type !== type || k.nr !== nr) continue;
      // Unrelated drivers that happen to share a magic (vhost and fsl_hypervisor both use
      // 0xAF) are a registered, harmless overlap: only the same namespace counts.
      if (k.typeText.replace(/\s+/g, '') !== c.io.type.replace(/\s+/g, '') && basename(k.where) !== basename(c.file.path)) continue;
      const pair = [c.io.name, k.name].sort().join('\u0000');
      if (reported.has(pair)) continue;
      const v = verdict(c.io, k);
      if (!v) continue;
      if (!worst || (v.compat.class === 'abi-break' && worst.compat.class !== 'abi-break')) worst = { k, ...v };
    }
    if (!worst) continue;
    reported.add([c.io.name, worst.k.name].sort().join('\u0000'));
    out.push(
      lineFact('ioctl-number-reused', c.io.name, c.file, c.at.at, {
        detail: `${c.io.name} (${describeIoctl(c.io)}) ${worst.how} ${worst.k.name} (${worst.k.where}): type 0x${type.toString(16)}, nr 0x${nr.toString(16)}`,
        compat: worst.compat,
      }),
    );
  }
  return out;
}

function verdict(io: IoctlDef, k: Known): { compat: Compat; how: string } | null {
  // Requests issued on different kinds of file descriptor never reach the same handler.
  if (differentFd(io.name, k.name)) return null;
  if (io.dir === k.dir) {
    const sameArg = (io.arg ?? '').replace(/\s+/g, ' ') === (k.arg ?? '').replace(/\s+/g, ' ') || (argScalarSize(io.arg) !== null && argScalarSize(io.arg) === argScalarSize(k.arg));
    if (sameArg) {
      if (!sameFamily(io.name, k.name)) {
        return {
          how: 'has the same request number as',
          compat: compat('behaviour-change', `${k.name} is issued on another kind of file descriptor, so the two only collide if one handler ever sees both; tools that decode ioctls by number cannot tell them apart`),
        };
      }
      return { how: 'has the same request number as', compat: compat('abi-break', `the request number is identical, so the kernel cannot tell ${io.name} from ${k.name}`) };
    }
    return {
      how: 'reuses the type, number and direction of',
      compat: compat('behaviour-change', 'the two request numbers differ only in the size bits: a handler that dispatches on _IOC_NR, a compat layer or strace decodes them as one'),
    };
  }
  // GET/SET pairs share a number by design (VHOST_GET_FEATURES / VHOST_SET_FEATURES).
  if (isGetSetPair(io.name, k.name)) return null;
  return {
    how: 'reuses the type and number of',
    compat: compat('behaviour-change', `only the direction bits tell it from ${k.name}; handlers that dispatch on _IOC_NR and tools that decode ioctls confuse the two`),
  };
}

/** Per-fd families that reuse numbers by design (VFIO_DEVICE_* vs VFIO_IOMMU_*, VHOST_VDPA_* vs VHOST_VSOCK_*). */
const FD_FAMILIES = new Set(['DEVICE', 'IOMMU', 'GROUP', 'CONTAINER', 'NET', 'SCSI', 'VSOCK', 'VDPA', 'IOAS', 'HWPT']);

function sameFamily(a: string, b: string): boolean {
  const [a0, a1] = a.split('_');
  const [b0, b1] = b.split('_');
  if (a0 !== b0) return false;
  return a1 === b1 || !FD_FAMILIES.has(a1 ?? '') || !FD_FAMILIES.has(b1 ?? '');
}

/**
 * The kind of file descriptor an ioctl is issued on, where the uAPI fixes it: VFIO container,
 * group and device fds, iommufd, the VDUSE control and device fds, and the vhost device
 * types (core VHOST_* requests work on every vhost fd).
 */
export function fdTypeOf(name: string): string | null {
  if (/^VFIO_DEVICE_/.test(name)) return 'vfio-device';
  if (/^VFIO_GROUP_/.test(name)) return 'vfio-group';
  if (/^(VFIO_IOMMU_|VFIO_GET_API_VERSION$|VFIO_CHECK_EXTENSION$|VFIO_SET_IOMMU$|VFIO_EEH_PE_OP$)/.test(name)) return 'vfio-container';
  if (/^IOMMU_/.test(name)) return 'iommufd';
  if (/^VDUSE_(GET_API_VERSION|SET_API_VERSION|CREATE_DEV|DESTROY_DEV)$/.test(name)) return 'vduse-control';
  if (/^VDUSE_/.test(name)) return 'vduse-device';
  // Core requests (VHOST_SET_OWNER, VHOST_GET_VRING_BASE, VHOST_NEW_WORKER) start with a verb;
  // the device types' own start with the type (VHOST_VDPA_, VHOST_NET_, VHOST_VSOCK_, VHOST_MDEV_).
  if (/^VHOST_(GET|SET|NEW|FREE|ATTACH|RESET)_/.test(name)) return 'vhost';
  const v = /^VHOST_([A-Z0-9]+)_/.exec(name);
  if (v) return `vhost-${v[1]!.toLowerCase()}`;
  return null;
}

function differentFd(a: string, b: string): boolean {
  const fa = fdTypeOf(a);
  const fb = fdTypeOf(b);
  if (!fa || !fb || fa === fb) return false;
  // Core vhost requests are accepted on every vhost device fd.
  if ((fa === 'vhost' && fb.startsWith('vhost-')) || (fb === 'vhost' && fa.startsWith('vhost-'))) return false;
  return true;
}
