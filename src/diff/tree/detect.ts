// Which source tree a review runs in: a Linux kernel tree (MAINTAINERS + include/uapi/linux)
// gives the uAPI catalogue from its own headers; a QEMU tree (docs/interop/vhost-user.rst +
// hw/virtio) gives the vhost-user document the spec checks read. Detection only looks at
// a few paths from the directory upwards; nothing is read until a producer asks.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type TreeKind = 'kernel' | 'qemu';

export interface SourceTree {
  kind: TreeKind;
  /** The tree's top directory. */
  root: string;
  /** Kernel: <root>/include/uapi/linux, the catalogue's headers. */
  uapiLinuxDir?: string;
  /** QEMU: <root>/docs/interop/vhost-user.rst. */
  vhostUserDoc?: string;
  /** Whether the root is a git work tree (blob ids on `index` lines can be read from it). */
  git: boolean;
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The tree at `dir` itself, or null. */
export function treeAt(dir: string): SourceTree | null {
  const root = resolve(dir);
  const git = existsSync(join(root, '.git'));
  if (existsSync(join(root, 'MAINTAINERS')) && isDir(join(root, 'include/uapi/linux'))) {
    return { kind: 'kernel', root, uapiLinuxDir: join(root, 'include/uapi/linux'), git };
  }
  if (existsSync(join(root, 'docs/interop/vhost-user.rst')) && isDir(join(root, 'hw/virtio'))) {
    return { kind: 'qemu', root, vhostUserDoc: join(root, 'docs/interop/vhost-user.rst'), git };
  }
  return null;
}

/** The nearest tree at or above `dir` (a hook runs at the top, but `git -C sub` may not). */
export function findTree(dir: string, maxUp = 32): SourceTree | null {
  let d = resolve(dir);
  for (let i = 0; i < maxUp; i++) {
    const t = treeAt(d);
    if (t) return t;
    const up = dirname(d);
    if (up === d) return null;
    d = up;
  }
  return null;
}

export function describeTree(t: SourceTree): string {
  return t.kind === 'kernel' ? `kernel tree ${t.root} (uAPI headers from include/uapi)` : `QEMU tree ${t.root} (vhost-user messages from docs/interop/vhost-user.rst)`;
}
