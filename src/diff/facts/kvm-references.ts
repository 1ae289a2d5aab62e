// The kvm pointer a VFIO device or mediated device is handed (vfio-ap, vfio-ccw, KVMGT, zPCI,
// the vfio core's device->kvm) lives as long as the references taken on it. Reviewers of these
// drivers raise two shapes again and again:
// - kvm-stored-unreferenced: an added line stores a kvm pointer in a longer-lived object in a
//   function that takes no kvm reference in view (kvm_get_kvm*, a get_kvm helper): the VM can be
//   destroyed while the object still points at it;
// - kvm-put-under-lock: an added kvm_put_kvm (or VFIO's put helper) while a lock is seen held:
//   the last reference runs the VM's teardown right there, and that teardown releases the
//   kvm-vfio device and the driver's KVM hooks, which take VFIO's and the driver's locks again.
// Both are read from the lines in view; the finding says they are not verified.
import type { Fact } from '../../model/facts.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded, linesByFunction } from './call-changes.js';
import { detector, gated, testIn } from './literal-gate.js';
import { walkHeldLocks } from './held-locks.js';
import { isVfioOrKvmVfioCode } from './vfio-files.js';

const KVM = gated(/\bkvm\b/g, ['kvm']);
/** A kvm pointer stored in a member: "x->kvm = kvm", "dev->kvm = dev->group->kvm". */
const STORE = /(?:->|\.)kvm\s*=\s*(?!NULL\b|true\b|false\b|0\b)[A-Za-z_]/;
/** A kvm reference taken, or a helper that takes one (kvm_get_kvm_safe, ->get_kvm), named in the function. */
const takesKvm = (code: string) => code.includes('get_kvm');
/** A kvm reference dropped (kvm_put_kvm_no_destroy never tears the VM down, so it is not one). */
const PUT = /\b(kvm_put_kvm|vfio_device_put_kvm|vfio_kvm_put_kvm)\s*\(|->(put_kvm)\s*\(/;

export const kvmReferenceFacts: FileFactProducer = detector({ files: isVfioOrKvmVfioCode, needs: [KVM] }, (file, all) => {
  const hunks = bounded(all);
  const out: Fact[] = [];
  for (const [fn, lines] of linesByFunction(hunks)) {
    if (!fn || takesKvm(fn) || !lines.some((l) => l.kind === '+' && testIn(l.code, KVM))) continue;
    const taken = lines.some((l) => l.kind !== '-' && takesKvm(l.code));
    const store = lines.find((l) => l.kind === '+' && STORE.test(l.code));
    if (store && !taken) {
      const target = /(\w+(?:->\w+)*)(?:->|\.)kvm\s*=/.exec(store.code)?.[1] ?? 'kvm';
      out.push(lineFact('kvm-stored-unreferenced', `${target}->kvm`, file, store, {
        detail: `this patch stores a kvm pointer in ${target}->kvm in ${fn}() and no kvm reference is seen taken there (kvm_get_kvm or a get_kvm helper; not verified against the tree): if the VM is destroyed while ${target} still holds the pointer, its later users reach a freed kvm`,
      }));
    }
  }
  const seen = new Set<string>();
  walkHeldLocks(hunks, (l, held) => {
    if (l.kind !== '+' || held.length === 0 || !l.function) return;
    const put = PUT.exec(l.code);
    if (!put || seen.has(l.function)) return;
    seen.add(l.function);
    const call = put[1] ?? put[2]!;
    const lock = held[held.length - 1]!;
    out.push(lineFact('kvm-put-under-lock', call, file, l, {
      detail: `this patch drops a kvm reference with ${call}() in ${l.function}() while ${lock} is seen held (not verified against the tree): when it is the last reference the VM is torn down right there, and that teardown releases the kvm-vfio device and the driver's KVM hooks, which take VFIO's and the driver's locks again, so holding ${lock} across it can deadlock`,
    }));
  });
  return out;
});
