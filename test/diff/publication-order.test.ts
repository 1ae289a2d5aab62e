// Publication order: an object registered, installed or inserted before its setup ends, and an
// object used after the call that can free it; on hunk shapes of reviewed archive patches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from './uapi/helpers.js';
import type { Fact } from '../../src/model/facts.js';

const inFile = (path: string, at: number, section: string, body: string) => factsOf(fileDiff(path, { at, section, body }));
const of = (facts: Fact[], kind: string) => facts.filter((f) => f.kind === kind).map((f) => [f.symbol, f.function]);

const DEV_ADD = 'static int vdpasim_net_dev_add(struct vdpa_mgmt_dev *mdev, const char *name,';

test('published before init: a registration moved above the setup of a pointer derived from the object', () => {
  const facts = inFile('drivers/vdpa/vdpa_sim/vdpa_sim_net.c', 466, DEV_ADD, `
 \tvdpasim_net_setup_config(simdev, config);
 
+\tret = _vdpa_register_device(&simdev->vdpa, VDPASIM_NET_VQ_NUM);
+\tif (ret)
+\t\tgoto reg_err;
+
 \tnet = sim_to_net(simdev);
 
 \tu64_stats_init(&net->tx_stats.syncp);
 \tu64_stats_init(&net->rx_stats.syncp);
-\tret = _vdpa_register_device(&simdev->vdpa, VDPASIM_NET_VQ_NUM);
-\tif (ret)
-\t\tgoto reg_err;
 
 \treturn 0;`);
  assert.deepEqual(of(facts, 'published-before-init'), [['_vdpa_register_device', 'vdpasim_net_dev_add']]);
  const f = facts.find((x) => x.kind === 'published-before-init')!;
  assert.match(f.detail!, /^vdpasim_net_dev_add\(\) publishes simdev with _vdpa_register_device\(\) and sets up u64_stats_init\(&net->tx_stats\.syncp\) after it/);
  assert.match(f.detail!, /not verified/);
});

test('published before init: the fix (registration moved last) and an order the old code already had are no fact', () => {
  const fixed = inFile('drivers/vdpa/vdpa_sim/vdpa_sim_net.c', 466, DEV_ADD, `
 \tvdpasim_net_setup_config(simdev, config);
 
-\tret = _vdpa_register_device(&simdev->vdpa, VDPASIM_NET_VQ_NUM);
-\tif (ret)
-\t\tgoto reg_err;
-
 \tnet = sim_to_net(simdev);
 
 \tu64_stats_init(&net->tx_stats.syncp);
 \tu64_stats_init(&net->rx_stats.syncp);
+\tret = _vdpa_register_device(&simdev->vdpa, VDPASIM_NET_VQ_NUM);
+\tif (ret)
+\t\tgoto reg_err;
 
 \treturn 0;`);
  assert.deepEqual(of(fixed, 'published-before-init'), []);
  // Unrelated line added elsewhere in the same function: the old order is not the patch's.
  const untouched = inFile('drivers/vdpa/vdpa_sim/vdpa_sim_net.c', 466, DEV_ADD, `
 \tret = _vdpa_register_device(&simdev->vdpa, VDPASIM_NET_VQ_NUM);
 \tif (ret)
 \t\tgoto reg_err;
 \tnet = sim_to_net(simdev);
-\tu64_stats_init(&net->tx_stats.syncp);
+\tu64_stats_init(&net->tx_stats.syncp); /* tx */
 \tu64_stats_init(&net->rx_stats.syncp);`);
  assert.deepEqual(of(untouched, 'published-before-init'), []);
});

test('published before init: a failure exit added after fd_install(); an ioctl that installs the fd last is no fact', () => {
  const section = 'static long vduse_dev_ioctl(struct file *file, unsigned int cmd,';
  const late = inFile('drivers/vdpa/vdpa_user/vduse_dev.c', 1100, section, `
 \t\tfd_install(fd, f);
+\t\tif (copy_to_user(argp, &entry, sizeof(entry))) {
+\t\t\tret = -EFAULT;
+\t\t\tbreak;
+\t\t}
+\t\tif (put_user(fd, &uarg->fd))
+\t\t\treturn -EFAULT;
 \t\tret = fd;`);
  assert.deepEqual(of(late, 'published-before-init'), [['fd_install', 'vduse_dev_ioctl']]);
  assert.match(late.find((x) => x.kind === 'published-before-init')!.detail!, /publishes fd with fd_install\(\) and can still fail after it/);
  const last = inFile('drivers/vdpa/vdpa_user/vduse_dev.c', 1100, section, `
+\t\tif (put_user(fd, &uarg->fd)) {
+\t\t\tput_unused_fd(fd);
+\t\t\treturn -EFAULT;
+\t\t}
 \t\tfd_install(fd, f);
 \t\tret = fd;`);
  assert.deepEqual(of(last, 'published-before-init'), []);
});

test('published before init: a list insert followed by setup under the lock its readers take is no fact', () => {
  const facts = inFile('drivers/vhost/vhost.c', 600, 'static int vhost_attach_thing(struct vhost_dev *dev, struct thing *t)', `
 \tspin_lock(&dev->lock);
+\tlist_add_tail(&t->node, &dev->things);
+\tt->owner = dev;
 \tspin_unlock(&dev->lock);`);
  assert.deepEqual(of(facts, 'published-before-init'), []);
});

/** vp_vdpa_remove() with `first` moved below `second`: the old order was second, first. */
const vpRemove = (first: string, second: string) =>
  inFile('drivers/vdpa/virtio_pci/vp_vdpa.c', 533, 'static void vp_vdpa_remove(struct pci_dev *pdev)', `
 \tstruct vp_vdpa *vp_vdpa = pci_get_drvdata(pdev);
 
-\t${second}
 \t${first}
+\t${second}
 }`);
const UNREGISTER = 'vdpa_unregister_device(&vp_vdpa->vdpa);';
const MODERN_REMOVE = 'vp_modern_remove(&vp_vdpa->mdev);';

test('used after release: the last put moved above a use of the object; the reverse order is no fact', () => {
  const broken = vpRemove(UNREGISTER, MODERN_REMOVE);
  assert.deepEqual(of(broken, 'used-after-release'), [['vp_vdpa', 'vp_vdpa_remove']]);
  assert.match(broken.find((x) => x.kind === 'used-after-release')!.detail!, /^vp_vdpa_remove\(\) releases vp_vdpa with vdpa_unregister_device\(\) and then uses it \(vp_modern_remove\(&vp_vdpa->mdev\);\)/);
  assert.deepEqual(of(vpRemove(MODERN_REMOVE, UNREGISTER), 'used-after-release'), []);
});

test('used after release: a freed pointer cleared, or a member freed and then reset, is no fact', () => {
  const facts = inFile('drivers/vhost/vdpa.c', 308, 'static void vhost_vdpa_config_put(struct vhost_vdpa *v)', `
+\tkfree(v->buf);
+\tv->buf = NULL;
+\tkfree(ctx);
+\tctx = NULL;
+\tif (ctx)
+\t\tctx->n = 0;`);
  assert.deepEqual(of(facts, 'used-after-release'), []);
});

test('published before init: an RCU insert followed by setup, and an fd from anon_inode_getfd() followed by a failing copy', () => {
  const rcu = inFile('drivers/vhost/vsock.c', 700, 'static int vhost_vsock_set_cid(struct vhost_vsock *vsock, u64 guest_cid)', `
 \tvsock->guest_cid = guest_cid;
+\thash_add_rcu(vhost_vsock_hash, &vsock->hash, vsock->guest_cid);
+\tvsock->seqpacket_allow = true;
 \tmutex_unlock(&vhost_vsock_mutex);`);
  assert.deepEqual(of(rcu, 'published-before-init'), [['hash_add_rcu', 'vhost_vsock_set_cid']]);
  const fd = inFile('drivers/vfio/vfio_main.c', 1300, 'static int vfio_device_fops_get_thing(struct vfio_device *device, void __user *arg)', `
 \tfd = anon_inode_getfd("[thing]", &thing_fops, thing, O_CLOEXEC);
 \tif (fd < 0)
 \t\tgoto out_free;
+\tif (copy_to_user(arg, &info, sizeof(info)))
+\t\treturn -EFAULT;
 \treturn fd;`);
  assert.deepEqual(of(fd, 'published-before-init'), [['anon_inode_getfd', 'vfio_device_fops_get_thing']]);
  // A plain list insert: its readers take the lock the writer holds (here or in a caller).
  const plain = inFile('drivers/vfio/vfio_iommu_type1.c', 2200, 'static int vfio_iommu_type1_attach_group(void *iommu_data,', `
+\tlist_add(&group->next, &domain->group_list);
+\tgroup->pinned_page_dirty_scope = true;`);
  assert.deepEqual(of(plain, 'published-before-init'), []);
});

test('brand-new functions are looked at: a new remove path that unregisters and then reads the freed structure', () => {
  const facts = factsOf(fileDiff('drivers/vdpa/virtio_pci/vp_vdpa.c', { at: 520, body: `
+static void vp_vdpa_remove(struct pci_dev *pdev)
+{
+\tstruct vp_vdpa *vp_vdpa = pci_get_drvdata(pdev);
+
+\tvdpa_unregister_device(&vp_vdpa->vdpa);
+\tvp_modern_remove(&vp_vdpa->mdev);
+}` }));
  assert.deepEqual(of(facts, 'used-after-release'), [['vp_vdpa', 'vp_vdpa_remove']]);
});

test('published before init: the id an allocator returns, stored in the object right after, is the idiom', () => {
  const section = 'static int iommufd_bind_thing(struct iommufd_ctx *ictx, struct thing *t)';
  const idiom = inFile('drivers/iommu/iommufd/main.c', 300, section, `
+\trc = xa_alloc(&ictx->things, &id, t, xa_limit_32b, GFP_KERNEL);
+\tif (rc < 0)
+\t\tgoto out_free;
+\tt->id = id;
 \treturn 0;`);
  assert.deepEqual(of(idiom, 'published-before-init'), []);
  const early = inFile('drivers/iommu/iommufd/main.c', 300, section, `
+\trc = xa_alloc(&ictx->things, &id, t, xa_limit_32b, GFP_KERNEL);
+\tif (rc < 0)
+\t\tgoto out_free;
+\tt->id = id;
+\tt->ictx = ictx;
 \treturn 0;`);
  assert.deepEqual(of(early, 'published-before-init'), [['xa_alloc', 'iommufd_bind_thing']]);
  assert.match(early.find((f) => f.kind === 'published-before-init')!.detail!, /publishes t with xa_alloc\(\) and sets up t->ictx = ictx after it/);
});

test('published before init: an interrupt handler armed before the state it reads is set up', () => {
  const section = 'static int vp_vdpa_request_irq(struct vp_vdpa *vp_vdpa)';
  const early = inFile('drivers/vdpa/virtio_pci/vp_vdpa.c', 160, section, `
+\tret = devm_request_irq(&pdev->dev, irq, vp_vdpa_vq_handler, 0, vp_vdpa->vring[i].msix_name, &vp_vdpa->vring[i]);
+\tif (ret)
+\t\tgoto err;
+\tvp_vdpa->vring[i].irq = irq;
 \treturn 0;`);
  assert.deepEqual(of(early, 'published-before-init'), [['devm_request_irq', 'vp_vdpa_request_irq']]);
  const late = inFile('drivers/vdpa/virtio_pci/vp_vdpa.c', 160, section, `
+\tvp_vdpa->vring[i].irq = irq;
+\tret = devm_request_irq(&pdev->dev, irq, vp_vdpa_vq_handler, 0, vp_vdpa->vring[i].msix_name, &vp_vdpa->vring[i]);
+\tif (ret)
+\t\tgoto err;
 \treturn 0;`);
  assert.deepEqual(of(late, 'published-before-init'), []);
});
