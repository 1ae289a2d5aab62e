// What a path is, for matching and for series-level checks. Ordered: first match wins.
import type { FileRole } from '../model/diff.js';

const ROLES: [RegExp, FileRole][] = [
  // tools/include/uapi holds copies for the kernel's own tools, not the ABI itself.
  [/^tools\//, 'test'],
  [/(^|\/)include\/uapi\//, 'uapi-header'],
  [/^linux-headers\//, 'uapi-header'],
  [/^include\/standard-headers\//, 'uapi-header'],
  [/^docs\/interop\/vhost-user(-gpu)?\.rst$/, 'vhost-user-spec'],
  [/^(Documentation|docs)\//, 'documentation'],
  [/\.(tex)$/, 'virtio-spec'],
  [/^subprojects\/libvhost-user\//, 'libvhost-user'],
  [/^contrib\/libvhost-user\//, 'libvhost-user'],
  [/^hw\/virtio\/vhost-user|^hw\/.*vhost-user/, 'qemu-vhost-user'],
  [/^(hw\/virtio|hw\/net\/virtio|hw\/block\/(dataplane\/)?virtio|hw\/scsi\/(vhost|virtio)|net\/vhost|include\/hw\/virtio)/, 'qemu-virtio'],
  [/^(crates\/)?(vhost|vhost-user-backend|vm-memory|virtio-queue|vfio-ioctls|vfio-bindings|vfio-user)(\/|$)/, 'rust-vmm'],
  [/(^|\/)(tools\/testing|selftests|tests?)\//, 'test'],
  [/^include\//, 'kernel-header'],
  [/^(drivers|net|fs|kernel|mm|arch|virt|lib|sound|security)\//, 'kernel-driver'],
  [/(^|\/)(Makefile|Kconfig|meson\.build|Cargo\.toml|.*\.mk)$/, 'build'],
];

export function fileRole(path: string): FileRole {
  for (const [re, role] of ROLES) if (re.test(path)) return role;
  return 'other';
}
