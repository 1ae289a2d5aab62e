// A checkout of a userspace project: its HEAD, a name and a version from git, its source files.
import { basename, resolve } from 'node:path';
import { InputError } from '../model/errors.js';
import { gitSync } from '../io/git.js';

/** Projects this index knows by name; the first one named in the origin URL or the path wins. */
const KNOWN = ['cloud-hypervisor', 'firecracker', 'libkrun', 'crosvm', 'qemu', 'dpdk', 'spdk', 'libvirt', 'iproute2', 'virtiofsd', 'kata-containers', 'vhost-user-backend', 'vfio-ioctls', 'vm-memory', 'vhost-device', 'vhost'];

export interface Checkout {
  path: string;
  project: string;
  version: string;
  head: string;
}

function git(dir: string, args: string[]): string | null {
  const r = gitSync(['-C', dir, ...args], dir, { maxBuffer: 256 << 20 });
  return r.code === 0 ? r.stdout.trim() : null;
}

export function readCheckout(dir: string): Checkout {
  const path = resolve(dir);
  const head = git(path, ['rev-parse', '--verify', 'HEAD']);
  if (!head) throw new InputError(dir, 'not a git checkout with a commit (consumers index reads git checkouts)');
  const version = git(path, ['describe', '--tags', '--always']) ?? head.slice(0, 12);
  const origin = git(path, ['config', '--get', 'remote.origin.url']) ?? '';
  // rust-vmm tags its crates "name-vX.Y.Z": that name is the project when the URL and path name none.
  const tagged = /^([a-z][a-z0-9-]*?)-v?\d/.exec(version)?.[1];
  const where = `${origin} ${path}`.toLowerCase();
  const known = KNOWN.find((k) => where.includes(k)) ?? (tagged && KNOWN.includes(tagged) ? tagged : null);
  return { path, project: known ?? basename(path), version, head };
}

/** Tracked C and Rust files, vendored copies of other projects left out. */
export function sourceFiles(c: Checkout): string[] {
  const out = git(c.path, ['ls-files', '-z', '--', '*.c', '*.h', '*.rs']);
  if (out === null) throw new InputError(c.path, 'git ls-files failed');
  return out.split('\0').filter((f) => f && !/(^|\/)(vendor|node_modules)\//.test(f));
}
