// wait-while-holding: a wait for a context, or a call into a function, made under a lock that
// context or function takes itself; and a sleeping wait under a spinlock. Hunks written for these
// tests in the shape of reviewed archive patches (a vdpa ioctl calling a vhost helper under the
// device mutex, a remove path flushing its work under the lock the work takes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileDiff, factsOf, patchOf, tempFiles, NO_HEADERS } from '../uapi/helpers.js';
import { analyzeDiff } from '../../../src/diff/facts.js';
import { treeAt } from '../../../src/diff/tree/detect.js';
import type { Fact } from '../../../src/model/facts.js';

const of = (facts: Fact[]) => facts.filter((f) => f.kind === 'wait-while-holding').map((f) => [f.symbol, f.function]);

const VHOST_HELPER = fileDiff('drivers/vhost/vhost.c', {
  at: 2790,
  section: 'void vhost_set_backend_features(struct vhost_dev *dev, u64 features)',
  body: `
 void vhost_set_backend_features(struct vhost_dev *dev, u64 features)
 {
 \tstruct vhost_virtqueue *vq;
 \tint i;
 
 \tmutex_lock(&dev->mutex);
 \tfor (i = 0; i < dev->nvqs; ++i) {
 \t\tvq = dev->vqs[i];
 \t\tmutex_lock(&vq->mutex);
-\t\tvq->acked_backend_features = features;
+\t\tWRITE_ONCE(vq->acked_backend_features, features);
 \t\tmutex_unlock(&vq->mutex);
 \t}
 \tmutex_unlock(&dev->mutex);
 }`,
});

const IOCTL = 'static long vhost_vdpa_unlocked_ioctl(struct file *filep,';
const ioctl = (body: string) => fileDiff('drivers/vhost/vdpa.c', { at: 430, section: IOCTL, body });

test('a call added under the device mutex to a helper that takes the same mutex (through another pointer name) is a self-deadlock', () => {
  const facts = factsOf([
    ioctl(`
 \tstruct vhost_vdpa *v = filep->private_data;
 \tstruct vhost_dev *d = &v->vdev;
 \tu64 features;
 \tlong r = 0;
 
 \tmutex_lock(&d->mutex);
 \tswitch (cmd) {
+\tcase VHOST_SET_BACKEND_FEATURES:
+\t\tif (copy_from_user(&features, featurep, sizeof(features)))
+\t\t\treturn -EFAULT;
+\t\tvhost_set_backend_features(&v->vdev, features);
+\t\tbreak;
 \tcase VHOST_VDPA_GET_DEVICE_ID:
 \t\tr = vhost_vdpa_get_device_id(v, argp);
 \t\tbreak;`),
    VHOST_HELPER,
  ]);
  assert.deepEqual(of(facts), [['vhost_set_backend_features', 'vhost_vdpa_unlocked_ioctl']]);
  const f = facts.find((x) => x.kind === 'wait-while-holding')!;
  assert.match(f.detail!, /^vhost_vdpa_unlocked_ioctl\(\) now calls vhost_set_backend_features\(\) while holding d->mutex, and vhost_set_backend_features\(\) takes d->mutex itself/);
  assert.match(f.detail!, /not verified/);
});

test('the same call made after the mutex is dropped, or a helper that takes only the vq mutex, is no fact', () => {
  const after = factsOf([
    ioctl(`
 \tstruct vhost_dev *d = &v->vdev;
 
 \tmutex_lock(&d->mutex);
 \tr = vhost_vdpa_get_device_id(v, argp);
 \tmutex_unlock(&d->mutex);
+\tif (cmd == VHOST_SET_BACKEND_FEATURES)
+\t\tvhost_set_backend_features(&v->vdev, features);
 \treturn r;`),
    VHOST_HELPER,
  ]);
  assert.deepEqual(of(after), []);
  const vqOnly = factsOf([
    ioctl(`
 \tstruct vhost_dev *d = &v->vdev;
 
 \tmutex_lock(&d->mutex);
+\tvhost_vdpa_set_acked(v, features);
 \tmutex_unlock(&d->mutex);`),
    fileDiff('drivers/vhost/vdpa.c', {
      at: 300,
      section: 'static void vhost_vdpa_set_acked(struct vhost_vdpa *v, u64 features)',
      body: `
 static void vhost_vdpa_set_acked(struct vhost_vdpa *v, u64 features)
 {
 \tstruct vhost_virtqueue *vq = v->vdev.vqs[0];
 
 \tmutex_lock(&vq->mutex);
+\tvq->acked_backend_features = features;
 \tmutex_unlock(&vq->mutex);
 }`,
    }),
  ]);
  assert.deepEqual(of(vqOnly), []);
});

const REMOVE = 'static void mydev_remove(struct virtio_device *vdev)';
const workHunks = (remove: string) =>
  fileDiff(
    'drivers/virtio/virtio_mydev.c',
    {
      at: 120,
      section: 'static void mydev_event_work(struct work_struct *work)',
      body: `
 static void mydev_event_work(struct work_struct *work)
 {
 \tstruct mydev *md = container_of(work, struct mydev, event_work);
 
 \tmutex_lock(&md->lock);
 \tmydev_handle_events(md);
 \tmutex_unlock(&md->lock);
 }`,
    },
    {
      at: 200,
      section: 'static int mydev_probe(struct virtio_device *vdev)',
      body: `
 \tmutex_init(&md->lock);
 \tINIT_WORK(&md->event_work, mydev_event_work);
 \tvdev->priv = md;`,
    },
    { at: 260, section: REMOVE, body: remove },
  );

test('a flush added under the lock the flushed work function takes is a deadlock, named by the work item', () => {
  const facts = factsOf(
    workHunks(`
 \tstruct mydev *md = vdev->priv;
 
 \tmutex_lock(&md->lock);
 \tmd->removing = true;
+\tflush_work(&md->event_work);
 \tmutex_unlock(&md->lock);
 \tvirtio_reset_device(vdev);`),
  );
  assert.deepEqual(of(facts), [['md->event_work', 'mydev_remove']]);
  const f = facts.find((x) => x.kind === 'wait-while-holding')!;
  assert.match(f.detail!, /^mydev_remove\(\) now waits in flush_work\(md->event_work\) while holding md->lock, and mydev_event_work\(\), which that call waits for, takes md->lock itself/);
});

test('the flush after the unlock (the usual fix) is no fact', () => {
  const facts = factsOf(
    workHunks(`
 \tstruct mydev *md = vdev->priv;
 
 \tmutex_lock(&md->lock);
 \tmd->removing = true;
 \tmutex_unlock(&md->lock);
+\tflush_work(&md->event_work);
 \tvirtio_reset_device(vdev);`),
  );
  assert.deepEqual(of(facts), []);
});

test('a synchronize_irq() added inside a spinlock sleeps in atomic context', () => {
  const facts = factsOf(
    fileDiff('drivers/vdpa/mydev/main.c', {
      at: 80,
      section: 'static void mydev_free_irq(struct mydev_hw *hw, int qid)',
      body: `
 \tunsigned long flags;
 
 \tspin_lock_irqsave(&hw->irq_lock, flags);
+\tsynchronize_irq(hw->vring[qid].irq);
 \thw->vring[qid].cb.callback = NULL;
 \tspin_unlock_irqrestore(&hw->irq_lock, flags);`,
    }),
  );
  assert.deepEqual(of(facts), [['synchronize_irq', 'mydev_free_irq']]);
  assert.match(facts.find((x) => x.kind === 'wait-while-holding')!.detail!, /inside hw->irq_lock \(atomic context\)/);
});

test('a helper that drops the caller\'s lock before it takes it again expects the lock held: no fact', () => {
  const facts = factsOf(
    fileDiff(
      'drivers/virtio/virtio_mem.c',
      {
        at: 770,
        section: 'static int virtio_mem_sbm_try_remove_unplugged_mb(struct virtio_mem *vm,',
        body: `
+static int virtio_mem_try_remove(struct virtio_mem *vm, unsigned long mb_id)
+{
+\tint rc;
+
+\tmutex_unlock(&vm->hotplug_mutex);
+\trc = virtio_mem_remove_mb(vm, mb_id);
+\tmutex_lock(&vm->hotplug_mutex);
+\treturn rc;
+}`,
      },
      {
        at: 2300,
        section: 'static int virtio_mem_unplug_pending_mb(struct virtio_mem *vm)',
        body: `
+\tmutex_lock(&vm->hotplug_mutex);
+\trc = virtio_mem_try_remove(vm, id);
+\tmutex_unlock(&vm->hotplug_mutex);`,
      },
    ),
  );
  assert.deepEqual(of(facts), []);
});

test('a vhost flush added under a virtqueue mutex waits for handlers that take that mutex', () => {
  const body = (flush: string) => `
 \tstruct vhost_virtqueue *vq = &n->vqs[index].vq;
 
 \tmutex_lock(&vq->mutex);
 \tsock = vhost_vq_get_backend(vq);
${flush}
 \tmutex_unlock(&vq->mutex);`;
  const at = (b: string) => factsOf(fileDiff('drivers/vhost/net.c', { at: 1500, section: 'static long vhost_net_set_backend(struct vhost_net *n, unsigned index, int fd)', body: b }));
  const facts = at(body('+\tvhost_vq_flush(vq);'));
  assert.deepEqual(of(facts), [['vq', 'vhost_net_set_backend']]);
  assert.match(facts.find((x) => x.kind === 'wait-while-holding')!.detail!, /while holding vq->mutex, and the vhost work handlers/);
  // Under the device mutex (how vhost ioctls flush) it is the normal order: no fact.
  const dev = factsOf(fileDiff('drivers/vhost/net.c', { at: 1700, section: 'static long vhost_net_ioctl(struct file *f, unsigned int ioctl,', body: `
 \tmutex_lock(&n->dev.mutex);
 \tr = vhost_dev_ioctl(&n->dev, ioctl, argp);
+\tvhost_dev_flush(&n->dev);
 \tmutex_unlock(&n->dev.mutex);` }));
  assert.deepEqual(of(dev), []);
});

test('a helper whose start the hunk does not show may drop the lock above: its take is not counted', () => {
  const facts = factsOf(
    fileDiff(
      'drivers/s390/cio/vfio_ccw_fsm.c',
      { at: 60, section: 'int vfio_ccw_sch_quiesce(struct subchannel *sch)', body: `
 \t\tflush_workqueue(vfio_ccw_work_q);
 \t\tspin_lock_irq(&sch->lock);
-\t\tret = cio_disable_subchannel(sch);
+\t\tret = cio_disable_subchannel(sch) ?: 0;
 \t} while (ret == -EBUSY);` },
      { at: 400, section: 'static void fsm_close(struct vfio_ccw_private *private,', body: `
 \tspin_lock_irq(&sch->lock);
+\tret = vfio_ccw_sch_quiesce(sch);
 \tspin_unlock_irq(&sch->lock);` },
    ),
  );
  assert.deepEqual(of(facts), []);
});

// Inside a tree the whole file is read: the work function and its INIT_WORK far above the hunk.
const DRIVER = `// SPDX-License-Identifier: GPL-2.0
static void demo_event_work(struct work_struct *work)
{
	struct demo *d = container_of(work, struct demo, event_work);

	mutex_lock(&d->lock);
	demo_handle_events(d);
	mutex_unlock(&d->lock);
}

static int demo_probe(struct virtio_device *vdev)
{
	struct demo *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return -ENOMEM;
	mutex_init(&d->lock);
	INIT_WORK(&d->event_work, demo_event_work);
	vdev->priv = d;
	return 0;
}

static void demo_a(void)
{
}

static void demo_b(void)
{
}

static void demo_remove(struct virtio_device *vdev)
{
	struct demo *d = vdev->priv;

	mutex_lock(&d->lock);
	d->removing = true;
	mutex_unlock(&d->lock);
	flush_work(&d->event_work);
	virtio_reset_device(vdev);
	kfree(d);
}
`;

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8' });

/** A committed kernel tree holding `files`, and the diff that replaces `path` by `edited` there. */
function treeDiff(files: Record<string, string>, path: string, edited: string): { root: string; diff: string } {
  const root = tempFiles({ MAINTAINERS: 'DEMO\n', 'include/uapi/linux/demo.h': '#define DEMO 1\n', ...files });
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  writeFileSync(join(root, path), edited);
  const diff = git(root, 'diff');
  git(root, 'checkout', '-q', '.');
  return { root, diff };
}

test('inside a tree: a flush moved under the lock is a deadlock when the work function far above the hunk takes that lock; from the hunk alone it is not known', () => {
  const { root, diff } = treeDiff(
    { 'drivers/virtio/demo.c': DRIVER },
    'drivers/virtio/demo.c',
    DRIVER.replace('\tmutex_unlock(&d->lock);\n\tflush_work(&d->event_work);\n', '\tflush_work(&d->event_work);\n\tmutex_unlock(&d->lock);\n'),
  );
  assert.deepEqual(of(analyzeDiff(patchOf(diff), { headersDir: NO_HEADERS }).facts), []);
  const facts = analyzeDiff(patchOf(diff), { headersDir: NO_HEADERS, tree: treeAt(root)! }).facts;
  assert.deepEqual(of(facts), [['d->event_work', 'demo_remove']]);
  assert.match(facts.find((x) => x.kind === 'wait-while-holding')!.detail!, /demo_event_work\(\), which that call waits for, takes d->lock itself/);
});

test('a flush the old code already made under the lock is not the patch\'s: an unrelated line added beside it is no fact', () => {
  const facts = factsOf(
    workHunks(`
 \tstruct mydev *md = vdev->priv;
 
 \tmutex_lock(&md->lock);
+\tmd->removing = true;
 \tflush_work(&md->event_work);
 \tmutex_unlock(&md->lock);
 \tvirtio_reset_device(vdev);`),
  );
  assert.deepEqual(of(facts), []);
});

test('a function whose caller holds the lock: a flush it adds waits for a work function that takes that lock', () => {
  const hunks = (setBackend: string) =>
    fileDiff(
      'drivers/vhost/demo.c',
      {
        at: 100,
        section: 'static void demo_event_work(struct work_struct *work)',
        body: `
 static void demo_event_work(struct work_struct *work)
 {
 \tstruct demo *d = container_of(work, struct demo, event_work);
 
 \tmutex_lock(&d->mutex);
 \tdemo_handle_events(d);
 \tmutex_unlock(&d->mutex);
 }`,
      },
      { at: 200, section: 'static int demo_open(struct inode *inode, struct file *f)', body: `
 \tmutex_init(&d->mutex);
 \tINIT_WORK(&d->event_work, demo_event_work);` },
      { at: 300, section: 'static long demo_set_backend(struct demo *d, int fd)', body: setBackend },
      { at: 400, section: 'static long demo_ioctl(struct file *f, unsigned int ioctl,', body: `
 \tmutex_lock(&d->mutex);
 \tswitch (ioctl) {
 \tcase DEMO_SET_BACKEND:
 \t\tr = demo_set_backend(d, fd);
 \t\tbreak;` },
    );
  const facts = factsOf(
    hunks(`
 static long demo_set_backend(struct demo *d, int fd)
 {
 \tstruct socket *sock = demo_get_socket(fd);
 
+\tflush_work(&d->event_work);
 \td->sock = sock;`),
  );
  assert.deepEqual(of(facts), [['d->event_work', 'demo_set_backend']]);
  assert.match(facts.find((x) => x.kind === 'wait-while-holding')!.detail!, /while holding d->mutex \(taken by its caller demo_ioctl\(\)\), and demo_event_work\(\)/);
  // The same flush where the hunk does not show the function's start: what ran above may have dropped the lock.
  const cut = factsOf(
    hunks(`
 \tstruct socket *sock = demo_get_socket(fd);
 
+\tflush_work(&d->event_work);
 \td->sock = sock;`),
  );
  assert.deepEqual(of(cut), []);
});

// The shape of the vhost-vdpa backend-feature ioctls (fixed by moving the call out from under
// the device mutex): the dispatcher takes the mutex, the vring sub-handler gains a call into a
// vhost core helper of another file of the directory, and that helper takes the mutex again.
const VHOST_C = `// SPDX-License-Identifier: GPL-2.0
void vhost_set_backend_features(struct vhost_dev *dev, u64 features)
{
	int i;

	mutex_lock(&dev->mutex);
	for (i = 0; i < dev->nvqs; ++i)
		dev->vqs[i]->acked_backend_features = features;
	mutex_unlock(&dev->mutex);
}
`;
const VDPA_C = `// SPDX-License-Identifier: GPL-2.0
static long vhost_vdpa_vring_ioctl(struct vhost_vdpa *v, unsigned int cmd,
				   void __user *argp)
{
	u64 features;
	long r = 0;

	switch (cmd) {
	case VHOST_SET_VRING_NUM:
		r = vhost_vdpa_set_num(v, argp);
		break;
	}
	return r;
}

static long vhost_vdpa_unlocked_ioctl(struct file *filep,
				      unsigned int cmd, unsigned long arg)
{
	struct vhost_vdpa *v = filep->private_data;
	struct vhost_dev *d = &v->vdev;
	void __user *argp = (void __user *)arg;
	long r;

	mutex_lock(&d->mutex);
	r = vhost_vdpa_vring_ioctl(v, cmd, argp);
	mutex_unlock(&d->mutex);
	return r;
}
`;

test('inside a tree: a helper of another file of the directory that takes the mutex the dispatcher holds is read from the tree', () => {
  const { root, diff } = treeDiff(
    { 'drivers/vhost/vhost.c': VHOST_C, 'drivers/vhost/vdpa.c': VDPA_C },
    'drivers/vhost/vdpa.c',
    VDPA_C.replace('\t\tbreak;\n\t}\n\treturn r;', '\t\tbreak;\n\tcase VHOST_SET_BACKEND_FEATURES:\n\t\tif (copy_from_user(&features, argp, sizeof(features)))\n\t\t\treturn -EFAULT;\n\t\tvhost_set_backend_features(&v->vdev, features);\n\t\tbreak;\n\t}\n\treturn r;'),
  );
  assert.deepEqual(of(analyzeDiff(patchOf(diff), { headersDir: NO_HEADERS }).facts), []);
  const facts = analyzeDiff(patchOf(diff), { headersDir: NO_HEADERS, tree: treeAt(root)! }).facts;
  assert.deepEqual(of(facts), [['vhost_set_backend_features', 'vhost_vdpa_vring_ioctl']]);
  assert.match(facts.find((x) => x.kind === 'wait-while-holding')!.detail!, /^vhost_vdpa_vring_ioctl\(\) now calls vhost_set_backend_features\(\) while holding d->mutex \(taken by its caller vhost_vdpa_unlocked_ioctl\(\)\), and vhost_set_backend_features\(\) takes d->mutex itself/);
});

// The shape of the AF_VSOCK transport release deadlock: connect holds the socket lock and
// reassigns the transport, whose release op (installed in another file of the directory)
// takes the socket lock again.
const AF_VSOCK = `// SPDX-License-Identifier: GPL-2.0-only
int vsock_assign_transport(struct vsock_sock *vsk, struct vsock_sock *psk)
{
	const struct vsock_transport *new_transport = vsock_pick(vsk);

	if (vsk->transport) {
		if (vsk->transport == new_transport)
			return 0;
	}
	vsk->transport = new_transport;
	return 0;
}

static int vsock_connect(struct socket *sock, struct sockaddr *addr,
			 int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	struct vsock_sock *vsk = vsock_sk(sk);
	int err;

	lock_sock(sk);
	err = vsock_assign_transport(vsk, NULL);
	release_sock(sk);
	return err;
}
`;
const TRANSPORT = `// SPDX-License-Identifier: GPL-2.0-only
void demo_transport_release(struct vsock_sock *vsk)
{
	struct sock *sk = &vsk->sk;

	lock_sock_nested(sk, SINGLE_DEPTH_NESTING);
	demo_close(vsk);
	release_sock(sk);
}
`;
const TABLE = `// SPDX-License-Identifier: GPL-2.0-only
static struct virtio_transport demo_transport = {
	.transport = {
		.release = demo_transport_release,
	},
};
`;

test('inside a tree: an ops call added under the socket lock whose installed function takes the socket lock again', () => {
  const { root, diff } = treeDiff(
    { 'net/vmw_vsock/af_vsock.c': AF_VSOCK, 'net/vmw_vsock/demo_transport_common.c': TRANSPORT, 'net/vmw_vsock/demo_transport.c': TABLE },
    'net/vmw_vsock/af_vsock.c',
    AF_VSOCK.replace('\t\t\treturn 0;\n\t}\n', '\t\t\treturn 0;\n\t\tvsk->transport->release(vsk);\n\t}\n'),
  );
  assert.deepEqual(of(analyzeDiff(patchOf(diff), { headersDir: NO_HEADERS }).facts), []);
  const facts = analyzeDiff(patchOf(diff), { headersDir: NO_HEADERS, tree: treeAt(root)! }).facts;
  assert.deepEqual(of(facts), [['release', 'vsock_assign_transport']]);
  assert.match(facts.find((x) => x.kind === 'wait-while-holding')!.detail!, /^vsock_assign_transport\(\) now calls ->release\(\), which runs demo_transport_release\(\), while holding the socket lock \(taken by its caller vsock_connect\(\)\)/);
});

test('a timer deleted synchronously under a spinlock its callback does not take is no fact (it spins, it does not sleep)', () => {
  const facts = factsOf(
    fileDiff('drivers/vdpa/mydev/main.c', {
      at: 80,
      section: 'static void mydev_stop(struct mydev_hw *hw)',
      body: `
 \tspin_lock_irqsave(&hw->irq_lock, flags);
+\tdel_timer_sync(&hw->watchdog);
 \thw->running = false;
 \tspin_unlock_irqrestore(&hw->irq_lock, flags);`,
    }),
  );
  assert.deepEqual(of(facts), []);
});
