// Code the patch adds whole changes no behaviour anybody relied on: locks, barriers and error
// returns in a new function, a barrier moved into a helper, an error of a new ioctl request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from './uapi/helpers.js';
import type { Fact } from '../../src/model/facts.js';

const of = (facts: Fact[], ...kinds: string[]) => facts.filter((f) => kinds.includes(f.kind)).map((f) => [f.kind, f.symbol, f.function]);

test('a barrier, a lock and an error return in a new function are no facts; in an existing one they are', () => {
  const facts = factsOf(
    fileDiff(
      'drivers/vdpa/vdpa_sim/vdpa_sim.c',
      {
        at: 100,
        body: `
 }
 
+static int vdpasim_complete(struct vdpasim_virtqueue *vq, size_t len)
+{
+\tspin_lock(&vq->lock);
+\tsmp_wmb();
+\tspin_unlock(&vq->lock);
+\treturn -EBUSY;
+}
+
+static int vdpasim_set_driver_features(struct vdpa_device *vdpa, u64 features)
+{
+\tvdpasim->negotiated_features = features & vdpasim->dev_attr.supported_features;
+\treturn 0;
+}
+`,
      },
      {
        at: 200,
        section: 'static void vdpasim_kick_vq(struct vdpa_device *vdpa, u16 idx)',
        body: `
 \tstruct vdpasim_virtqueue *vq = &vdpasim->vqs[idx];
+\tsmp_wmb();
 \tif (vq->ready)`,
      },
    ),
  );
  assert.deepEqual(of(facts, 'barrier-changed', 'lock-added', 'error-return-added', 'features-written'), [['barrier-changed', 'smp_wmb', 'vdpasim_kick_vq']]);
});

test('a barrier moved out of a function into a new helper is no fact', () => {
  // The shape of "vdpa_sim: factor out buffer completion logic".
  const facts = factsOf(
    fileDiff(
      'drivers/vdpa/vdpa_sim/vdpa_sim_net.c',
      {
        at: 60,
        body: `
+static void vdpasim_net_complete(struct vdpasim_virtqueue *vq, size_t len)
+{
+\tvringh_complete_iotlb(&vq->vring, vq->head, len);
+\tsmp_wmb();
+}
+`,
      },
      {
        at: 120,
        section: 'static void vdpasim_net_work(struct work_struct *work)',
        body: `
-\t\tvringh_complete_iotlb(&txq->vring, txq->head, 0);
-\t\tsmp_wmb();
+\t\tvdpasim_net_complete(txq, 0);`,
      },
    ),
  );
  assert.deepEqual(of(facts, 'barrier-changed'), []);
});

test('an unlock moved to a shared exit is no fact; an unlock only removed holds the lock longer', () => {
  const rewrite = factsOf(
    fileDiff('drivers/vdpa/vdpa.c', {
      at: 700,
      section: 'static int vdpa_nl_cmd_dev_get_doit(struct sk_buff *skb, struct genl_info *info)',
      body: `
 \tif (!dev) {
-\t\tmutex_unlock(&vdpa_dev_mutex);
-\t\treturn -ENODEV;
+\t\terr = -ENODEV;
+\t\tgoto out;
 \t}
+out:
+\tmutex_unlock(&vdpa_dev_mutex);
 \treturn err;`,
    }),
  );
  assert.deepEqual(of(rewrite, 'lock-removed', 'lock-moved'), []);
  const longer = factsOf(
    fileDiff('drivers/s390/crypto/vfio_ap_ops.c', {
      at: 300,
      section: 'static int vfio_ap_mdev_remove(struct mdev_device *mdev)',
      body: `
 \tvfio_ap_mdev_reset_queues(matrix_mdev);
-\tmutex_unlock(&matrix_dev->lock);
 \tkfree(matrix_mdev);`,
    }),
  );
  assert.deepEqual(of(longer, 'lock-removed'), [['lock-removed', 'matrix_dev->lock', 'vfio_ap_mdev_remove']]);
});

test('an RCU read section whose exits alone were folded is no fact; an unlock moved off an exit is', () => {
  // The shape of a branch moved into a helper: its early exits (unlock; return/goto, and the
  // unlock heading an exit label) go, one exit after the helper call comes.
  const folded = factsOf(
    fileDiff(
      'drivers/net/virtio_net.c',
      {
        at: 1400,
        section: 'static struct sk_buff *receive_mergeable(struct net_device *dev,',
        body: `
 \trcu_read_lock();
 \txdp_prog = rcu_dereference(rq->xdp_prog);
 \tif (xdp_prog) {
-\t\tswitch (act) {
-\t\tcase XDP_PASS:
-\t\t\trcu_read_unlock();
-\t\t\treturn head_skb;
-\t\tcase XDP_TX:
-\t\t\trcu_read_unlock();
-\t\t\tgoto xdp_xmit;
-\t\t}
+\t\thead_skb = receive_mergeable_xdp(dev, vi, rq, xdp_prog, buf, ctx, len, xdp_xmit, stats);
+\t\trcu_read_unlock();
+\t\treturn head_skb;
 \t}
 \trcu_read_unlock();`,
      },
      {
        at: 1480,
        section: 'static struct sk_buff *receive_mergeable(struct net_device *dev,',
        body: `
 \treturn head_skb;
 
-err_xdp:
-\trcu_read_unlock();
-\tstats->xdp_drops++;
 err_skb:
 \tput_page(page);`,
      },
    ),
  );
  assert.deepEqual(of(folded, 'rcu-changed'), []);
  // The shape of "fix sleeping in RCU read side section": the unlock now comes before code
  // that still ran inside the section, which is a change of what the section covers.
  const earlier = factsOf(
    fileDiff('drivers/virtio/virtio_mem.c', {
      at: 1242,
      section: 'static void virtio_mem_online_page_cb(struct page *page, unsigned int order)',
      body: `
 \t\t\tdo_online = virtio_mem_bbm_get_bb_state(vm, id) != VIRTIO_MEM_BBM_BB_FAKE_OFFLINE;
 \t\t}
+\t\trcu_read_unlock();
+
 \t\tif (do_online)
 \t\t\tgeneric_online_page(page, order);
-\t\trcu_read_unlock();
 \t\treturn;
 \t}`,
    }),
  );
  assert.deepEqual(of(earlier, 'rcu-changed'), [['rcu-changed', 'rcu_read_unlock', 'virtio_mem_online_page_cb']]);
});

test('an error return of an ioctl request the patch adds is no behaviour change; of an existing one it is', () => {
  const facts = factsOf([
    fileDiff('include/uapi/linux/vhost.h', {
      at: 150,
      body: `
 #define VHOST_VDPA_SET_VRING_ENABLE\t_IOW(VHOST_VIRTIO, 0x75, struct vhost_vring_state)
+#define VHOST_VDPA_GET_VRING_DESC_GROUP\t_IOWR(VHOST_VIRTIO, 0x7F, struct vhost_vring_state)`,
    }),
    fileDiff('drivers/vhost/vdpa.c', {
      at: 600,
      section: 'static long vhost_vdpa_vring_ioctl(struct vhost_vdpa *v, unsigned int cmd,',
      body: `
 \tcase VHOST_VDPA_SET_VRING_ENABLE:
+\t\tif (!ops->set_vq_ready)
+\t\t\treturn -EOPNOTSUPP;
 \t\tops->set_vq_ready(vdpa, idx, s.num);
 \t\treturn 0;
+\tcase VHOST_VDPA_GET_VRING_DESC_GROUP:
+\t\tif (!vhost_vdpa_has_desc_group(v))
+\t\t\treturn -EOPNOTSUPP;
+\t\treturn 0;`,
    }),
  ]);
  assert.deepEqual(
    facts.filter((f) => f.kind === 'error-return-added').map((f) => f.detail),
    ['vhost_vdpa_vring_ioctl() (VHOST_VDPA_SET_VRING_ENABLE) can now fail with -EOPNOTSUPP'],
  );
});

test('a refusal or a check that names a constant the patch adds to a uAPI header changes nothing existing userspace sends', () => {
  const uapi = fileDiff('include/uapi/linux/vhost_types.h', {
    at: 170,
    body: `
 #define VHOST_BACKEND_F_DESC_ASID    0x7
+#define VHOST_BACKEND_F_IOTLB_PERSIST  0x8`,
  });
  const handler = fileDiff('drivers/vhost/vdpa.c', {
    at: 700,
    section: 'static long vhost_vdpa_unlocked_ioctl(struct file *filep,',
    body: `
 		if (copy_from_user(&features, featurep, sizeof(features)))
 			return -EFAULT;
+		if ((features & BIT_ULL(VHOST_BACKEND_F_IOTLB_PERSIST)) &&
+		     !vhost_vdpa_has_persistent_map(v))
+			return -EOPNOTSUPP;
-		if (features & ~VHOST_VDPA_BACKEND_FEATURES)
+		if (features & ~(VHOST_VDPA_BACKEND_FEATURES | BIT_ULL(VHOST_BACKEND_F_IOTLB_PERSIST)))
 			return -EOPNOTSUPP;`,
  });
  const kinds = (facts: Fact[]) => of(facts, 'error-return-added', 'input-check-changed').map((x) => x[0]);
  assert.deepEqual(kinds(factsOf([uapi, handler])), []);
  // Without the header change the constant is an existing one: both are changes.
  assert.deepEqual(kinds(factsOf([handler])).sort(), ['error-return-added', 'input-check-changed']);
});

test('an early exit folded into an exit the patch keeps leaves the read-side section as it was', () => {
  // The shape of "introduce virtnet_xdp_handler()": one case's unlock-and-jump goes, the case
  // falls through to the next one's unchanged unlock-and-jump.
  const body = (kept: string) => `
 		case XDP_TX:
-			*xdp_xmit |= VIRTIO_XDP_TX;
-			rcu_read_unlock();
-			goto xdp_xmit;
 		case XDP_REDIRECT:
${kept}`;
  const facts = (kept: string) =>
    of(factsOf(fileDiff('drivers/net/virtio_net.c', { at: 900, section: 'static struct sk_buff *receive_small(struct net_device *dev,', body: body(kept) })), 'rcu-changed');
  assert.deepEqual(facts(' \t\t\trcu_read_unlock();\n \t\t\tgoto xdp_xmit;'), []);
  // The next case no longer unlocks: the folded path leaves holding the section.
  assert.deepEqual(facts(' \t\t\tstats->xdp_redirects++;\n \t\t\tgoto xdp_xmit;'), [['rcu-changed', 'rcu_read_unlock', 'receive_small']]);
});

test('an annotated access rewritten on another expression keeps its annotation; one dropped is a change', () => {
  // The shape of "vhost: use bvec_kmap_local in {get,put}u16_iotlb".
  const facts = (line: string) =>
    of(
      factsOf(
        fileDiff('drivers/vhost/vringh.c', {
          at: 1182,
          section: 'static inline int getu16_iotlb(const struct vringh *vrh,',
          body: `
-\tkaddr = kmap_atomic(iov.bv_page);
-\tfrom = kaddr + iov.bv_offset;
-\t*val = vringh16_to_cpu(vrh, READ_ONCE(*(__virtio16 *)from));
+\tkaddr = bvec_kmap_local(&iov);
${line}
 \treturn 0;`,
        }),
      ),
      'barrier-changed',
    );
  assert.deepEqual(facts('+\t*val = vringh16_to_cpu(vrh, READ_ONCE(*(__virtio16 *)kaddr));'), []);
  assert.deepEqual(facts('+\t*val = vringh16_to_cpu(vrh, *(__virtio16 *)kaddr);'), [['barrier-changed', '*(__virtio16*)from', 'getu16_iotlb']]);
});

test('a "fix" of comments, message text, white space or the build carries no Fixes-tag fact; a code fix does', () => {
  const fixOf = (...diffs: string[]) => factsOf(diffs, undefined, { subject: 'virtio_ring: fix a typo' }).filter((f) => f.kind === 'fix-without-fixes-tag');
  const comment = fileDiff('drivers/virtio/virtio_ring.c', {
    at: 40,
    section: 'static int virtqueue_add_split(struct virtqueue *_vq,',
    body: `
-\t/* We\'re about to use some buffers from the free lsit. */
+\t/* We\'re about to use some buffers from the free list. */
-\tdev_err(dev, "faild to add buffer\\n");
+\tdev_err(dev,  "failed to add buffer\\n");
 \tvq->vq.num_free -= descs_used;`,
  });
  const build = fileDiff('drivers/virtio/Kconfig', { at: 5, body: `\n config VIRTIO_MEM\n-\tdepends on X86_64\n+\tdepends on X86_64 || ARM64\n` });
  const docs = fileDiff('Documentation/driver-api/virtio/virtio.rst', { at: 5, body: `\n The virtio ring\n-is a ring.\n+is a ring buffer.\n` });
  assert.deepEqual(fixOf(comment, build, docs), []);
  const code = fileDiff('drivers/virtio/virtio_ring.c', {
    at: 40,
    section: 'static int virtqueue_add_split(struct virtqueue *_vq,',
    body: `
-\tvq->vq.num_free -= descs_used;
+\tvq->vq.num_free -= total_sg;`,
  });
  assert.equal(fixOf(comment, code).length, 1);
});

test('a call rewritten in its function, or moved into a new helper, is not "no longer used"', () => {
  // The shape of "vhost: move worker thread fields to new struct".
  const facts = factsOf(
    fileDiff(
      'drivers/vhost/vhost.c',
      {
        at: 500,
        body: `
+static int vhost_worker_create(struct vhost_dev *dev)
+{
+\tstruct task_struct *task = kthread_create(vhost_worker, dev, "vhost-%d", current->pid);
+\treturn IS_ERR(task) ? PTR_ERR(task) : 0;
+}
+`,
      },
      {
        at: 600,
        section: 'long vhost_dev_set_owner(struct vhost_dev *dev)',
        body: `
-\tworker = kthread_create(vhost_worker, dev, "vhost-%d", current->pid);
+\terr = vhost_worker_create(dev);
 \tif (virtio_has_feature(dev, VIRTIO_F_ACCESS_PLATFORM))
-\t\tif (vhost_dev_has_iovec(dev)) return -EINVAL;
+\t\tif (vhost_dev_has_iovec(dev))
+\t\t\treturn -EINVAL;
-\tvhost_attach_cgroups(dev);`,
      },
    ),
  );
  assert.deepEqual(facts.filter((f) => f.kind === 'symbol-removed').map((f) => f.symbol), ['worker', 'vhost_attach_cgroups']);
});

test('a line moved word for word into a new helper is no new use; the same line in an existing function is', () => {
  // The shape of "virtio_ring: split: extract the logic of vq init".
  const hunks = (section: string) => [
    {
      at: 900,
      body: `
+static void __vring_virtqueue_init_split(struct vring_virtqueue *vq, struct virtio_device *vdev)
+{
+\tvq->use_dma_api = vring_use_dma_api(vdev);
+}
+`,
    },
    {
      at: 1000,
      section,
      body: `
-\tvq->use_dma_api = vring_use_dma_api(vdev);
+\t__vring_virtqueue_init_split(vq, vdev);`,
    },
  ];
  const added = (facts: Fact[]) => facts.filter((f) => f.kind === 'symbol-added' && f.symbol === 'vring_use_dma_api').map((f) => f.function);
  assert.deepEqual(added(factsOf(fileDiff('drivers/virtio/virtio_ring.c', ...hunks('static struct virtqueue *__vring_new_virtqueue_split(unsigned int index,')))), []);
  const elsewhere = factsOf(
    fileDiff('drivers/virtio/virtio_ring.c', {
      at: 1000,
      section: 'static struct virtqueue *__vring_new_virtqueue_split(unsigned int index,',
      body: `
-\tvq->use_dma_api = vring_use_dma_api(vdev);
+\tif (!vq->premapped)
+\t\tvq->use_dma_api = vring_use_dma_api(vdev);`,
    }),
  );
  assert.deepEqual(added(elsewhere), ['__vring_new_virtqueue_split']);
});

test('a line re-added with only a trailing separator uses nothing new; a rewritten condition does', () => {
  // The shape of "vhost/vsock: offer VIRTIO_F_ACCESS_PLATFORM": `X)` becomes `X) |` so a bit
  // can follow it; and of the VDUSE allow-list fix that narrows a check to block devices.
  const added = (diff: string, symbol: string) => factsOf(diff).filter((f) => f.kind === 'symbol-added' && f.symbol === symbol).length;
  const mask = fileDiff('drivers/vhost/vsock.c', {
    at: 30,
    section: 'enum {',
    body: `
 	VHOST_VSOCK_FEATURES = VHOST_FEATURES |
-			       (1ULL << VIRTIO_F_VERSION_1)
+			       (1ULL << VIRTIO_F_VERSION_1) |
+			       (1ULL << VIRTIO_F_ACCESS_PLATFORM)`,
  });
  assert.equal(added(mask, 'VIRTIO_F_VERSION_1'), 0);
  // The new bit is a use, told by the mask fact that says what the line does with it.
  assert.equal(added(mask, 'VIRTIO_F_ACCESS_PLATFORM'), 0);
  assert.deepEqual(factsOf(mask).filter((f) => f.kind === 'mask-bit-added').map((f) => f.symbol), ['VIRTIO_F_ACCESS_PLATFORM']);
  const narrowed = fileDiff('drivers/vdpa/vdpa_user/vduse_dev.c', {
    at: 1420,
    section: 'static bool features_is_valid(struct vduse_dev_config *config)',
    body: `
-	if (features & (1ULL << VIRTIO_BLK_F_CONFIG_WCE))
+	if ((config->device_id == VIRTIO_ID_BLOCK) &&
+			(config->features & (1ULL << VIRTIO_BLK_F_CONFIG_WCE)))
 		return false;`,
  });
  assert.equal(added(narrowed, 'VIRTIO_BLK_F_CONFIG_WCE'), 1);
});

test('a lock pair turned into a scope guard, or into an assertion that the caller holds it, is no lock fact', () => {
  const facts = factsOf(
    fileDiff(
      'drivers/vfio/pci/vfio_pci_core.c',
      {
        at: 300,
        section: 'static int vfio_pci_core_feature_token(struct vfio_device *device, u32 flags,',
        body: `
-\tmutex_lock(&vdev->vf_token->lock);
+\tguard(mutex)(&vdev->vf_token->lock);
 \tvdev->vf_token->uuid = uuid;
-\tmutex_unlock(&vdev->vf_token->lock);
 \treturn 0;`,
      },
      {
        at: 900,
        section: 'static void vfio_pci_zap_bars(struct vfio_pci_core_device *vdev)',
        body: `
-\tdown_write(&vdev->memory_lock);
+\tlockdep_assert_held_write(&vdev->memory_lock);
 \tunmap_mapping_range(vdev->vdev.inode->i_mapping, 0, 0, true);
-\tup_write(&vdev->memory_lock);`,
      },
    ),
  );
  assert.deepEqual(of(facts, 'lock-added', 'lock-removed', 'lock-moved'), []);
});
