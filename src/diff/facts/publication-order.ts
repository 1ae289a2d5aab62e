// Publication order. An object becomes reachable by other threads, by userspace or by the
// device the moment it is published: registered on a bus, installed in the fd table, inserted
// in an id table or RCU list, assigned to an RCU pointer, or handed to an interrupt handler. From then on a probe, an ioctl, an
// interrupt or a close on another CPU can use it, so reviewers ask that publishing be the last
// step of setup and unpublishing the first step of teardown:
// - published-before-init: on the new side of a function the patch changes, a publish call is
//   followed by a write that initialises the published object (a field, a lock or work item
//   init), or by a failure exit that does not unpublish it (after fd_install() none can);
// - used-after-release: a free, or a put/unregister that drops the last reference, followed in
//   the same function by a use of the object (a dereference, its removal from a list or table).
// Only orders the patch creates count: the old side did not have the same two lines in the same
// order. Brand-new functions are included on purpose (these kinds are not in new-code.ts's
// CHANGE_KINDS): the order is set once, when a driver, probe or ioctl is introduced, and that is
// when reviewers check it; on the archive the two kinds fire on 0.2% of patches. Which call
// publishes or frees is read from the call's name, not verified.
import type { Fact } from '../../model/facts.js';
import { isCLike, type AnnotatedLine } from '../annotate.js';
import { lineFact } from './types.js';
import { bounded, firstArgument, nthArgument, sideLines } from './call-changes.js';
import { detector, gated, execIn, type Gated } from './literal-gate.js';
import { escapeRegExp } from './escape-regexp.js';
import { ERROR_RESULT_NAMES, alternativesOf } from './result-names.js';

/**
 * Calls that publish an object, with the argument (0-based) that names it. A registration
 * names its object first; a table insert names the table first.
 */
const PUBLISH = gated(
  /\b(fd_install|anon_inode_getfd|_?vdpa_register_device|register_netdevice|register_netdev|register_virtio_device|register_virtio_driver|device_add|cdev_add|cdev_device_add|misc_register|vfio_register_(?:group|emulated_iommu)_dev|video_register_device|iommu_device_register|drm_dev_register|xa_store|xa_insert|xa_alloc(?:_cyclic)?|idr_alloc(?:_cyclic|_u32)?|list_add(?:_tail)?_rcu|hlist_add_head_rcu|hash_add_rcu|rcu_assign_pointer|smp_store_release|WRITE_ONCE|vhost_vq_set_backend|request_irq|request_threaded_irq|devm_request_irq|devm_request_threaded_irq)\s*\(/,
  ['fd_install', 'anon_inode_getfd', 'register', 'device_add', 'cdev_', 'xa_store', 'xa_insert', 'xa_alloc', 'idr_alloc', '_rcu', 'rcu_assign_pointer', 'smp_store_release', 'WRITE_ONCE', 'vhost_vq_set_backend', 'request_'],
);
// A list insert without _rcu is read under the lock its writer holds (often taken by a caller
// out of sight), so setup finished under that lock is not visible early: only RCU inserts count.
const OBJECT_ARG: Record<string, number> = { xa_store: 2, xa_insert: 2, xa_alloc: 2, xa_alloc_cyclic: 2, idr_alloc: 1, idr_alloc_cyclic: 1, idr_alloc_u32: 1, hash_add_rcu: 1, rcu_assign_pointer: 1, smp_store_release: 1, WRITE_ONCE: 1, vhost_vq_set_backend: 1, request_irq: 4, request_threaded_irq: 5, devm_request_irq: 5, devm_request_threaded_irq: 6 };
/** Stores that publish a pointer: only a bare pointer value is an object ("WRITE_ONCE(vq->x, vq->y)" is not). */
const POINTER_STORE = /^(?:rcu_assign_pointer|smp_store_release|WRITE_ONCE|vhost_vq_set_backend)$/;
/** Calls after which the fd is in the table: nothing after them may fail. */
const INSTALLS_FD = /^(?:fd_install|anon_inode_getfd)$/;

/** Frees, and the puts/unregisters that drop the reference the object lives by. */
const RELEASE = gated(/\b(kfree|kvfree|vfree|kfree_sensitive|kmem_cache_free|put_device|vfio_put_device|_?vdpa_unregister_device)\s*\(/, ['free', 'put_device', 'vdpa_unregister_device']);
/** kmem_cache_free(cache, obj) names the object second. */
const RELEASED_ARG: Record<string, number> = { kmem_cache_free: 1 };

/** Initialisers of a member: a lock, list, wait queue, work item or counter set up in place. */
const INIT_CALL = /^\s*(?:spin_lock_init|mutex_init|init_rwsem|init_waitqueue_head|init_completion|INIT_LIST_HEAD|INIT_WORK|INIT_DELAYED_WORK|u64_stats_init|kref_init|refcount_set|atomic_set|timer_setup|hrtimer_init|tasklet_setup)\s*\(\s*&?\s*/;
const LABEL = /^\s*[A-Za-z_]\w*:\s*$/;
const GOTO = /^\s*goto\s+(\w+)\s*;/;
/** An exit taken on failure: a goto, an errno returned, or the error variable returned. */
const FAIL_EXIT = new RegExp(`^\\s*(?:goto\\s+\\w+|return\\s+(?:-E[A-Z0-9]+|${alternativesOf(ERROR_RESULT_NAMES)}|PTR_ERR\\s*\\([^;]*\\)|ERR_PTR\\s*\\([^;]*\\)))\\s*;`);
/** What an unwind path does to take a publication back. */
const UNPUBLISH = /\b(?:\w*unregister\w*|device_del|cdev_del|cdev_device_del|misc_deregister|xa_erase\w*|xa_release|idr_remove|list_del\w*|hlist_del\w*|hash_del\w*|RCU_INIT_POINTER|rcu_assign_pointer|put_unused_fd|fput)\s*\(/;
/** Lines after a publish that are looked at: setup continues a few dozen lines at most. */
const WINDOW = 40;

/** The variable an argument expression belongs to: "&simdev->vdpa" → "simdev". */
function baseOf(arg: string): string | null {
  const m = /^\(?\s*&?\s*\(?\s*([A-Za-z_]\w*)/.exec(arg);
  return m ? m[1]! : null;
}

function callAt(code: string, p: Gated, args: Record<string, number>): { call: string; arg: string } | null {
  const m = execIn(code, p);
  if (!m) return null;
  const call = m[1]!;
  const open = m.index + m[0].length - 1;
  const n = args[call] ?? 0;
  return { call, arg: n === 0 ? firstArgument(code, open) : nthArgument(code, open, n) };
}

/** What a publish call makes reachable: the stored pointer, the fd, or the registered object's variable. */
function publishedObject(pub: { call: string; arg: string }, code: string): string | null {
  if (POINTER_STORE.test(pub.call)) return /^[A-Za-z_]\w*$/.test(pub.arg) ? pub.arg : null;
  if (pub.call === 'anon_inode_getfd') return /^\s*(\w+)\s*=/.exec(code)?.[1] ?? null;
  return baseOf(pub.arg);
}

const fnOf = (l: AnnotatedLine) => (l.function ? `${l.function}()` : 'this code');

/** Does the unwind ladder from `label` on take the publication back? null when the label is not shown. */
function labelUnpublishes(seq: AnnotatedLine[], from: number, label: string): boolean | null {
  const at = seq.findIndex((l, k) => k > from && l.code.trim() === `${label}:`);
  if (at < 0) return null;
  for (let k = at + 1; k < seq.length && seq[k]!.function === seq[at]!.function; k++) {
    if (UNPUBLISH.test(seq[k]!.code)) return true;
    if (/^\s*return\b/.test(seq[k]!.code)) return false;
  }
  return null;
}

/** Columns of leading white space, a tab counted as 8. */
function indentOf(code: string): number {
  let n = 0;
  for (const c of code) {
    if (c === '\t') n += 8;
    else if (c === ' ') n++;
    else break;
  }
  return n;
}

const NOT_AN_OBJECT = /^(?:NULL|nullptr|0|true|false)$/;
/** Table inserts whose readers (ioctls looking an id up) usually take the writer's lock; RCU readers do not. */
const TABLE_INSERT = /^(?:xa_|idr_)/;
const TAKES_LOCK = /\b(?!\w*unlock)\w*(?:lock|guard)\w*\s*\(/;

/**
 * The first line after a publish (seq[i]) that should have come before it, with what it does:
 * a write that initialises the object (at the publish's own depth, so not an unwind), or a
 * failure exit that leaves it published. The publish's own result check is skipped.
 */
function afterPublish(seq: AnnotatedLine[], i: number, call: string, object: string): { line: AnnotatedLine; what: string } | null {
  const pub = seq[i]!;
  const depth = indentOf(pub.code);
  // The object and pointers derived from it after the publish, each with its setup patterns.
  const names = new Map<string, RegExp[]>();
  const track = (n: string) => names.set(n, [new RegExp(`^\\s*${escapeRegExp(n)}\\s*(?:->|\\.)\\s*[\\w.>\\[\\]-]*?\\s*=(?!=)`), new RegExp(`${INIT_CALL.source}${escapeRegExp(n)}\\s*(?:->|\\.)`)]);
  track(object);
  const result = /^\s*(\w+)\s*=/.exec(pub.code)?.[1];
  // An id allocator hands back the id it published the object under: storing it in the object
  // right after is the idiom (the id is not known before), not setup left for later.
  const open = pub.code.indexOf('(', pub.code.indexOf(call));
  const ids = new Set([result, /^xa_alloc/.test(call) ? baseOf(nthArgument(pub.code, open, 1)) : undefined].filter((x): x is string => !!x));
  // Skipping the check of the publish's own result: from its "if" (or the publish line being
  // one) to the first exit.
  let ownCheck = /^\s*if\s*\(/.test(pub.code);
  const checksResult = result ? new RegExp(`^\\s*if\\s*\\([^)]*\\b${escapeRegExp(result)}\\b`) : null;
  // Inserted under a lock that the readers of the table or list take too: not visible yet.
  const locked = TABLE_INSERT.test(call) && seq.slice(Math.max(0, i - 6), i).some((l) => l.function === pub.function && TAKES_LOCK.test(l.code));
  for (let k = i + 1; k < seq.length && k <= i + WINDOW; k++) {
    const l = seq[k]!;
    const code = l.code;
    const at = indentOf(code);
    if (l.function !== pub.function || LABEL.test(code) || at < depth) return null;
    if (at === depth && /^\s*return\b/.test(code)) return null;
    if (locked && /unlock/.test(code)) return null;
    if (k <= i + 3 && checksResult?.test(code)) ownCheck = true;
    if (ownCheck) {
      if (FAIL_EXIT.test(code)) ownCheck = false;
      continue;
    }
    // An alias of the object made after the publish: "net = sim_to_net(simdev);".
    const alias = /^\s*([A-Za-z_]\w*)\s*=\s*(?:\([^()]*\)\s*)?\w+\s*\(\s*&?\s*([A-Za-z_]\w*)\b[^;]*\)\s*;/.exec(code);
    if (alias && names.has(alias[2]!) && !names.has(alias[1]!)) track(alias[1]!);
    if (at === depth && !locked) {
      const value = /=\s*([^;]*?)\s*;/.exec(code)?.[1];
      for (const [field, init] of names.values()) {
        if (field!.test(code) && value !== undefined && ids.has(value)) continue;
        if (field!.test(code) || init!.test(code)) return { line: l, what: `sets up ${code.trim().replace(/\s*;$/, '')} after it` };
      }
    }
    if (at === depth || !FAIL_EXIT.test(code)) continue;
    if (INSTALLS_FD.test(call)) return { line: l, what: 'can still fail after it (an installed fd cannot be taken back: userspace may already use or close it)' };
    const label = GOTO.exec(code)?.[1];
    if (label && labelUnpublishes(seq, k, label) === false) return { line: l, what: `can still fail after it, and the unwind at ${label} frees without unpublishing` };
  }
  return null;
}

/** The first later line of the same block that uses `object` after it was released. */
function useAfter(seq: AnnotatedLine[], i: number, object: string): AnnotatedLine | null {
  const use = new RegExp(`(?<![\\w>.])${escapeRegExp(object)}\\s*(?:->|\\[)`);
  const reassigned = new RegExp(`^\\s*${escapeRegExp(object)}\\s*=(?!=)`);
  const rel = seq[i]!;
  const depth = indentOf(rel.code);
  for (let k = i + 1; k < seq.length && k <= i + WINDOW; k++) {
    const l = seq[k]!;
    if (l.function !== rel.function || LABEL.test(l.code) || indentOf(l.code) < depth || /^\s*(?:return\b|goto\b|break\s*;|continue\s*;)/.test(l.code)) return null;
    if (reassigned.test(l.code)) return null;
    if (use.test(l.code)) return l;
  }
  return null;
}

/** Did the old side already have `first` followed by `then` in this function? Then the order is not the patch's. */
function orderedBefore(old: AnnotatedLine[], first: AnnotatedLine, then: AnnotatedLine): boolean {
  const a = first.code.trim();
  const b = then.code.trim();
  const at = old.findIndex((l) => l.function === first.function && l.code.trim() === a);
  return at >= 0 && old.some((l, k) => k > at && l.function === first.function && l.code.trim() === b);
}

export const publicationOrderFacts = detector({ files: isCLike, needs: [PUBLISH, RELEASE] }, (file, allHunks) => {
  const hunks = bounded(allHunks);
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const h of hunks) {
    const seq = sideLines(h, '+');
    const old = sideLines(h, '-');
    seq.forEach((l, i) => {
      if (!l.function) return;
      const pub = callAt(l.code, PUBLISH, OBJECT_ARG);
      const rel = callAt(l.code, RELEASE, RELEASED_ARG);
      // The function's own definition line ("int vdpa_register_device(struct vdpa_device *vdev)").
      if (pub?.call === l.function || rel?.call === l.function) return;
      const object = pub && publishedObject(pub, l.code);
      if (pub && object && !NOT_AN_OBJECT.test(object) && !seen.has(`p\u0000${l.function}\u0000${pub.call}`)) {
        const late = afterPublish(seq, i, pub.call, object);
        if (late && !orderedBefore(old, l, late.line)) {
          seen.add(`p\u0000${l.function}\u0000${pub.call}`);
          out.push(lineFact('published-before-init', pub.call, file, l.kind === '+' ? l : late.line, {
            detail: `${fnOf(l)} publishes ${object} with ${pub.call}() and ${late.what}: another thread, userspace or the device can reach ${object} in between (order read from the patch, not verified)`,
          }));
        }
      }
      const freed = rel && (/free/.test(rel.call) ? (/^[A-Za-z_]\w*$/.test(rel.arg) ? rel.arg : null) : baseOf(rel.arg));
      if (rel && freed && !NOT_AN_OBJECT.test(freed) && !seen.has(`r\u0000${l.function}\u0000${freed}`)) {
        const use = useAfter(seq, i, freed);
        if (use && !orderedBefore(old, l, use)) {
          seen.add(`r\u0000${l.function}\u0000${freed}`);
          out.push(lineFact('used-after-release', freed, file, l.kind === '+' ? l : use, {
            detail: `${fnOf(l)} releases ${freed} with ${rel.call}() and then uses it (${use.code.trim().slice(0, 80)}): the release can free ${freed} before that use (order read from the patch, not verified)`,
          }));
        }
      }
    });
  }
  return out;
});
