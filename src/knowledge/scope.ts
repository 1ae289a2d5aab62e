// The uAPI names the knowledge base must cover, read from real headers and from the
// vhost-user protocol document: rules as data, one per source.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { VhostUserIndex } from '../spec/types.js';
import { readHeader } from '../diff/uapi/header-files.js';

export interface ScopeName {
  name: string;
  area: string;
  kind: 'ioctl' | 'flag' | 'feature-bit' | 'status-bit' | 'message' | 'protocol-feature' | 'constant' | 'state';
  source: string;
}

interface HeaderRule {
  header: string;
  area: string;
  /** Which #define / enum names count, and as what. The first matching rule wins. */
  names: [RegExp, ScopeName['kind']][];
}

const HEADER_RULES: HeaderRule[] = [
  {
    header: 'vhost.h',
    area: 'vhost',
    names: [[/^VHOST_[A-Z0-9_]+$/, 'ioctl']], // only ioctl definitions are taken from vhost.h (see isIoctl)
  },
  {
    header: 'vhost_types.h',
    area: 'vhost',
    names: [
      [/^VHOST_BACKEND_F_[A-Z0-9_]+$/, 'feature-bit'],
      [/^VHOST_F_[A-Z0-9_]+$/, 'feature-bit'],
      [/^VHOST_NET_F_[A-Z0-9_]+$/, 'feature-bit'],
      [/^VHOST_IOTLB_[A-Z0-9_]+$/, 'constant'],
      [/^VHOST_ACCESS_(RO|WO|RW)$/, 'flag'],
      [/^VHOST_VRING_(LITTLE|BIG)_ENDIAN$/, 'constant'],
      [/^VHOST_FILE_UNBIND$/, 'constant'],
      [/^VHOST_PAGE_SIZE$/, 'constant'],
      [/^VHOST_VDPA_[A-Z0-9_]+$/, 'constant'],
    ],
  },
  {
    header: 'vduse.h',
    area: 'vduse',
    names: [
      [/^VDUSE_API_VERSION$/, 'constant'],
      [/^VDUSE_(GET_VQ_STATE|SET_STATUS|UPDATE_IOTLB)$/, 'message'],
      [/^VDUSE_REQ_RESULT_[A-Z]+$/, 'constant'],
      [/^VDUSE_ACCESS_[A-Z]+$/, 'flag'],
      [/^VDUSE_[A-Z0-9_]+$/, 'ioctl'],
    ],
  },
  {
    header: 'vfio.h',
    area: 'vfio',
    names: [
      [/^VFIO_DMA_(UN)?MAP_FLAG_[A-Z0-9_]+$/, 'flag'],
      [/^VFIO_IOMMU_DIRTY_PAGES_FLAG_[A-Z0-9_]+$/, 'flag'],
      [/^VFIO_DEVICE_STATE_[A-Z0-9_]+$/, 'state'],
      [/^VFIO_MIGRATION_[A-Z0-9_]+$/, 'flag'],
      [/^VFIO_DEVICE_FEATURE_[A-Z0-9_]+$/, 'flag'],
      [/^VFIO_(TYPE1v2_IOMMU|TYPE1_IOMMU|NOIOMMU_IOMMU|UNMAP_ALL|UPDATE_VADDR|DMA_CC_IOMMU|EEH|SPAPR_TCE_IOMMU|SPAPR_TCE_v2_IOMMU|TYPE1_NESTING_IOMMU)$/, 'constant'],
      [/^VFIO_[A-Z0-9_]+$/, 'ioctl'],
    ],
  },
  {
    header: 'iommufd.h',
    area: 'iommufd',
    names: [[/^IOMMU_[A-Z0-9_]+$/, 'ioctl']],
  },
  {
    header: 'virtio_config.h',
    area: 'virtio',
    names: [
      [/^VIRTIO_CONFIG_S_[A-Z0-9_]+$/, 'status-bit'],
      [/^VIRTIO_TRANSPORT_F_[A-Z0-9_]+$/, 'constant'],
      [/^VIRTIO_F_[A-Z0-9_]+$/, 'feature-bit'],
    ],
  },
  {
    header: 'virtio_ring.h',
    area: 'virtio',
    names: [
      [/^VIRTIO_RING_F_[A-Z0-9_]+$/, 'feature-bit'],
      [/^VRING_[A-Z0-9_]*F_[A-Z0-9_]+$/, 'flag'],
      [/^VRING_PACKED_EVENT_FLAG_[A-Z0-9_]+$/, 'flag'],
    ],
  },
];

const DEFINE = /^\s*#\s*define\s+([A-Z_][A-Z0-9_a-z]*)\s+(.+)$/gm;
const ENUM_MEMBER = /^\s*([A-Z][A-Z0-9_]+)\s*(?:=\s*[^,]+)?,?\s*(?:\/\*.*)?$/gm;

function namesInHeader(text: string, rule: HeaderRule): ScopeName[] {
  const out = new Map<string, ScopeName>();
  const add = (name: string, isIoctl: boolean) => {
    for (const [re, kind] of rule.names) {
      if (!re.test(name)) continue;
      // ioctl-kind rules only take real ioctl definitions; other kinds take any define.
      if (kind === 'ioctl' && !isIoctl) return;
      if (!out.has(name)) out.set(name, { name, area: rule.area, kind, source: rule.header });
      return;
    }
  };
  for (const m of text.matchAll(DEFINE)) add(m[1]!, /\b_IO(R|W|WR)?\s*\(/.test(m[2]!));
  // enum members (vduse_req_type, vfio_device_mig_state)
  for (const block of text.matchAll(/enum\s+\w+\s*\{([^}]*)\}/g)) {
    for (const m of block[1]!.matchAll(ENUM_MEMBER)) add(m[1]!, false);
  }
  return [...out.values()];
}

/** uAPI names in scope from a header directory (the installed /usr/include/linux or include/uapi/linux). */
export function scopeFromHeaders(dir: string): ScopeName[] {
  const out: ScopeName[] = [];
  for (const rule of HEADER_RULES) {
    const text = readHeader(join(dir, rule.header));
    if (text !== null) out.push(...namesInHeader(text, rule));
  }
  return out;
}

/** vhost-user messages and protocol features, from the index of docs/interop/vhost-user.rst (spec/vhost-user.ts reads it). */
export function scopeFromVhostUser(index: VhostUserIndex): ScopeName[] {
  const out = new Map<string, ScopeName>();
  for (const m of index.messages) out.set(m.name, { name: m.name, area: 'vhost-user', kind: 'message', source: 'vhost-user.rst' });
  for (const f of index.featureBits) out.set(f.name, { name: f.name, area: 'vhost-user', kind: 'feature-bit', source: 'vhost-user.rst' });
  for (const f of index.protocolFeatures) out.set(f.name, { name: f.name, area: 'vhost-user', kind: 'protocol-feature', source: 'vhost-user.rst' });
  return [...out.values()];
}

/** iommufd ioctls named in Documentation/userspace-api/iommufd.rst (for kernels whose headers predate iommufd.h). */
export function scopeFromIommufdDoc(file: string): ScopeName[] {
  const text = readFileSync(file, 'utf8');
  const out = new Map<string, ScopeName>();
  for (const m of text.matchAll(/\b(IOMMU_(?!DOMAIN_)[A-Z][A-Z0-9_]*)\b/g)) {
    out.set(m[1]!, { name: m[1]!, area: 'iommufd', kind: 'ioctl', source: 'iommufd.rst' });
  }
  return [...out.values()];
}
