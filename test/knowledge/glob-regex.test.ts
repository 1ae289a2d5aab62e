import { test } from 'node:test';
import assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { simpleGlobSource, globsToRegex } from '../../src/knowledge/glob-regex.js';
import { readSources } from '../../src/knowledge/load.js';
import { BUILTIN_KNOWLEDGE } from '../../src/io/paths.js';
import { compileSources } from '../../src/knowledge/compile.js';

// Paths that sit on either side of the globs the entries use: the same file names at other
// depths, near-miss names, dot files, and directories named like the globbed ones.
const PATHS = [
  'drivers/vhost/vhost.c', 'drivers/vhost', 'drivers/vhost/', 'drivers/vhostx/vhost.c', 'drivers/vhost/sub/dir/x.h',
  'drivers/vdpa/mlx5/net/mlx5_vnet.c', 'drivers/virtio/virtio_ring.c', 'drivers/virtio/virtio_pci_modern.c',
  'drivers/net/virtio_net.c', 'drivers/net/virtio_netx.h', 'drivers/block/virtio_blk.c', 'drivers/virtio_x.c',
  'virtio.c', 'a/virtio', 'a/b/c/myvirtio_thing.rs', '.virtio', 'x/.hidden_virtio',
  'include/uapi/linux/virtio_net.h', 'include/uapi/linux/virtio_.h', 'include/uapi/linux/virtio.h', 'include/uapi/linux/sub/virtio_net.h',
  'include/linux/virtio.h', 'include/linux/virtio_config.h', 'include/linux/virtiox.c',
  'hw/virtio/vhost-user.c', 'hw/virtio/vhost-user-fs.c', 'hw/virtio/vhost-user', 'hw/virtio/vhost-user.h',
  'docs/interop/vhost-user.rst', 'docs/interop/vhost-user/x.rst', 'net/vhost-user.c', 'net/vhost-user-stubs.c',
  'drivers/gpu/virtio/virtgpu_drv.c', 'drivers/gpu/virtio/sub/x.c', 'drivers/virtio-foo/x', 'net/9p/trans_virtio.c',
  'fs/fuse/virtio_fs.c', 'net/vmw_vsock/virtio_transport.c', 'kernel/fork.c', 'kernel/forkxc', 'kernel/fork.c.orig',
  'subprojects/libvhost-user/libvhost-user.c', 'contrib/x', 'contrib', 'src/vhost_user/message.rs', 'README',
];

const knowledgeGlobs = (): string[] => {
  const { entries } = compileSources(readSources(BUILTIN_KNOWLEDGE));
  const globs = new Set<string>();
  for (const e of entries) for (const t of e.triggers ?? []) for (const g of [...(t.files ?? []), ...(t.notFiles ?? [])]) globs.add(g);
  return [...globs];
};

test('every glob in the knowledge base gets a short expression that agrees with picomatch', () => {
  const globs = knowledgeGlobs();
  assert.ok(globs.length > 50, `only ${globs.length} globs`);
  for (const g of globs) {
    const source = simpleGlobSource(g);
    assert.ok(source, `${g} fell back to picomatch`);
    const mine = new RegExp(source);
    const theirs = picomatch(g, { dot: true });
    for (const p of [...PATHS, g.replace(/\*\*\/?/g, '').replace(/\*/g, 'x').replace(/\?/g, 'y')]) {
      assert.equal(mine.test(p), theirs(p), `${g} on ${p}: ${source}`);
    }
  }
});

test('globs beyond the simple subset are left to picomatch', () => {
  for (const g of ['drivers/{vhost,vdpa}/*.c', 'a/**b/c', '[ab].c', 'a/**/**/b', '/abs/**', '!x']) assert.equal(simpleGlobSource(g), null, g);
  const re = new RegExp(globsToRegex(['drivers/{vhost,vdpa}/*.c', 'kernel/fork.c']));
  assert.ok(re.test('drivers/vdpa/vdpa.c') && re.test('kernel/fork.c') && !re.test('drivers/vfio/x.c'));
});
