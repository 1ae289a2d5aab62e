// error-value-changed on hunks shaped like reviewed ones: an errno swapped in place, an error
// overwritten before the return, a failure test now followed by success; and the near misses
// (a default refined under a condition, a rename, a guest driver's helper nobody calls from
// userspace) that must stay quiet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';

const flow = (facts: Fact[]) => facts.filter((f) => f.kind === 'error-value-changed').map((f) => f.detail);
/** The error-flow details of one hunk of one file. */
const flowIn = (path: string, at: number, section: string, body: string) => flow(factsOf(fileDiff(path, { at, section, body })));

test('a fixed errno replaced by the callee\'s code in an attach callback is a swap; errors.ts does not also call it a new error', () => {
  const details = flowIn('drivers/iommu/virtio-iommu.c', 690, 'static int viommu_attach_dev(struct iommu_domain *domain, struct device *dev)', `
 \t\tret = viommu_domain_finalise(vdev, domain);
 \t\tif (ret) {
 \t\t\tvdomain->viommu = NULL;
-\t\t\treturn -EOPNOTSUPP;
+\t\t\treturn ret;
 \t\t}`);
  assert.deepEqual(details, ["viommu_attach_dev() now hands back the callee's code (ret) where it handed back -EOPNOTSUPP"]);
});

test('one errno rewritten into another in an ioctl handler is told as a swap, not as a brand-new error', () => {
  const facts = factsOf(fileDiff('drivers/vdpa/vdpa_user/vduse_dev.c', { at: 1206, section: 'static long vduse_dev_ioctl(struct file *file, unsigned int cmd,', body: `
 \tcase VDUSE_IOTLB_GET_INFO: {
-\t\tret = -EINVAL;
+\t\tret = -EPERM;
 \t\tif (dev->api_version < 1)
 \t\t\tbreak;` }));
  assert.deepEqual(flow(facts), ['vduse_dev_ioctl() now hands back -EPERM where it handed back -EINVAL']);
  assert.deepEqual(facts.filter((f) => f.kind === 'error-return-added'), []);
});

test('an error preset that a new call overwrites before the check that returned it is lost', () => {
  const details = flowIn('drivers/vhost/vdpa.c', 600, 'static long vhost_vdpa_set_config(struct vhost_vdpa *v,', `
 \tret = -EINVAL;
+\tret = vhost_vdpa_config_prepare(v, &config);
+\tif (ret)
+\t\treturn ret;
 \tif (config.len > size)
 \t\tgoto out;`);
  assert.deepEqual(details, ['vhost_vdpa_set_config() sets ret to -EINVAL, then overwrites it before it is checked or returned ("ret = vhost_vdpa_config_prepare(v, &config);")']);
});

test('a guard deleted between an error and a later assignment loses the error', () => {
  const details = flowIn('net/vmw_vsock/af_vsock.c', 1200, 'static int vsock_connectible_sendmsg(struct socket *sock, struct msghdr *msg,', `
 \terr = -EALREADY;
-\tif (sk->sk_state == TCP_SYN_SENT)
-\t\tgoto out;
 \terr = transport->connect(vsk);`);
  assert.equal(details.length, 1);
  assert.match(details[0]!, /vsock_connectible_sendmsg\(\) sets err to -EALREADY, then overwrites it/);
});

test('return 0 under "if (ret)" in a netlink handler reports a failure as success', () => {
  const details = flowIn('drivers/vdpa/vdpa.c', 700, 'static int vdpa_nl_cmd_dev_get_doit(struct sk_buff *skb, struct genl_info *info)', `
 \terr = vdpa_dev_fill(vdev, msg, info->snd_portid, info->snd_seq, 0, info->extack);
 \tif (err)
-\t\tgoto err;
+\t\treturn 0;`);
  assert.deepEqual(details, ['vdpa_nl_cmd_dev_get_doit() returns 0 when "if (err)" says the call failed']);
});

test('near misses: a default refined under a condition, a preset read by a goto, a rename, a helper no handler calls', () => {
  const facts = factsOf(
    fileDiff(
      'drivers/vhost/vhost.c',
      {
        at: 100,
        section: 'long vhost_vring_ioctl(struct vhost_dev *d, unsigned int ioctl, void __user *argp)',
        body: `
 \tr = -ENOENT;
+\tif (vq->private_data)
+\t\tr = 0;
 \tr = -EINVAL;
+\tif (!s.num)
+\t\tgoto out;
 \tr = vhost_vq_alloc(vq);`,
      },
      {
        at: 300,
        section: 'long vhost_dev_ioctl(struct vhost_dev *d, unsigned int ioctl, void __user *argp)',
        body: `
 \tif (err)
-\t\treturn err;
+\t\treturn ret;`,
      },
      {
        at: 500,
        section: 'static void vhost_worker_flush_helper(struct vhost_worker *worker)',
        body: `
-\t\treturn -EBUSY;
+\t\treturn -EAGAIN;`,
      },
    ),
  );
  assert.deepEqual(flow(facts), []);
});

test('a checked call made a bare statement in a handler drops its failure; one checked another way still passes it on', () => {
  const hunk = (added: string) =>
    fileDiff('drivers/vfio/pci/vfio_pci_core.c', {
      at: 400,
      section: 'static int vfio_pci_core_ioctl_reset(struct vfio_pci_core_device *vdev,',
      body: `
-\tret = pci_try_reset_function(vdev->pdev);
-\tif (ret)
-\t\treturn ret;
${added}
 \tvfio_pci_dma_buf_move(vdev, false);`,
    });
  assert.deepEqual(flow(factsOf(hunk('+\tpci_try_reset_function(vdev->pdev);'))), [
    'vfio_pci_core_ioctl_reset() no longer passes on what pci_try_reset_function() returns ("pci_try_reset_function(vdev->pdev);")',
  ]);
  assert.deepEqual(flow(factsOf(hunk('+\tret = pci_try_reset_function(vdev->pdev);\n+\tif (ret)\n+\t\tgoto out_unlock;'))), []);
});

test('a call inserted between a result and its check overwrites the first call\'s failure', () => {
  const details = flowIn('drivers/vhost/vhost.c', 1800, 'long vhost_vring_ioctl(struct vhost_dev *d, unsigned int ioctl, void __user *argp)', `
 \t\tr = vhost_vq_access_ok(vq, a.desc_user_addr);
+\t\tr = vhost_vq_bind_worker(d, vq);
 \t\tif (r)
 \t\t\tbreak;`);
  assert.deepEqual(details, ['vhost_vring_ioctl() sets r to the result of vhost_vq_access_ok(), then overwrites it before it is checked or returned ("r = vhost_vq_bind_worker(d, vq);")']);
});

test('a sendmsg handler that returns the requested length where it returned what it copied changes the count userspace reads', () => {
  const details = flowIn('net/vmw_vsock/af_vsock.c', 1900, 'static int vsock_connectible_sendmsg(struct socket *sock, struct msghdr *msg,', `
 \trelease_sock(sk);
-\treturn total_written;
+\treturn len;
 }`);
  assert.deepEqual(details, ['vsock_connectible_sendmsg() now returns len where it returned total_written']);
  // The same rewrite in a helper that is no data call is a refactor.
  const inHelper = flowIn('net/vmw_vsock/af_vsock.c', 900, 'static int vsock_stream_has_data_helper(struct vsock_sock *vsk)', `
-\treturn total_written;
+\treturn len;`);
  assert.deepEqual(inHelper, []);
});

test('a store that returns the result variable where it returned count is a restructured error path, not a count change', () => {
  const details = flowIn('drivers/s390/crypto/vfio_ap_ops.c', 700, 'static ssize_t assign_domain_store(struct device *dev,', `
 \tmutex_unlock(&matrix_dev->lock);
-\treturn count;
+\treturn ret;
 }`);
  assert.deepEqual(details, []);
});

test('a callback the patch makes void has no result to pass a failure on in', () => {
  const details = flowIn('drivers/s390/cio/vfio_ccw_ops.c', 40, 'static int vfio_ccw_mdev_notifier(struct notifier_block *nb,', `
-static int vfio_ccw_mdev_notifier(struct notifier_block *nb,
-\t\t\t\t  unsigned long action, void *data)
+static void vfio_ccw_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
 {
-\tif (vfio_ccw_mdev_reset(private))
-\t\treturn NOTIFY_BAD;
+\tvfio_ccw_mdev_reset(private);`);
  assert.deepEqual(details, []);
});
