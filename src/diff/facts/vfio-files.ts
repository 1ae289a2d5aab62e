// Which files are VFIO code: the core, the bus and variant drivers, mdev and its samples, the
// s390 AP and CCW mediated drivers, and the VFIO headers; and KVMGT, the other driver that keeps
// the kvm pointer VFIO hands it. (KVM's own files own the VM and are left out.)
import { isCLike } from '../annotate.js';

const VFIO_CODE = /^(?:drivers\/vfio\/|samples\/vfio-mdev\/|drivers\/s390\/crypto\/vfio_ap|drivers\/s390\/cio\/vfio_ccw|include\/linux\/vfio)/;
const KVM_VFIO_CODE = /^drivers\/gpu\/drm\/i915\/gvt\/kvmgt\.c$/;

export const isVfioCode = (path: string) => VFIO_CODE.test(path) && isCLike(path);
export const isVfioOrKvmVfioCode = (path: string) => isVfioCode(path) || KVM_VFIO_CODE.test(path);
