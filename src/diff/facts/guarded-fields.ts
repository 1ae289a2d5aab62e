// guarded-field-unlocked: in VFIO code (vfio core and PCI, mdev, s390 vfio-ap and vfio-ccw), a
// member of shared device state written by an added line with no lock seen held, while another
// line of the same patch reads or writes that member under a lock. Reviewers of these drivers
// ask the same question again and again: the kvm pointer, the AP matrix, a channel program's
// state or an interrupt trigger is set from a sysfs store, an ioctl, a notifier and an interrupt
// path, and the lock the other paths hold is what keeps them from seeing half of a change.
// The lock is learnt from the patch's own lines, so a field is only questioned where the patch
// itself shows it guarded; what the hunk does not show (a lock taken above it, a caller holding
// it) is why the finding says it is not verified.
import type { Fact } from '../../model/facts.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';
import { detector, testIn } from './literal-gate.js';
import { LOCK_CALLS, walkHeldLocks } from './held-locks.js';
import { isVfioCode } from './vfio-files.js';

/** The function asserts a lock its caller holds, or takes one with a scope guard (held to the end of the scope). */
const CALLER_HOLDS = /\blockdep_assert_held\w*\s*\(|\b(?:scoped_)?guard\s*\(/;
/** Functions that fill in an object no other path can reach yet, or tear down the module. */
const SETUP = /(?:^|_)(?:init|probe|create|alloc|new|setup|register|add)(?:_|$)|_locked$|^__/;
/** A member read or written: "p->f", "p->a.b" (keyed by its last name: f, b). */
const MEMBER = /->\s*(\w+(?:\.\w+)*)(?!\s*\()/g;
/** A write of a member: assignment, compound assignment, ++/--, or its address handed to memcpy/set_bit. */
const WRITE = /\b(\w+(?:->\w+)+(?:\.\w+)*)\s*(?:[-+|&^]?=(?!=)|\+\+|--)|\b(?:memcpy|memset|bitmap_copy|bitmap_zero)\s*\(\s*(?:&\s*)?(\w+(?:->\w+)+)|\b(?:__)?(?:set|clear)_bit\s*\(\s*[\w>-]+\s*,\s*(?:&\s*)?(\w+(?:->\w+)+)/;

/** A member a condition tests first: "if (p->f", "while (!p->q->f". */
const TESTED = /\b(?:if|while)\s*\([!(\s]*(\w+(?:->\w+)+)/;

/** A local object being built: "cap = kzalloc(...)", so its members are nobody else's yet. */
const ALLOCATED = /\b(\w+)\s*=\s*(?:k[mzv]?alloc|kcalloc|kvzalloc|kvmalloc|vzalloc|kmemdup|kzalloc_obj\w*|\w*_alloc\w*)\s*\(/;
/** A call's name: "foo(" (not a keyword). */
const CALL = /\b([a-z_]\w*)\s*\(/g;

const lastName = (chain: string) => chain.slice(Math.max(chain.lastIndexOf('>'), chain.lastIndexOf('.')) + 1);

interface Guard {
  lock: string;
  fn: string;
}

export const guardedFieldFacts: FileFactProducer = detector({ files: isVfioCode, needs: [LOCK_CALLS] }, (file, all) => {
  // A file the patch adds has no other path that already relies on its locks.
  if (file.status === 'added') return [];
  const hunks = bounded(all);
  // Which members the patch's own lines touch under which lock; which functions say, or show,
  // that their caller holds one (they assert it, drop it first, or are called under it here);
  // which functions take a lock themselves; and the objects a function allocates itself.
  const guarded = new Map<string, Guard>();
  const callerHolds = new Set<string>();
  const locking = new Set<string>();
  const allocated = new Set<string>();
  walkHeldLocks(hunks, (l, held) => {
    if (!l.function) return;
    if (CALLER_HOLDS.test(l.code)) callerHolds.add(l.function);
    const a = ALLOCATED.exec(l.code);
    if (a) allocated.add(`${l.function}:${a[1]}`);
    if (testIn(l.code, LOCK_CALLS)) locking.add(l.function);
    if (held.length === 0) return;
    for (const c of l.code.matchAll(CALL)) callerHolds.add(c[1]!);
    for (const m of l.code.matchAll(MEMBER)) {
      const member = lastName(m[1]!);
      if (!guarded.has(member) && !held.some((x) => x.endsWith(member))) guarded.set(member, { lock: held[held.length - 1]!, fn: l.function });
    }
  }, (fn) => callerHolds.add(fn));
  if (guarded.size === 0) return [];
  const out: Fact[] = [];
  const seen = new Set<string>();
  walkHeldLocks(hunks, (l, held) => {
    const fn = l.function;
    if (l.kind !== '+' || held.length > 0 || !fn || SETUP.test(fn) || callerHolds.has(fn)) return;
    const w = WRITE.exec(l.code);
    const t = w ? null : TESTED.exec(l.code);
    const target = w?.[1] ?? w?.[2] ?? w?.[3] ?? t?.[1];
    if (!target) return;
    const verb = w ? 'writes' : 'tests';
    // A test before the function takes a lock itself is check-outside-lock's; an ops table is
    // not state; an object this function allocates is not shared yet.
    if ((!w && locking.has(fn)) || target.includes('->ops->') || allocated.has(`${fn}:${target.slice(0, target.indexOf('-'))}`)) return;
    const member = lastName(target);
    const guard = guarded.get(member);
    if (!guard || seen.has(target)) return;
    seen.add(target);
    const where = guard.fn === fn ? `elsewhere in ${fn}()` : `in ${guard.fn}()`;
    out.push(lineFact('guarded-field-unlocked', target, file, l, {
      detail: `this patch ${verb} ${target} in ${fn}() with no lock seen held, while the patch reads or writes ->${member} under ${guard.lock} ${where} (not verified against the tree: a lock taken above the hunk or by every caller would cover it): a path holding ${guard.lock} can see the change half made, or make its own in between`,
    }));
  });
  return out;
});
