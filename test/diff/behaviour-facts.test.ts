// The behaviour detectors and the no-op rules, on hunk shapes taken from real patches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from './uapi/helpers.js';
import type { Fact } from '../../src/model/facts.js';

const of = (facts: Fact[], ...kinds: string[]) => facts.filter((f) => kinds.includes(f.kind)).map((f) => [f.kind, f.symbol]);

test('a mask rewritten from BIT() to BIT_ULL() adds and removes no feature', () => {
  // The shape of "vdpa/mlx5: Avoid warnings about shifts on 32-bit platforms".
  const facts = factsOf(
    fileDiff('drivers/vdpa/mlx5/net/mlx5_vnet.c', {
      at: 17,
      body: `
 #define VALID_FEATURES_MASK                                                                        \\
-\t(BIT(VIRTIO_NET_F_CSUM) | BIT(VIRTIO_NET_F_GUEST_CSUM) |                                   \\
-\t BIT(VIRTIO_F_ANY_LAYOUT) | BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_F_ACCESS_PLATFORM))
+\t(BIT_ULL(VIRTIO_NET_F_CSUM) | BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) |                                   \\
+\t BIT_ULL(VIRTIO_F_ANY_LAYOUT) | BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_F_ACCESS_PLATFORM))
 
 #define VALID_STATUS_MASK                                                                          \\`,
    }),
  );
  assert.deepEqual(of(facts, 'mask-bit-added', 'mask-bit-removed'), []);
});

test('locks: dropped, moved and taken, named by object and function; a deleted function is no fact', () => {
  const facts = factsOf(
    fileDiff(
      'drivers/vhost/vsock.c',
      {
        at: 130,
        section: 'static void vhost_transport_do_send_pkt(struct vhost_vsock *vsock,',
        body: `
 \t\tstruct virtio_vsock_pkt *pkt;
-\t\tspin_lock_bh(&vsock->send_pkt_list_lock);
 \t\tif (list_empty(&vsock->send_pkt_list)) {
-\t\t\tspin_unlock_bh(&vsock->send_pkt_list_lock);
 \t\t\tvhost_enable_notify(&vsock->dev, vq);`,
      },
      {
        at: 790,
        section: 'static int vhost_vsock_set_features(struct vhost_vsock *vsock, u64 features)',
        body: `
-\tmutex_lock(&vsock->dev.mutex);
 \tif ((features & (1 << VHOST_F_LOG_ALL)) &&
 \t    !vhost_log_access_ok(&vsock->dev)) {
-\t\tmutex_unlock(&vsock->dev.mutex);
-\t\treturn -EFAULT;
+\t\tgoto err;
 \t}
+\tmutex_lock(&vsock->dev.mutex);`,
      },
    ),
  );
  assert.deepEqual(of(facts, 'lock-removed', 'lock-moved', 'lock-added'), [
    ['lock-removed', 'vsock->send_pkt_list_lock'],
    ['lock-moved', 'vsock->dev.mutex'],
  ]);
  assert.match(facts.find((f) => f.kind === 'lock-removed')!.detail!, /vhost_transport_do_send_pkt\(\) no longer takes vsock->send_pkt_list_lock/);

  const deleted = factsOf(
    fileDiff('drivers/vhost/vdpa.c', {
      at: 300,
      body: `
-static void vhost_vdpa_old_helper(struct vhost_vdpa *v)
-{
-\tmutex_lock(&v->vdev.mutex);
-\tv->x = 0;
-\tmutex_unlock(&v->vdev.mutex);
-}`,
    }),
  );
  assert.deepEqual(of(deleted, 'lock-removed', 'lock-moved'), []);
});

test('barriers: a new WRITE_ONCE annotation is no fact, a removed barrier is', () => {
  const facts = factsOf(
    fileDiff('drivers/virtio/virtio_pci_common.c', {
      at: 30,
      section: 'void vp_disable_cbs(struct virtio_device *vdev)',
      body: `
 \tstruct virtio_pci_device *vp_dev = to_vp_device(vdev);
+\tWRITE_ONCE(vp_dev->intx_soft_enabled, false);
-\tsmp_wmb();
 \tsynchronize_irq(vp_dev->pci_dev->irq);`,
    }),
  );
  assert.deepEqual(of(facts, 'barrier-changed'), [['barrier-changed', 'smp_wmb']]);
});

test('untrusted values: a size from copy_from_user used without a bound, and with one', () => {
  const unchecked = factsOf(
    fileDiff('drivers/vhost/vdpa.c', {
      at: 200,
      section: 'static long vhost_vdpa_get_config(struct vhost_vdpa *v,',
      body: `
 \tif (copy_from_user(&config, c, size))
 \t\treturn -EFAULT;
+\tbuf = kvzalloc(config.len, GFP_KERNEL);
+\tops->get_config(vdpa, config.off, buf, config.len);`,
    }),
  );
  assert.deepEqual(of(unchecked, 'untrusted-value-unchecked'), [['untrusted-value-unchecked', 'config']]);
  assert.match(unchecked.find((f) => f.kind === 'untrusted-value-unchecked')!.detail!, /from copy_from_user\(\)\) as a size for kvzalloc\(\)/);

  const checked = factsOf(
    fileDiff('drivers/vhost/vdpa.c', {
      at: 200,
      section: 'static long vhost_vdpa_get_config(struct vhost_vdpa *v,',
      body: `
 \tif (copy_from_user(&config, c, size))
 \t\treturn -EFAULT;
+\tif (config.len > vdpa->config_size)
+\t\treturn -EINVAL;
+\tbuf = kvzalloc(config.len, GFP_KERNEL);`,
    }),
  );
  assert.deepEqual(of(checked, 'untrusted-value-unchecked'), []);
  // The destination of the copy is not a size: copy_to_user(featurep, &features, sizeof(features)).
  const copyBack = factsOf(
    fileDiff('drivers/vhost/vsock.c', {
      at: 830,
      section: 'static long vhost_vsock_dev_ioctl(struct file *f, unsigned int ioctl,',
      body: `
 \t\tif (copy_from_user(&features, argp, sizeof(features)))
 \t\t\treturn -EFAULT;
+\t\tif (copy_to_user(argp, &features, sizeof(features)))
+\t\t\treturn -EFAULT;`,
    }),
  );
  assert.deepEqual(of(copyBack, 'untrusted-value-unchecked'), []);
});

test('untrusted values: a buffer filled through its pointer is no user value; a field read through it is', () => {
  // The shape of "vringh: IOTLB support": copy_from_user(dst, …) fills *dst; dst + len is the
  // kernel's own pointer arithmetic.
  const pointer = factsOf(
    fileDiff('drivers/vhost/vringh.c', {
      at: 1100,
      section: 'static int copy_from_iotlb(const struct vringh *vrh, void *dst,',
      body: `
 \tif (copy_from_user(dst, src, len))
 \t\treturn -EFAULT;
+\tnext = dst + len;`,
    }),
  );
  assert.deepEqual(of(pointer, 'untrusted-value-unchecked'), []);
  const field = factsOf(
    fileDiff('drivers/vhost/vringh.c', {
      at: 1100,
      section: 'static int copy_from_iotlb(const struct vringh *vrh, void *dst,',
      body: `
 \tif (copy_from_user(hdr, src, sizeof(*hdr)))
 \t\treturn -EFAULT;
+\tbuf = kmalloc(hdr->len * 2, GFP_KERNEL);`,
    }),
  );
  assert.deepEqual(of(field, 'untrusted-value-unchecked'), [['untrusted-value-unchecked', 'hdr']]);
});

test('features cleared in a driver-features check, and references without their pair', () => {
  // The shape of "vdpa/mlx5: set_features should nack MQ if no CTRL_VQ".
  const facts = factsOf(
    fileDiff('drivers/vdpa/mlx5/net/mlx5_vnet.c', {
      at: 1897,
      section: 'static u64 mlx5_vdpa_get_device_features(struct vdpa_device *vdev)',
      body: `
-static int verify_min_features(struct mlx5_vdpa_dev *mvdev, u64 features)
+static int verify_driver_features(struct mlx5_vdpa_dev *mvdev, u64 *features)
 {
+\tif ((*features & (BIT_ULL(VIRTIO_NET_F_MQ) | BIT_ULL(VIRTIO_NET_F_CTRL_VQ))) ==
+\t    BIT_ULL(VIRTIO_NET_F_MQ))
+\t\t*features &= ~BIT_ULL(VIRTIO_NET_F_MQ);
 \treturn 0;`,
    }),
  );
  assert.deepEqual(of(facts, 'features-written'), [['features-written', 'VIRTIO_NET_F_MQ']]);

  const refs = factsOf(
    fileDiff('drivers/vhost/vdpa.c', {
      at: 500,
      section: 'static long vhost_vdpa_vring_ioctl(struct vhost_vdpa *v, unsigned int cmd,',
      body: `
 \tcase VHOST_SET_VRING_CALL:
+\t\tctx = eventfd_ctx_fdget(f.fd);
+\t\tvq->call_ctx.ctx = ctx;
 \t\tbreak;`,
    }),
  );
  assert.deepEqual(of(refs, 'ref-unbalanced'), [['ref-unbalanced', 'f.fd']]);
});

test('the status sequence: a removed reset is a fact, a newly added ready call is not', () => {
  const facts = factsOf(
    fileDiff('drivers/virtio/virtio_mmio.c', {
      at: 250,
      section: 'static void vm_reset(struct virtio_device *vdev)',
      body: `
 \t/* 0 status means a reset. */
-\twritel(0, vm_dev->base + VIRTIO_MMIO_STATUS);
-\tvirtio_reset_device(vdev);
+\tvirtio_device_ready(vdev);`,
    }),
  );
  assert.deepEqual(of(facts, 'status-sequence-changed'), [['status-sequence-changed', 'virtio_reset_device']]);
});

test('netlink policies and socket semantics', () => {
  const nl = factsOf(
    fileDiff('drivers/vdpa/vdpa.c', {
      at: 1200,
      section: 'static const struct nla_policy vdpa_nl_policy[VDPA_ATTR_MAX + 1] = {',
      body: `
 \t[VDPA_ATTR_DEV_NET_CFG_MTU] = NLA_POLICY_MIN(NLA_U16, 68),
+\t[VDPA_ATTR_DEV_FEATURES] = { .type = NLA_U64 },
 };`,
    }),
  );
  assert.deepEqual(of(nl, 'netlink-policy-changed'), [['netlink-policy-changed', 'VDPA_ATTR_DEV_FEATURES']]);
  const sock = factsOf(
    fileDiff('drivers/vhost/vsock.c', {
      at: 400,
      section: 'static int vhost_transport_cancel_pkt(struct vsock_sock *vsk)',
      body: `
-\tif (le32_to_cpu(pkt->hdr.flags) & VIRTIO_VSOCK_SHUTDOWN_SEND)
+\tif (le32_to_cpu(pkt->hdr.flags) & VIRTIO_VSOCK_SHUTDOWN_RCV)
 \t\tsk->sk_state = TCP_CLOSING;`,
    }),
  );
  assert.deepEqual(of(sock, 'socket-semantics-changed').map((x) => x[1]).sort(), ['VIRTIO_VSOCK_SHUTDOWN_RCV', 'VIRTIO_VSOCK_SHUTDOWN_SEND']);
});

test('a mapping helper swapped for another of the same kind is no lifecycle change; one dropped is', () => {
  // The shape of "vdpa/mlx5: Rename mr destroy functions": the old call replaced by `now`.
  const replacedBy = (now: string) =>
    of(
      factsOf(
        fileDiff('drivers/vdpa/mlx5/core/mr.c', {
          at: 600,
          section: 'int mlx5_vdpa_reset_mr(struct mlx5_vdpa_dev *mvdev, unsigned int asid)',
          body: `
 \tmutex_lock(&mvdev->mr_mtx);
-\tmlx5_vdpa_destroy_mr_asid(mvdev, asid);
+\t${now};
 \tmutex_unlock(&mvdev->mr_mtx);`,
        }),
      ),
      'mapping-lifecycle-changed',
    );
  assert.deepEqual(replacedBy('mlx5_vdpa_destroy_mr(mvdev, mvdev->mr[asid])'), []);
  assert.deepEqual(replacedBy('mlx5_vdpa_create_mr(mvdev, NULL)'), [
    ['mapping-lifecycle-changed', 'mlx5_vdpa_destroy_mr_asid'],
    ['mapping-lifecycle-changed', 'mlx5_vdpa_create_mr'],
  ]);
});

test('a mapping teardown handed over from a renamed helper, of a member the patch newly allocates, or on its own definition line is no lifecycle change', () => {
  const mapping = (path: string, section: string, body: string) => of(factsOf(fileDiff(path, { at: 600, section, body })), 'mapping-lifecycle-changed');
  // The shape of "vhost: factor out IOTLB": the same IOTLB handed to the new helper.
  assert.deepEqual(mapping('drivers/vhost/vhost.c', 'void vhost_dev_cleanup(struct vhost_dev *dev)', `
-\tvhost_umem_clean(dev->iotlb);
+\tvhost_iotlb_free(dev->iotlb);
 \tdev->iotlb = NULL;`), []);
  // A new member: allocated in create, freed in destroy, in the same patch.
  assert.deepEqual(mapping('drivers/vdpa/mlx5/core/mr.c', 'static void _mlx5_vdpa_destroy_mr(struct mlx5_vdpa_dev *mvdev, struct mlx5_vdpa_mr *mr)', `
 \t\tdestroy_dma_mr(mvdev, mr);
+\tvhost_iotlb_free(mr->iotlb);
+\tmr->iotlb = vhost_iotlb_alloc(0, 0);`), []);
  // A function renamed: its old definition line is no call it stopped making.
  assert.deepEqual(mapping('drivers/vdpa/mlx5/core/mr.c', 'void mlx5_vdpa_destroy_mr_asid(struct mlx5_vdpa_dev *mvdev, unsigned int asid)', `
-void mlx5_vdpa_destroy_mr_asid(struct mlx5_vdpa_dev *mvdev, unsigned int asid)
+void mlx5_vdpa_destroy_mr_resources(struct mlx5_vdpa_dev *mvdev, unsigned int asid)
 {`), []);
  // The same teardown added with no helper it replaces and no new acquire is still a change.
  assert.deepEqual(mapping('drivers/vhost/vhost.c', 'void vhost_dev_cleanup(struct vhost_dev *dev)', `
+\tvhost_iotlb_free(dev->iotlb);
 \tdev->iotlb = NULL;`), [['mapping-lifecycle-changed', 'vhost_iotlb_free']]);
});

test('a guard split in two keeps its refusal: the copy added word for word is no new error; a new condition is', () => {
  const facts = (extra: string) =>
    factsOf(
      fileDiff('drivers/vdpa/vdpa.c', {
        at: 620,
        section: 'static int vdpa_nl_cmd_dev_add_set_doit(struct sk_buff *skb, struct genl_info *info)',
        body: `
-\tif ((cfg.mask & mdev->supported) != cfg.mask) {
+\tif (cfg.mask && !(cfg.mask & mdev->supported)) {
 \t\terr = -EOPNOTSUPP;
 \t\tgoto err;
 \t}
+
+\tif (${extra}) {
+\t\terr = -EOPNOTSUPP;
+\t\tgoto err;
+\t}
 \terr = mdev->ops->dev_add(mdev, name, &cfg);`,
      }),
    ).filter((f) => f.kind === 'error-return-added').map((f) => f.symbol);
  assert.deepEqual(facts('(cfg.mask & mdev->supported) != cfg.mask'), []);
  assert.deepEqual(facts('cfg.mtu > mdev->max_mtu'), ['EOPNOTSUPP']);
});
