// sysfs-attribute-removed: a sysfs file userspace may read goes away. The patch deletes the
// creation of an attribute (sysfs_create_group/file, a *_ATTR definition) or the op that backs
// a core-created attribute (an mdev type's available_instances and description), and adds the
// same thing back nowhere in the patch.
import type { Fact } from '../../model/facts.js';
import type { PatchScope } from '../uapi/scope.js';
import { lineFact } from './types.js';
import { MAX_DETECTOR_LINE } from './call-changes.js';

const CREATE =
  /\b((?:DEVICE|DRIVER|BUS|CLASS|MDEV_TYPE)_ATTR(?:_RW|_RO|_WO|_ADMIN_RW|_ADMIN_RO)?|__ATTR(?:_RW|_RO|_WO)?|sysfs_create_(?:file|group|groups|link))\s*\(\s*([^,)]+)(?:,\s*([^,)]+))?/;
/** The attribute a creation line names: the first argument of *_ATTR, the second of sysfs_create_*. */
const nameOf = (m: RegExpExecArray) => (m[1]!.startsWith('sysfs_create') && m[3] ? m[3] : m[2]!).replace(/[&\s]/g, '');
/** Ops whose value a core-created sysfs attribute reports. */
const BACKING_OP = /^\s*\.(get_available|show_description)\s*=\s*(\w+)/;
const BACKS: Record<string, string> = { get_available: 'available_instances', show_description: 'description' };

export function sysfsRemovedFacts(scope: PatchScope): Fact[] {
  // Cheap prefilter: only patches that delete a line naming an attribute or a backing op.
  const removedText = (t: string) => t.includes('ATTR') || t.includes('sysfs_create') || t.includes('get_available') || t.includes('show_description');
  const added = new Set<string>();
  for (const { file, hunks } of scope.files) {
    if (!/\.c$/.test(file.path)) continue;
    for (const h of hunks) for (const l of h.lines) {
      if (l.kind !== '+' || l.code.length > MAX_DETECTOR_LINE || !removedText(l.code)) continue;
      const m = CREATE.exec(l.code);
      if (m) added.add(`${m[1]}:${nameOf(m)}`);
      const op = BACKING_OP.exec(l.code);
      if (op) added.add(`.${op[1]}`);
    }
  }
  const out: Fact[] = [];
  for (const { file, hunks } of scope.files) {
    if (!/\.c$/.test(file.path)) continue;
    for (const h of hunks) for (const l of h.lines) {
      if (l.kind !== '-' || l.code.length > MAX_DETECTOR_LINE || !removedText(l.code)) continue;
      const m = CREATE.exec(l.code);
      if (m) {
        const name = nameOf(m);
        if (added.has(`${m[1]}:${name}`)) continue;
        out.push(lineFact('sysfs-attribute-removed', name, file, l, { detail: `${l.function ? l.function + '() ' : ''}no longer creates the sysfs ${m[1]!.startsWith('sysfs_create_group') ? 'attribute group' : 'attribute'} ${name} (${m[1]}), and the patch creates it nowhere else: userspace that reads it finds the file gone` }));
        return out;
      }
      const op = BACKING_OP.exec(l.code);
      if (op && !added.has(`.${op[1]}`)) {
        out.push(lineFact('sysfs-attribute-removed', op[1]!, file, l, { detail: `the patch drops .${op[1]} = ${op[2]}, which backs the sysfs attribute ${BACKS[op[1]!]}: what userspace reads there changes or the attribute goes` }));
        return out;
      }
    }
  }
  return out;
}
