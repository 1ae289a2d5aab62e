// sysfs-abi-undocumented: the patch creates a sysfs attribute or a device node that userspace
// can see, and adds nothing under Documentation/ABI (sysfs files are ABI like ioctls are).
import type { Fact } from '../../model/facts.js';
import type { PatchScope } from '../uapi/scope.js';
import { lineFact } from './types.js';
import { MAX_DETECTOR_LINE } from './call-changes.js';

const ATTR =
  /\b((?:DEVICE|DRIVER|BUS|CLASS|MDEV_TYPE)_ATTR(?:_RW|_RO|_WO|_ADMIN_RW|_ADMIN_RO)?|__ATTR(?:_RW|_RO|_WO)?|sysfs_create_(?:file|group|groups|link)|device_create(?:_with_groups)?|class_create|debugfs_create_\w+)\s*\(\s*(\w+)?/;

export function sysfsAbiFacts(scope: PatchScope): Fact[] {
  const files = scope.files.map((f) => f.file);
  if (files.some((f) => /^Documentation\/ABI\//.test(f.path))) return [];
  const out: Fact[] = [];
  for (const { file, hunks } of scope.files) {
    if (!/\.c$/.test(file.path)) continue;
    for (const h of hunks) {
      for (const l of h.lines) {
        if (l.kind !== '+' || l.code.length > MAX_DETECTOR_LINE) continue;
        const m = ATTR.exec(l.code);
        // debugfs is not ABI.
        if (!m || m[1]!.startsWith('debugfs')) continue;
        // A new class is a /sys/class/<name> directory: name it by its string.
        const isClass = m[1] === 'class_create';
        const name = isClass ? (/"([\w.-]+)"/.exec(l.text ?? '')?.[1] ?? m[1]!) : (m[2] ?? m[1]!);
        const what = isClass ? 'class' : m[1]!.startsWith('device_create') ? 'device node' : 'attribute';
        const target = /([\w.>-]+)\s*=\s*$/.exec(l.code.slice(0, m.index))?.[1];
        out.push(lineFact('sysfs-abi-undocumented', name, file, l, { detail: `${l.function ? l.function + '() ' : ''}adds the sysfs ${what} ${name} (${target ? target + ' = ' : ''}${m[1]}) with no Documentation/ABI entry in the patch` }));
        return out;
      }
    }
  }
  return out;
}
