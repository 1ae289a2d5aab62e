// Human names for the knowledge base's enumerations, as the site shows them.
import type { Area } from '../knowledge/schema.js';
import type { Category, ReferenceType } from '../model/finding.js';
import type { SymbolKind } from './symbols.js';

export const AREA_LABELS: Record<Area, { name: string; blurb: string }> = {
  vhost: { name: 'vhost core', blurb: 'The /dev/vhost-* ioctl interface shared by all in-kernel vhost devices: owner, memory table, rings, features, IOTLB, workers.' },
  'vhost-net': { name: 'vhost-net', blurb: 'The in-kernel virtio-net data path: backend sockets, its feature mask, zero-copy.' },
  'vhost-scsi': { name: 'vhost-scsi', blurb: 'The in-kernel virtio-scsi target: endpoints, ABI version, events.' },
  'vhost-vsock': { name: 'vhost-vsock', blurb: 'The in-kernel virtio-vsock device: guest CID, running state, features.' },
  'vhost-vdpa': { name: 'vhost-vdpa', blurb: 'vDPA devices driven from userspace through the vhost ioctls: status, config, IOTLB, address spaces, suspend/resume.' },
  vdpa: { name: 'vDPA bus', blurb: 'The vDPA bus and its parent drivers: config ops, reset and mapping, netlink provisioning.' },
  'vhost-user': { name: 'vhost-user', blurb: 'The vhost-user protocol between a VMM and a backend process: messages, protocol features, ring states, replies.' },
  vduse: { name: 'VDUSE', blurb: 'vDPA devices implemented in userspace: device creation, config space, virtqueues, IOTLB and bounce buffers.' },
  vfio: { name: 'VFIO', blurb: 'Device assignment: containers, groups and cdevs, regions, IRQs, DMA mapping, migration, dirty tracking.' },
  iommufd: { name: 'iommufd', blurb: 'The iommufd object model: IOAS, hardware page tables, nesting, dirty tracking, fault queues.' },
  virtio: { name: 'virtio', blurb: 'The virtio device model as Linux and QEMU implement it: status, features, rings, transports, config space.' },
  'uapi-general': { name: 'uAPI in general', blurb: 'Rules for any uAPI change: ioctl numbering, struct layout, constants, documentation, patch form.' },
};

export function areaName(a: string): string {
  return (AREA_LABELS as Record<string, { name: string } | undefined>)[a]?.name ?? a;
}

/** The order areas appear in on the home page and in lists. */
export const AREA_ORDER: Area[] = ['vhost', 'vhost-net', 'vhost-scsi', 'vhost-vsock', 'vhost-user', 'vhost-vdpa', 'vdpa', 'vduse', 'vfio', 'iommufd', 'virtio', 'uapi-general'];

export const CATEGORY_LABELS: Record<Category, string> = {
  'uapi-abi': 'uAPI / ABI',
  'feature-negotiation': 'feature negotiation',
  'behaviour-change-visible-to-userspace': 'behaviour visible to userspace',
  'reset-and-mapping-lifecycle': 'reset and mapping lifecycle',
  'config-space': 'config space',
  'ordering-race': 'ordering and races',
  'untrusted-userspace-security': 'untrusted userspace / security',
  'spec-conformance': 'spec conformance',
  'documentation-missing': 'documentation',
  'patch-format': 'patch format',
};

export const KIND_LABELS: Record<SymbolKind, string> = {
  ioctl: 'ioctl',
  flag: 'flag',
  'feature-bit': 'feature bit',
  'status-bit': 'status bit',
  message: 'vhost-user message',
  'protocol-feature': 'vhost-user protocol feature',
  constant: 'constant',
  state: 'state',
  struct: 'struct',
  op: 'driver op',
  kernel: 'in-kernel name',
};

export const REFERENCE_LABELS: Record<ReferenceType, string> = {
  lore: 'mailing-list thread',
  commit: 'commit',
  spec: 'virtio spec v1.4',
  doc: 'documentation',
  url: 'link',
};
