// The resource-roles detector: setup and teardown functions (by name or by the ops member they
// fill) whose resource calls a patch drops, moves, or adds without a pair; hunk shapes follow
// patches of the list archive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileDiff, factsOf } from './uapi/helpers.js';
import type { Fact } from '../../src/model/facts.js';
import { resourceOf, roleOfName } from '../../src/diff/facts/resource-roles.js';

const KINDS = new Set(['teardown-call-changed', 'setup-call-unpaired']);
const found = (facts: Fact[]) => facts.filter((f) => KINDS.has(f.kind)).map((f) => [f.kind, f.symbol, f.function]);

test('a call name says what it does to a resource; accessors, arithmetic and attribute writers are no resource', () => {
  assert.equal(resourceOf('vdpa_unregister_device')?.kind, 'release');
  assert.equal(resourceOf('request_irq')?.kind, 'acquire');
  assert.equal(resourceOf('get_device')?.kind, 'acquire');
  assert.equal(resourceOf('kref_put')?.kind, 'release');
  assert.equal(resourceOf('cancel_work_sync')?.kind, 'quiesce');
  assert.equal(resourceOf('del_timer_sync')?.kind, 'quiesce');
  assert.equal(resourceOf('fdput')?.kind, 'release');
  for (const call of ['dev_get_drvdata', 'get_device_id', 'atomic_add', 'nla_put_u32', 'skb_put', 'request_entropy', 'debugfs_create_file', 'copy_from_user', 'kzalloc', 'kfree', 'if']) {
    assert.equal(resourceOf(call), null, call);
  }
});

test('a function takes its role from the first role verb in its name, and per-buffer helpers have none', () => {
  assert.equal(roleOfName('virtio_vsock_remove'), 'teardown');
  assert.equal(roleOfName('vfio_pci_core_close_device'), 'teardown');
  assert.equal(roleOfName('vhost_vdpa_reset_map'), 'teardown');
  assert.equal(roleOfName('vp_vdpa_probe'), 'setup');
  assert.equal(roleOfName('detach_buf_split'), null);
  assert.equal(roleOfName('vring_unmap_one_split'), null);
  assert.equal(roleOfName('vhost_poll_queue'), null);
});

test('teardown: a flush moved in a remove path, and an unregister dropped, are facts', () => {
  const facts = factsOf(
    fileDiff('net/vmw_vsock/virtio_transport.c', {
      at: 700,
      section: 'static void virtio_vsock_remove(struct virtio_device *vdev)',
      body: `
 \tstruct virtio_vsock *vsock = vdev->priv;
-\tflush_work(&vsock->loopback_work);
 \tvdev->config->reset(vdev);
 \tvirtio_vsock_free_bufs(vsock);
+\tflush_work(&vsock->loopback_work);
-\tvsock_core_unregister(&vsock->transport);
 \tvdev->config->del_vqs(vdev);`,
    }),
  );
  assert.deepEqual(found(facts), [
    ['teardown-call-changed', 'flush_work', 'virtio_vsock_remove'],
    ['teardown-call-changed', 'vsock_core_unregister', 'virtio_vsock_remove'],
  ]);
  assert.match(facts.find((f) => f.kind === 'teardown-call-changed' && f.symbol === 'flush_work')!.detail!, /^virtio_vsock_remove\(\) moves flush_work\(vsock->loopback_work\)/);
});

test('teardown: a helper renamed, a release moved into a helper the patch adds, or a data path, gives no fact', () => {
  const renamed = factsOf(
    fileDiff('drivers/vdpa/mlx5/core/mr.c', {
      at: 500,
      section: 'void mlx5_vdpa_destroy_mr_resources(struct mlx5_vdpa_dev *mvdev)',
      body: `
 {
-\tmlx5_vdpa_destroy_mr_asid(mvdev, 0);
+\tmlx5_vdpa_destroy_mr(mvdev, mvdev->mr);
 \tprune_iotlb(mvdev);`,
    }),
  );
  assert.deepEqual(found(renamed), []);
  const dataPath = factsOf(
    fileDiff('drivers/virtio/virtio_ring.c', {
      at: 600,
      section: 'static void detach_buf_split(struct vring_virtqueue *vq, unsigned int head)',
      body: `
 \twhile (vq->split.vring.desc[i].flags & nextflag) {
-\t\tvring_unmap_one_split(vq, i);
 \t\ti = vq->split.desc_extra[i].next;`,
    }),
  );
  assert.deepEqual(found(dataPath), []);
});

test('setup: an irq requested in probe with no free_irq in the patch is a fact; with the free added it is not', () => {
  const probe = {
    at: 300,
    section: 'static int ifcvf_probe(struct pci_dev *pdev, const struct pci_device_id *id)',
    body: `
 \tadapter->vf = vf;
+\tret = request_irq(vf->config_irq, ifcvf_config_changed, 0, vf->config_msix_name, vf);
+\tif (ret)
+\t\tgoto err;
 \tret = vdpa_register_device(&adapter->vdpa, vf->nr_vring);`,
  };
  const remove = {
    at: 400,
    section: 'static void ifcvf_remove(struct pci_dev *pdev)',
    body: `
 \tvdpa_unregister_device(&adapter->vdpa);
+\tfree_irq(vf->config_irq, vf);
 \tifcvf_free_irq_vectors(pdev);`,
  };
  const path = 'drivers/vdpa/ifcvf/ifcvf_main.c';
  assert.deepEqual(found(factsOf(fileDiff(path, probe))), [['setup-call-unpaired', 'request_irq', 'ifcvf_probe']]);
  assert.deepEqual(found(factsOf(fileDiff(path, probe, remove))), []);
});

test('setup: an object published in an id table and initialised after it is a fact; initialised first it is not', () => {
  const create = (body: string) =>
    factsOf(fileDiff('drivers/vhost/vhost.c', { at: 640, section: 'static struct vhost_worker *vhost_worker_create(struct vhost_dev *dev)', body }));
  const late = create(`
 \tworker->vtsk = vtsk;
+\tret = xa_alloc(&dev->worker_xa, &id, worker, xa_limit_32b, GFP_KERNEL);
+\tif (ret < 0)
+\t\tgoto stop_worker;
+\tworker->id = id;
 \tvhost_task_start(vtsk);`);
  assert.deepEqual(found(late), [['setup-call-unpaired', 'xa_alloc', 'vhost_worker_create']]);
  assert.match(late.find((f) => f.kind === 'setup-call-unpaired')!.detail!, /publishes worker with xa_alloc\(\) and only then sets worker->id/);
  const early = create(`
 \tworker->vtsk = vtsk;
+\tworker->kcov_handle = kcov_common_handle();
+\tret = xa_alloc(&dev->worker_xa, &id, worker, xa_limit_32b, GFP_KERNEL);
+\tif (ret < 0)
+\t\tgoto stop_worker;
+\txa_erase(&dev->worker_xa, id);
 \tvhost_task_start(vtsk);`);
  assert.deepEqual(found(early), []);
});

test('a function the patch adds whole gives no setup or teardown fact', () => {
  const facts = factsOf(
    fileDiff('drivers/vdpa/ifcvf/ifcvf_main.c', {
      at: 300,
      body: `
 
+static int ifcvf_setup_config_irq(struct ifcvf_adapter *adapter)
+{
+\treturn request_irq(adapter->vf->config_irq, ifcvf_config_changed, 0, "cfg", adapter->vf);
+}
+static void ifcvf_remove_extra(struct pci_dev *pdev)
+{
+\tvdpa_unregister_device(pci_get_drvdata(pdev));
+}`,
    }),
  );
  assert.deepEqual(found(facts), []);
});

test('a function with no role verb in its name takes the role of the ops member it fills', () => {
  const finish = {
    at: 700,
    section: 'static void vp_vdpa_finish(struct vdpa_device *vdpa)',
    body: `
 \tstruct vp_vdpa *vp_vdpa = vdpa_to_vp(vdpa);
-\tvp_vdpa_unregister_irqs(vp_vdpa);
 \tvp_modern_remove(&vp_vdpa->mdev);`,
  };
  const table = (line: string) => ({ at: 900, section: 'static const struct vdpa_config_ops vp_vdpa_ops = {', body: `
 \t.get_status = vp_vdpa_get_status,
${line}
 };` });
  const facts = (line: string) => found(factsOf(fileDiff('drivers/vdpa/virtio_pci/vp_vdpa.c', finish, table(line))));
  assert.deepEqual(facts(' \t.release = vp_vdpa_finish,'), [['teardown-call-changed', 'vp_vdpa_unregister_irqs', 'vp_vdpa_finish']]);
  // A member with no role verb gives none, and neither does the function alone.
  assert.deepEqual(facts(' \t.suspend = vp_vdpa_finish,'), []);
  assert.deepEqual(found(factsOf(fileDiff('drivers/vdpa/virtio_pci/vp_vdpa.c', finish))), []);
});
