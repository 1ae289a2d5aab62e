// Which files are VFIO code: the core, the bus and variant drivers, mdev and its samples, the
// s390 AP and CCW mediated drivers, and the VFIO headers. With KVM's side of the kvm pointer
// handed to them: the kvm-vfio device, KVMGT and s390's zPCI interpretation.
import { isCLike } from '../annotate.js';

const VFIO_CODE = /^(?:drivers\/vfio\/|samples\/vfio-mdev\/|drivers\/s390\/crypto\/vfio_ap|drivers\/s390\/cio\/vfio_ccw|include\/linux\/vfio)/;
const KVM_VFIO_CODE = /^(?:virt\/kvm\/vfio\.c|drivers\/gpu\/drm\/i915\/gvt\/kvmgt\.c|arch\/s390\/kvm\/pci\.c)$/;

export const isVfioCode = (path: string) => VFIO_CODE.test(path) && isCLike(path);
export const isVfioOrKvmVfioCode = (path: string) => isVfioCode(path) || KVM_VFIO_CODE.test(path);
