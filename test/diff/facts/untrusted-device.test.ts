// Values the device hands the driver: the used length, and ring or header fields read in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf, headersDir } from '../uapi/helpers.js';
import type { Fact } from '../../../src/model/facts.js';

const unchecked = (facts: Fact[]) => facts.filter((f) => f.kind === 'untrusted-value-unchecked').map((f) => [f.symbol, f.detail]);
const copyLengths = (facts: Fact[]) => facts.filter((f) => f.kind === 'user-copy-length').map((f) => f.symbol);

test('the used length from virtqueue_get_buf sizes an skb with nothing bounding it; compared first, it does not', () => {
  const section = 'static void vsock_rx_done(struct virtqueue *vq)';
  const body = (check: string) => `
 \tstruct sk_buff *skb;
 \tunsigned int len;
+\tskb = virtqueue_get_buf(vsock->vqs[VSOCK_VQ_RX], &len);
+\tif (!skb)
+\t\treturn;
${check}+\tskb_put(skb, len);
 \tvirtio_transport_recv_pkt(skb);`;
  const facts = factsOf(fileDiff('net/vmw_vsock/virtio_transport.c', { at: 600, section, body: body('') }));
  assert.deepEqual(unchecked(facts).map(([s]) => s), ['len']);
  assert.match(String(unchecked(facts)[0]![1]), /vsock_rx_done\(\) uses len \(from the device's used length, virtqueue_get_buf\(\)\) as a size for skb_put\(\)/);
  const bounded = factsOf(fileDiff('net/vmw_vsock/virtio_transport.c', { at: 600, section, body: body('+\tif (len < sizeof(struct virtio_vsock_hdr))\n+\t\tgoto drop;\n') }));
  assert.deepEqual(unchecked(bounded), []);
});

test('a ring field converted in place and used as an index is a fact; one compared in the function, or only composed, is not', () => {
  const section = 'static void *detach_buf_packed(struct vring_virtqueue *vq, unsigned int id)';
  const indexed = factsOf(
    fileDiff('drivers/virtio/virtio_ring.c', {
      at: 1400,
      section,
      body: `
 \tstruct vring_desc_state_packed *state;
+\tstate = &vq->packed.desc_state[le16_to_cpu(vq->packed.vring.desc[last].id)];
 \treturn state->data;`,
    }),
  );
  assert.deepEqual(unchecked(indexed).map(([s]) => s), ['vq->packed.vring.desc[last].id']);
  assert.match(String(unchecked(indexed)[0]![1]), /as the device hands it over \(le16_to_cpu\(\)\) as an array index/);
  const compared = factsOf(
    fileDiff('drivers/virtio/virtio_ring.c', {
      at: 1400,
      section,
      body: `
 \tstruct vring_desc_state_packed *state;
+\tif (unlikely(le16_to_cpu(vq->packed.vring.desc[last].id) >= vq->packed.vring.num))
+\t\treturn NULL;
+\tstate = &vq->packed.desc_state[le16_to_cpu(vq->packed.vring.desc[last].id)];
 \treturn state->data;`,
    }),
  );
  assert.deepEqual(unchecked(compared), []);
  // Two halves of a register put together: a shift into place sizes nothing.
  const composed = factsOf(
    fileDiff('drivers/vdpa/ifcvf/ifcvf_base.c', {
      at: 200,
      section: 'u64 ifcvf_get_hw_features(struct ifcvf_hw *hw)',
      body: `
 \tu32 features_lo, features_hi;
+\tfeatures_hi = vp_ioread32(&cfg->device_feature);
+\tfeatures = ((u64)features_hi << 32) | features_lo;`,
    }),
  );
  assert.deepEqual(unchecked(composed), []);
});

test('a copy out of a length named minsz is no computed length; min() of two sizes is', () => {
  const section = 'static long vhost_vdpa_get_info(struct vhost_vdpa *v, void __user *argp)';
  const named = factsOf(fileDiff('drivers/vhost/vdpa.c', { at: 300, section, body: `\n \tminsz = offsetofend(struct vdpa_info, flags);\n+\tif (copy_to_user(argp, &info, minsz))\n+\t\treturn -EFAULT;` }));
  assert.deepEqual(copyLengths(named), []);
  const computed = factsOf(fileDiff('drivers/vhost/vdpa.c', { at: 300, section, body: `\n+\tif (copy_to_user(argp, &info, min(size, sizeof(info))))\n+\t\treturn -EFAULT;` }));
  assert.deepEqual(copyLengths(computed), ['min(size, sizeof(info))']);
  // A length kept in a field (zdev->fmb_length) is read, not computed: the arrow is no minus.
  const field = factsOf(fileDiff('drivers/vfio/pci/vfio_pci_zdev.c', { at: 300, section: 'static int vfio_pci_zdev_fmb_read(struct zpci_dev *zdev, void __user *arg)', body: `\n+\tif (copy_to_user(arg, zdev->fmb, zdev->fmb_length))\n+\t\treturn -EFAULT;` }));
  assert.deepEqual(copyLengths(field), []);
});

// A uAPI header in the shape of a real one: a config struct userspace writes with an _IOW ioctl,
// and one the kernel fills (_IOR).
const VDUSE_H = `#define VDUSE_BASE 0x81
struct vduse_dev_config {
	__u32 vq_num;
	__u32 config_size;
};
#define VDUSE_CREATE_DEV _IOW(VDUSE_BASE, 0x02, struct vduse_dev_config)
struct vduse_vq_info {
	__u32 index;
	__u32 num;
};
#define VDUSE_VQ_GET_INFO _IOR(VDUSE_BASE, 0x15, struct vduse_vq_info)
`;

test('a field of a struct userspace writes through an ioctl, copied into the device and sizing an allocation, is a fact', () => {
  const ctx = { headersDir: headersDir({ 'vduse.h': VDUSE_H }) };
  const body = (check: string) => `
 	dev->device_id = config->device_id;
+	dev->vq_num = config->vq_num;
${check}+	dev->vqs = kcalloc(dev->vq_num, sizeof(*dev->vqs), GFP_KERNEL);
 	if (!dev->vqs)`;
  const diff = (check: string) => fileDiff('drivers/vdpa/vdpa_user/vduse_dev.c', { at: 1500, section: 'static int vduse_create_dev(struct vduse_dev_config *config, void *config_buf, u64 api_version)', body: body(check) });
  const facts = unchecked(factsOf(diff(''), ctx));
  assert.deepEqual(facts.map(([s]) => s), ['dev->vq_num']);
  assert.match(String(facts[0]![1]), /uses dev->vq_num \(from config->vq_num, the VDUSE_CREATE_DEV argument, struct vduse_dev_config, which userspace fills\) as a size for kcalloc\(\)/);
  // Bounded where it is copied: no fact.
  assert.deepEqual(unchecked(factsOf(diff('+\tif (config->vq_num > 0xffff)\n+\t\treturn -EINVAL;\n'), ctx)), []);
  // Without the header, nothing says userspace writes the struct: no fact.
  assert.deepEqual(unchecked(factsOf(diff(''))), []);
});

test('a struct the kernel fills for userspace (an _IOR argument) is no user input', () => {
  const ctx = { headersDir: headersDir({ 'vduse.h': VDUSE_H }) };
  const facts = factsOf(
    fileDiff('drivers/vdpa/vdpa_user/vduse_dev.c', {
      at: 900,
      section: 'static void vduse_fill_vq_info(struct vduse_dev *dev, struct vduse_vq_info *vq_info)',
      body: `
 	struct vduse_virtqueue *vq;
+	vq = dev->vqs[vq_info->index];
 	vq_info->num = vq->num;`,
    }),
    ctx,
  );
  assert.deepEqual(unchecked(facts), []);
});

test('a device value stored through a pointer makes the pointer no device value', () => {
  const facts = factsOf(
    fileDiff('drivers/vfio/pci/vfio_pci_config.c', {
      at: 1200,
      section: 'static int vfio_pci_get_ecap_content(struct pci_dev *pdev, u8 *buf)',
      body: `
 	__le32 *dwordp = (__le32 *)buf;
+	*dwordp = le32_to_cpu(val);
+	dwordp + 1;`,
    }),
  );
  assert.deepEqual(unchecked(facts), []);
});

test('a config value read into a variable divides, or sizes an skb or a devm allocation, with nothing bounding it', () => {
  const section = 'static int virtio_foo_probe(struct virtio_device *vdev)';
  const uses = (line: string, check = '') =>
    unchecked(factsOf(fileDiff('drivers/virtio/virtio_foo.c', { at: 300, section, body: `\n \tu32 n, size;\n+\tvirtio_cread_le(vdev, struct virtio_foo_config, num_queues, &n);\n${check}+\t${line}\n \treturn 0;` }))).map(([, d]) => String(d).replace(/^.*\) (as [^)]*\(?\)?).*$/, '$1'));
  assert.deepEqual(uses('per_queue = total / n;'), ['as a divisor with no bound or overflow check in the patch']);
  assert.deepEqual(uses('skb = netdev_alloc_skb(dev, n);'), ['as a size for netdev_alloc_skb()']);
  assert.deepEqual(uses('names = devm_kzalloc(&vdev->dev, n, GFP_KERNEL);'), ['as a size for devm_kzalloc()']);
  // A zero check is the bound a divisor needs; a device pointer beside the size names no value.
  assert.deepEqual(uses('per_queue = total / n;', '+\tif (!n)\n+\t\treturn -EINVAL;\n'), []);
  assert.deepEqual(uses('names = devm_kzalloc(&vdev->dev, sizeof(*names), GFP_KERNEL);'), []);
});

test('a field read from a buffer the device filled before the check that the buffer is long enough is a fact; after it, it is not', () => {
  const section = 'static int viommu_add_resv_mem(struct viommu_endpoint *vdev, struct virtio_iommu_probe_resv_mem *mem, size_t len)';
  const body = (order: 'late' | 'early') => {
    const read = '+\tu64 start = le64_to_cpu(mem->start);\n';
    const check = '+\tif (len < sizeof(*mem))\n+\t\treturn -EINVAL;\n';
    return `\n \tstruct iommu_resv_region *region;\n${order === 'late' ? read + check : check + read} \treturn 0;`;
  };
  const late = unchecked(factsOf(fileDiff('drivers/iommu/virtio-iommu.c', { at: 500, section, body: body('late') })));
  assert.deepEqual(late.map(([s]) => s), ['mem->start']);
  assert.match(String(late[0]![1]), /reads mem->start before it checks len against sizeof\(\*mem\)/);
  assert.deepEqual(unchecked(factsOf(fileDiff('drivers/iommu/virtio-iommu.c', { at: 500, section, body: body('early') }))), []);
  // The struct's own size field (VFIO's argsz) measures a whole kernel copy: no fact.
  const argsz = factsOf(
    fileDiff('drivers/vfio/vfio_main.c', {
      at: 900,
      section: 'static int vfio_device_add_caps(struct vfio_device_info *info, struct vfio_info_cap *caps)',
      body: `
+	info->flags |= VFIO_DEVICE_FLAGS_CAPS;
+	if (info->argsz < sizeof(*info) + caps->size)
+		return -ENOSPC;`,
    }),
  );
  assert.deepEqual(unchecked(argsz), []);
});

test('a length from the backend bounded only inside a sum is a fact (the sum wraps); compared on its own, it is not', () => {
  const section = 'static struct sk_buff *receive_small_xdp(struct virtnet_info *vi, struct receive_queue *rq, void *buf, unsigned int len)';
  const body = (check: string) => `
 \tunsigned int buflen;
+\tbuf = virtqueue_get_buf(rq->vq, &buflen);
+\tif (${check})
+\t\tgoto err;
+\tmemcpy(page_address(page) + page_off, buf, buflen);`;
  const facts = unchecked(factsOf(fileDiff('drivers/net/virtio_net.c', { at: 1000, section, body: body('page_off + buflen > PAGE_SIZE') })));
  assert.deepEqual(facts.map(([s]) => s), ['buflen']);
  assert.match(String(facts[0]![1]), /as a size for memcpy\(\), bounded only by a sum that can wrap before it is compared, and with no overflow check in the patch/);
  assert.deepEqual(unchecked(factsOf(fileDiff('drivers/net/virtio_net.c', { at: 1000, section, body: body('buflen > PAGE_SIZE - page_off') }))), []);
});
