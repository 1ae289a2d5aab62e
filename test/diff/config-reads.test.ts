// A config field read without the feature the real header says it needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf, headersDir } from './uapi/helpers.js';
import { configGates } from '../../src/diff/uapi/config-gates.js';

const HEADER = `struct virtio_blk_config {
	/* The capacity (in 512-byte sectors). */
	__virtio64 capacity;
	/* The maximum segment size (if VIRTIO_BLK_F_SIZE_MAX) */
	__virtio32 size_max;
	/* geometry of the device (if VIRTIO_BLK_F_GEOMETRY) */
	struct virtio_blk_geometry {
		__virtio16 cylinders;
		__u8 heads;
	} geometry;
	/* the next 2 entries are guarded by VIRTIO_BLK_F_DISCARD */
	/*
	 * The maximum discard sectors for one segment.
	 */
	__virtio32 max_discard_sectors;
	__virtio32 max_discard_seg;
	/* number of vqs, only available when VIRTIO_BLK_F_MQ is set */
	__virtio16 num_queues;
	__u8 unused1[3];
} __attribute__((packed));
`;

test('the gates a uAPI header writes in its comments, for plain, nested and "next N" members', () => {
  assert.deepEqual(Object.fromEntries(configGates(HEADER, 'virtio_blk_config')), {
    size_max: 'VIRTIO_BLK_F_SIZE_MAX',
    cylinders: 'VIRTIO_BLK_F_GEOMETRY',
    heads: 'VIRTIO_BLK_F_GEOMETRY',
    geometry: 'VIRTIO_BLK_F_GEOMETRY',
    max_discard_sectors: 'VIRTIO_BLK_F_DISCARD',
    max_discard_seg: 'VIRTIO_BLK_F_DISCARD',
    num_queues: 'VIRTIO_BLK_F_MQ',
  });
});

test('a gated field newly read with no test of its feature is a fact; a tested one, an ungated one and a moved read are not', () => {
  const ctx = { headersDir: headersDir({ 'virtio_blk.h': HEADER }) };
  const kinds = (diff: string) => factsOf(diff, ctx).filter((f) => f.kind === 'config-field-ungated').map((f) => [f.symbol, f.function]);
  const section = 'static int virtblk_probe(struct virtio_device *vdev)';
  assert.deepEqual(
    kinds(fileDiff('drivers/block/virtio_blk.c', { at: 900, section, body: `
 \tvirtio_cread(vdev, struct virtio_blk_config, capacity, &cap);
+\tvirtio_cread(vdev, struct virtio_blk_config, max_discard_seg, &v);
+\tvirtio_cread(vdev, struct virtio_blk_config, capacity, &cap2);` })),
    [['max_discard_seg', 'virtblk_probe']],
  );
  assert.deepEqual(
    kinds(fileDiff('drivers/block/virtio_blk.c', { at: 900, section, body: `
 \tif (virtio_has_feature(vdev, VIRTIO_BLK_F_DISCARD)) {
+\t\tvirtio_cread(vdev, struct virtio_blk_config, max_discard_seg, &v);` })),
    [],
  );
  assert.deepEqual(
    kinds(fileDiff('drivers/block/virtio_blk.c', { at: 900, section, body: `
-\tvirtio_cread(vdev, struct virtio_blk_config, num_queues, &n);
+\tn = virtblk_queues(vdev);` }, { at: 700, section: 'static u16 virtblk_queues(struct virtio_device *vdev)', body: `
+\tvirtio_cread(vdev, struct virtio_blk_config, num_queues, &n);` })),
    [],
  );
});

test('a field the patch itself adds to a virtio config struct with its feature, read without that feature, is a fact', () => {
  // The installed header does not have the field yet: only the patch says what gates it.
  const ctx = { headersDir: headersDir({ 'virtio_blk.h': HEADER }) };
  const header = fileDiff('include/uapi/linux/virtio_blk.h', {
    at: 120,
    section: 'struct virtio_blk_config {',
    body: `
 \t__u8 unused1[3];
+
+\t/* secure erase fields that are defined in the virtio spec */
+\t/* the next 3 entries are guarded by VIRTIO_BLK_F_SECURE_ERASE */
+\t__virtio32 max_secure_erase_sectors;
+\t__virtio32 max_secure_erase_seg;
+\t__virtio32 secure_erase_sector_alignment;
 } __attribute__((packed));`,
  });
  const driver = (gate: string) =>
    fileDiff('drivers/block/virtio_blk.c', {
      at: 1300,
      section: 'static int virtblk_probe(struct virtio_device *vdev)',
      body: `
 \tblk_queue_max_discard_segments(q, 1);
${gate}+\tvirtio_cread(vdev, struct virtio_blk_config, max_secure_erase_seg, &v);
+\tmax_discard_segs = min_not_zero(v, MAX_DISCARD_SEGMENTS);`,
    });
  const facts = factsOf([header, driver('')], ctx).filter((f) => f.kind === 'config-field-ungated');
  assert.deepEqual(facts.map((f) => [f.symbol, f.function]), [['max_secure_erase_seg', 'virtblk_probe']]);
  assert.match(facts[0]!.detail!, /exists only with VIRTIO_BLK_F_SECURE_ERASE \(linux\/virtio_blk\.h as this patch writes it\)/);
  const gated = factsOf([header, driver('+\tif (virtio_has_feature(vdev, VIRTIO_BLK_F_SECURE_ERASE)) {\n')], ctx).filter((f) => f.kind === 'config-field-ungated');
  assert.deepEqual(gated, []);
});

test('a gated field read as a value out of a config copy is a fact; tested, or written by a device filling its config, it is not', () => {
  const ctx = { headersDir: headersDir({ 'virtio_net.h': NET_HEADER }) };
  const kinds = (diff: string) => factsOf(diff, ctx).filter((f) => f.kind === 'config-field-ungated').map((f) => [f.symbol, f.function]);
  const section = 'static int vdpa_dev_net_config_fill(struct vdpa_device *vdev, struct sk_buff *msg)';
  const fill = (gate: string) =>
    fileDiff('drivers/vdpa/vdpa.c', {
      at: 800,
      section,
      body: `
 \tstruct virtio_net_config config = {};
 \tvdev->config->get_config(vdev, 0, &config, sizeof(config));
${gate}+\tval_u16 = __virtio16_to_cpu(true, config.max_virtqueue_pairs);
+\tif (nla_put_u16(msg, VDPA_ATTR_DEV_NET_CFG_MAX_VQP, val_u16))
+\t\treturn -EMSGSIZE;`,
    });
  assert.deepEqual(kinds(fill('')), [['max_virtqueue_pairs', 'vdpa_dev_net_config_fill']]);
  assert.deepEqual(kinds(fill('+\tif (!(features & BIT_ULL(VIRTIO_NET_F_MQ)))\n+\t\treturn 0;\n')), []);
  // A parameter copy read in a helper, from the hunk header's signature.
  assert.deepEqual(
    kinds(fileDiff('drivers/vdpa/vdpa.c', { at: 760, section: 'static int vdpa_dev_net_status_fill(struct sk_buff *msg, const struct virtio_net_config *config)', body: `\n \tu16 val_u16;\n+\tval_u16 = __virtio16_to_cpu(true, config->status);\n+\tmtu = config->mtu;` })),
    [['status', 'vdpa_dev_net_status_fill']],
  );
  // A debugfs dump of the raw copy prints it: no fact.
  assert.deepEqual(
    kinds(fileDiff('drivers/vdpa/pds/debugfs.c', { at: 200, section: 'static int config_show(struct seq_file *seq, void *v)', body: `\n \tstruct virtio_net_config vc;\n+\tseq_printf(seq, "max_virtqueue_pairs:  %d\\n",\n+\t\t   __virtio16_to_cpu(true, vc.max_virtqueue_pairs));` })),
    [],
  );
  // A device (a simulator) filling its own config writes the field: no fact.
  assert.deepEqual(
    kinds(fileDiff('drivers/vdpa/vdpa_sim/vdpa_sim_net.c', { at: 200, section: 'static void vdpasim_net_get_config(struct vdpasim *vdpasim, void *config)', body: `\n \tstruct virtio_net_config *net_config = config;\n+\tnet_config->mtu = cpu_to_vdpasim16(vdpasim, 1500);\n+\tnet_config->max_virtqueue_pairs = cpu_to_vdpasim16(vdpasim, 1);` })),
    [],
  );
});

test('a hunk header with a long blank run after a config struct name is read in linear time', () => {
  const ctx = { headersDir: headersDir({ 'virtio_net.h': NET_HEADER }) };
  // Hunk headers are not cut like long lines: the copy declaration's blanks must not be retried per split.
  const section = `static int f(const struct virtio_net_config${' '.repeat(1 << 17)}!`;
  const t = performance.now();
  const facts = factsOf(fileDiff('drivers/vdpa/vdpa.c', { at: 760, section, body: `\n \tu16 v;\n+\tv = __virtio16_to_cpu(true, config->status);` }), ctx);
  assert.ok(performance.now() - t < 1000, `${performance.now() - t} ms`);
  assert.deepEqual(facts.filter((f) => f.kind === 'config-field-ungated'), []);
});

const NET_HEADER = `struct virtio_net_config {
\t/* The config defining mac address (if VIRTIO_NET_F_MAC) */
\t__u8 mac[ETH_ALEN];
\t/* See VIRTIO_NET_F_STATUS and VIRTIO_NET_S_* above */
\t__virtio16 status;
\t/* Maximum number of each of transmit and receive queues;
\t * see VIRTIO_NET_F_MQ and VIRTIO_NET_CTRL_MQ.
\t * Legal values are between 1 and 0x8000
\t */
\t__virtio16 max_virtqueue_pairs;
\t/* Default maximum transmit unit advice */
\t__virtio16 mtu;
} __attribute__((packed));
`;
