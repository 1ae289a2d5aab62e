// Concurrency and ordering: locks taken, dropped or moved, RCU, memory barriers and
// READ_ONCE/WRITE_ONCE, and deferred work queued, flushed or cancelled. Each fact names the
// object (the lock, the RCU pointer, the flag, the work item) and the function, so a finding
// can say "vhost_vdpa_reset() no longer takes v->mutex" rather than "this function changed".
import type { Fact, FactKind } from '../../model/facts.js';
import { lineFact } from './types.js';
import { isCLike, type AnnotatedHunk, type AnnotatedLine } from '../annotate.js';
import { changedCalls, firstArgument, type CallChange, bounded, liveFunctions } from './call-changes.js';
import { detector, gated } from './literal-gate.js';
import type { PatchScope } from '../uapi/scope.js';
import { namesOnlyOn } from './scope-names.js';
import { MEMORY_BARRIERS, ORDERED_ACCESSES } from './sync-calls.js';
import { entryOf } from '../map-entry.js';

const LOCK = gated(
  /\b(mutex_lock(?:_interruptible|_killable|_nested)?|mutex_unlock|mutex_trylock|spin_lock(?:_irq|_irqsave|_bh)?|spin_unlock(?:_irq|_irqrestore|_bh)?|raw_spin_lock(?:_irq|_irqsave)?|raw_spin_unlock(?:_irq|_irqrestore)?|down_read|up_read|down_write|up_write|down_read_killable|down_write_killable|read_lock(?:_bh|_irq)?|read_unlock(?:_bh|_irq)?|write_lock(?:_bh|_irq)?|write_unlock(?:_bh|_irq)?|guard\(\w+\)|scoped_guard\s*\(\s*\w+\s*,|qemu_mutex_lock|qemu_mutex_unlock|qemu_rec_mutex_lock|qemu_rec_mutex_unlock|QEMU_LOCK_GUARD|WITH_QEMU_LOCK_GUARD|lockdep_assert_held(?:_read|_write|_once)?)\s*\(/g,
  ['lock', 'guard', 'down_', 'up_', 'LOCK_GUARD'],
);
const BARRIER = gated(new RegExp(String.raw`\b(${MEMORY_BARRIERS}|${ORDERED_ACCESSES})\s*\(`, 'g'), ['mb', 'smp_', '_ONCE', 'atomic_']);
const RCU = gated(
  /\b(rcu_read_lock|rcu_read_unlock|synchronize_rcu|synchronize_rcu_expedited|call_rcu|kfree_rcu|rcu_assign_pointer|rcu_dereference(?:_protected|_check|_raw)?|rcu_access_pointer|RCU_INIT_POINTER|rcu_replace_pointer|synchronize_srcu|srcu_read_lock|srcu_read_unlock|synchronize_net)\s*\(/g,
  ['rcu', 'RCU_', 'synchronize_net'],
);
const WORK = gated(
  /\b(queue_work|schedule_work|queue_delayed_work|schedule_delayed_work|mod_delayed_work|flush_work|flush_workqueue|flush_delayed_work|cancel_work|cancel_work_sync|cancel_delayed_work|cancel_delayed_work_sync|vhost_work_queue|vhost_vq_work_queue|vhost_work_flush|vhost_dev_flush|vhost_poll_flush|vhost_poll_queue|vhost_vq_flush|tasklet_schedule|tasklet_kill|kthread_stop|synchronize_irq|disable_irq|enable_irq|free_irq|del_timer_sync|timer_delete_sync|hrtimer_cancel|wake_up_process|complete|wait_for_completion)\s*\(/g,
  ['work', 'flush', 'queue', 'tasklet_', 'kthread_stop', '_irq', 'timer', 'wake_up_process', 'complet'],
);

const RELEASE = /unlock|^up_/;
const JUMP = /^\s*(?:return\b|goto\s+\w+\s*;)/;
const LABEL = /^\s*[A-Za-z_]\w*:\s*$/;
const READ_SECTION = /^s?rcu_read_(?:un)?lock$/;

/** A line that drops a lock (RELEASE above reads a call name). */
const UNLOCKS = /unlock|\bup_(?:read|write)\b/;
/** An exit release by function and code, so one exit matches itself across the two sides. */
const exitKey = (l: AnnotatedLine) => `${l.function ?? ''}\u0000${l.code.trim()}`;
type Exits = { exits: Set<AnnotatedLine>; kept: Set<string> };

/**
 * Release lines that sit at an exit of their function, on their own side of the diff: followed
 * by a return or goto, or heading an exit label. A removed one counts only when its exit went
 * with it (the path now leaves through another exit); a release removed before a return that
 * stays leaves that exit holding the section. `kept` collects the exits the patch leaves as they
 * were ("function\0release line"): a path whose own exit went falls through to one of them.
 */
function exitReleases(hunks: AnnotatedHunk[]): Exits {
  const exits = new Set<AnnotatedLine>();
  const kept = new Set<string>();
  for (const h of hunks) {
    for (const side of ['-', '+'] as const) {
      const seq = h.lines.filter((l) => (l.kind === ' ' || l.kind === side) && l.code.trim() !== '');
      const goes = (l: AnnotatedLine | undefined) => l !== undefined && (side === '+' || l.kind === '-');
      seq.forEach((l, i) => {
        if (!UNLOCKS.test(l.code)) return;
        const next = seq[i + 1];
        const prev = seq[i - 1];
        if (l.kind === ' ') {
          if (side === '+' && ((next && JUMP.test(next.code)) || (prev && LABEL.test(prev.code)))) kept.add(exitKey(l));
          return;
        }
        if ((goes(next) && JUMP.test(next!.code)) || (goes(prev) && LABEL.test(prev!.code))) exits.add(l);
      });
    }
  }
  return { exits, kept };
}

/**
 * Every change is a release at an exit (a moved one at an exit on both ends), and the patch
 * writes at least one, or every one it removes went with its exit to leave through an unchanged
 * exit that releases the same way: the section still starts where it did and still ends at the
 * function's exits; only the exit paths were folded or split, as when a branch moves into a
 * helper or early exits share one label. An early exit removed with nothing in its place and
 * no such exit left is a change.
 */
function exitsOnly(list: CallChange[], { exits, kept }: Exits): boolean {
  const atExits = list.every((c) => RELEASE.test(c.call) && exits.has(c.line) && (!c.moved || (c.from !== undefined && exits.has(c.from))));
  if (!atExits) return false;
  return list.some((c) => c.side === '+') || list.every((c) => kept.has(exitKey(c.line)));
}

const SCOPED_OR_ASSERTED = /^(guard|scoped_guard|QEMU_LOCK_GUARD|WITH_QEMU_LOCK_GUARD|lockdep_assert_held)/;
const TAKES = /^(?!.*unlock)(?:.*lock|guard|scoped_guard|down_)/;

/** The lock a call acts on: guard(mutex)(&x) and scoped_guard(mutex, &x) name it after the type. */
function lockObject(code: string, call: string, open: number): string {
  if (call.startsWith('guard(')) {
    const rest = code.slice(open);
    return firstArgument(rest, 0) || call;
  }
  if (call.startsWith('scoped_guard')) {
    const m = /scoped_guard\s*\(\s*\w+\s*,\s*&?\s*([^)]+)\)/.exec(code.slice(code.lastIndexOf('scoped_guard', open)));
    return m ? m[1]!.replace(/\s+/g, '') : call;
  }
  return firstArgument(code, open) || call;
}

/** Calls with no object (smp_wmb()) are about the primitive itself. */
function barrierObject(code: string, call: string, open: number): string {
  return firstArgument(code, open) || call;
}

/** Access annotations: they mark one access, and name it in their argument. */
const ANNOTATION = /_ONCE$|^qatomic_(read|set)$/;

/**
 * An annotated access removed and the same annotation added in the same function on another
 * expression (READ_ONCE(*from) → READ_ONCE(*kaddr)): the access was rewritten, still annotated.
 */
function rewrittenAccesses(list: CallChange[]): CallChange[] {
  const key = (c: CallChange) => `${c.line.function}\u0000${c.call}`;
  const added = new Map<string, CallChange[]>();
  for (const c of list) if (c.side === '+' && !c.moved && ANNOTATION.test(c.call)) entryOf(added, key(c), () => []).push(c);
  const paired = new Set<CallChange>();
  for (const c of list) {
    if (c.side !== '-' || !ANNOTATION.test(c.call)) continue;
    const twin = added.get(key(c))?.find((p) => !paired.has(p));
    if (twin) paired.add(twin).add(c);
  }
  return paired.size === 0 ? list : list.filter((c) => !paired.has(c));
}

/** A lock member's declaration: "struct mutex mkey_mtx;", "spinlock_t lock;". */
const LOCK_DECL = /^\s*(?:struct\s+(?:mutex|rw_semaphore)|spinlock_t|raw_spinlock_t|rwlock_t)\s+(\w+)\s*;/;

/**
 * Lock members whose declaration the patch removes and declares nowhere again: the lock is gone
 * (renamed, moved to another struct, or replaced by a lock of another kind), so every section it
 * guarded is taken over by whatever lock the patch puts in its place.
 */
export const retiredLocks = namesOnlyOn('-', (l) => (l.code.includes(';') ? (LOCK_DECL.exec(l.code)?.[1] ?? null) : null));

/** The member a lock expression names: "&ndev->mvdev.mr->mkey_mtx" → "mkey_mtx". */
export const memberOf = (object: string) => /(\w+)\s*$/.exec(object)?.[1] ?? object;

function fn(c: CallChange): string {
  return c.line.function ? `${c.line.function}()` : 'this code';
}

export const concurrencyFacts = detector({ files: isCLike, needs: [LOCK, BARRIER, RCU, WORK] }, (file, allHunks, scope?: PatchScope) => {
  const hunks = bounded(allHunks);
  const out: Fact[] = [];
  const push = (kind: FactKind, c: CallChange, detail: string) => out.push(lineFact(kind, c.object, file, c.line, { detail }));

  // Locks: per function and lock, what the patch adds and removes.
  const locks = changedCalls(hunks, LOCK, lockObject);
  const byLock = new Map<string, CallChange[]>();
  for (const c of locks) {
    const k = `${c.line.function ?? ''}\u0000${c.object}`;
    entryOf(byLock, k, () => []).push(c);
  }
  // Functions the new file still has (a deleted function takes its locks with it), and locks
  // the patch takes anywhere (code moved into a helper keeps its lock).
  const alive = liveFunctions(hunks);
  const exits = exitReleases(hunks);
  const takenSomewhere = new Set(locks.filter((c) => c.side === '+').map((c) => c.object));
  const gone = retiredLocks(scope);
  // Functions that take a lock the patch adds: where a retired lock's sections went.
  const relocked = new Set(locks.filter((c) => c.side === '+' && !c.moved && TAKES.test(c.call)).map((c) => c.line.function));
  for (const list of byLock.values()) {
    const first = list[0]!;
    const moved = list.find((c) => c.moved);
    const added = list.filter((c) => c.side === '+' && !c.moved);
    const removed = list.filter((c) => c.side === '-');
    if (exitsOnly(list, exits)) continue;
    // lock/unlock pairs replaced by a scope guard on the same lock, or by an assertion that the
    // caller holds it: the section is the same, or documented as the caller's.
    if (!moved && removed.length > 0 && added.length > 0 && added.every((c) => SCOPED_OR_ASSERTED.test(c.call))) continue;
    if (moved || (added.length > 0 && removed.length > 0)) {
      const at = moved ?? added[0]!;
      push('lock-moved', at, `${fn(at)} moves where it takes or drops ${at.object} (${at.call})`);
    } else if (removed.length > 0) {
      if (!first.line.function || !alive.has(first.line.function) || takenSomewhere.has(first.object)) continue;
      // The lock itself is retired and this function now takes another one in its place.
      if (gone.has(memberOf(first.object)) && relocked.has(first.line.function)) continue;
      const taken = removed.find((c) => TAKES.test(c.call)) ?? removed[0]!;
      push('lock-removed', taken, `${fn(taken)} no longer takes ${taken.object} (${taken.call} removed)`);
    } else if (added.length > 0) {
      const taken = added.find((c) => TAKES.test(c.call)) ?? first;
      push('lock-added', taken, `${fn(taken)} now takes ${taken.object} (${taken.call})`);
    }
  }
  const once = new Set<string>();
  const report = (kind: FactKind, list: CallChange[], verb: (c: CallChange) => string) => {
    for (const c of list) {
      const k = `${kind}\u0000${c.line.function ?? ''}\u0000${c.object}`;
      if (once.has(k)) continue;
      once.add(k);
      push(kind, c, verb(c));
    }
  };
  const how = (c: CallChange) => (c.moved ? 'moves' : c.side === '+' ? 'adds' : 'removes');
  // The same call on the same object removed in one function and added in another: the code
  // moved into a helper (or out of one), and the ordering it gives moved with it.
  const acrossFunctions = (list: CallChange[]): CallChange[] => {
    const key = (c: CallChange) => `${c.call}\u0000${c.object}`;
    const added = new Map<string, CallChange[]>();
    for (const c of list) if (c.side === '+' && !c.moved) entryOf(added, key(c), () => []).push(c);
    const gone = new Set<CallChange>();
    for (const c of list) {
      if (c.side !== '-') continue;
      const twin = added.get(key(c))?.find((p) => !gone.has(p) && p.line.function !== c.line.function);
      if (twin) gone.add(twin).add(c);
    }
    return gone.size === 0 ? list : list.filter((c) => !gone.has(c));
  };
  // Annotating an access with READ_ONCE/WRITE_ONCE makes nothing weaker; removing or moving one may.
  const barriers = rewrittenAccesses(acrossFunctions(changedCalls(hunks, BARRIER, barrierObject))).filter((c) => !(c.side === '+' && !c.moved && ANNOTATION.test(c.call)));
  report('barrier-changed', barriers, (c) => `${fn(c)} ${how(c)} ${c.call}(${c.object === c.call ? '' : c.object})`);
  // A read-side section whose exits alone changed, per function, as for locks above.
  const rcu = acrossFunctions(changedCalls(hunks, RCU, barrierObject));
  const sections = new Map<string, CallChange[]>();
  for (const c of rcu) if (READ_SECTION.test(c.call)) entryOf(sections, c.line.function ?? '', () => []).push(c);
  const folded = new Set([...sections.values()].filter((list) => exitsOnly(list, exits)).flat());
  report('rcu-changed', rcu.filter((c) => !folded.has(c)), (c) => `${fn(c)} ${how(c)} ${c.call}(${c.object === c.call ? '' : c.object})`);
  report('work-changed', acrossFunctions(changedCalls(hunks, WORK)), (c) => `${fn(c)} ${how(c)} ${c.call}(${c.object === c.call ? '' : c.object})`);
  return out;
});
