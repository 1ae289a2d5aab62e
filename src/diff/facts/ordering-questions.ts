// ordering-question: a change to locking, RCU, barriers or deferred work that leaves a concrete
// interleaving open, named by what it exposes. A lock or barrier that merely changes is a note;
// one of these is what a reviewer asks about:
// - unlocked-access: a shared field the old code reached under a lock is now reached without it;
// - lookup-without-reference: a pointer found through a shared index (xarray, idr, maple tree,
//   hash table, RCU pointer, a *_find/*_lookup helper) used after the section that protected the
//   lookup ends, with no reference taken on it;
// - teardown-without-wait: a teardown function (release, remove, destroy, reset...) no longer
//   flushes, cancels or waits for work, interrupts or RCU readers still in flight;
// - sleep-in-atomic: user memory touched, or a sleeping call made, inside a spinlock or RCU
//   read section;
// - barrier-dropped: a memory barrier or acquire/release removed or moved between two accesses;
// - work-never-cancelled: a work item or timer the patch sets up with nothing in the patch that
//   cancels, flushes or deletes it (teardown can free what it runs on);
// - unpublished-then-freed: an RCU pointer replaced or cleared and then freed in the same
//   function with no grace period (synchronize_rcu, call_rcu, kfree_rcu) between;
// - barrier-unexplained: a barrier added with no comment naming the access it pairs with;
// - lock-order: a lock newly taken while another is held (a path taking them the other way
//   round deadlocks).
import type { Fact } from '../../model/facts.js';
import { isCLike, type AnnotatedHunk, type AnnotatedLine } from '../annotate.js';
import { lineFact } from './types.js';
import { bounded, changedCalls, firstArgument, liveFunctions, linesByFunction, ANY_CALL } from './call-changes.js';
import { escapeRegExp as esc } from './escape-regexp.js';
import { detector, gated, matchesIn, mayMatch, type Gated } from './literal-gate.js';
import type { PatchScope } from '../uapi/scope.js';
import { retiredLocks, memberOf } from './concurrency.js';
import { isTeardownName } from './function-roles.js';
import { LOCK_DROP, LOCK_TAKE, MEMORY_BARRIERS } from './sync-calls.js';
import { entryOf } from '../map-entry.js';

const ACQUIRE = new RegExp(String.raw`\b(${LOCK_TAKE}|rcu_read_lock|srcu_read_lock|preempt_disable|local_irq_disable|local_irq_save)\s*\(`);
const RELEASE = new RegExp(String.raw`\b(${LOCK_DROP}|rcu_read_unlock|srcu_read_unlock|preempt_enable|local_irq_enable|local_irq_restore)\s*\(`);
/** Sections in which the CPU may not sleep. */
const ATOMIC = /^(spin_lock|raw_spin_lock|read_lock|write_lock|xa_lock|rcu_read_lock|preempt_disable|local_irq)/;
const SECTIONS = gated(new RegExp(`${ACQUIRE.source}|${RELEASE.source}`, 'g'), ['lock', 'preempt_', 'local_irq', 'down_', 'up_']);
const SECTION_CALLS = new RegExp(SECTIONS.re.source, 'g');
/** Initialisers and queries are no section boundary. */
const NOT_A_SECTION = /_init$|_is_locked$|_is_contended$/;

const RCU_SECTION = 'the RCU read section';
const PREEMPTION = 'preemption';
const LOCAL_IRQS = 'local interrupts';
/** Sections that are CPU state, not a lock another path can hold. */
const isCpuState = (name: string) => name === PREEMPTION || name === LOCAL_IRQS;
/** A lock proper: neither an RCU read section nor CPU state, so lock order applies to it. */
const isLock = (name: string) => name !== RCU_SECTION && !isCpuState(name);

/** The lock a section call acts on; read sections and irq/preempt state have one name each. */
function sectionOf(call: string, code: string, open: number): string {
  if (/rcu_read/.test(call)) return RCU_SECTION;
  if (/preempt_/.test(call)) return PREEMPTION;
  if (/local_irq/.test(call)) return LOCAL_IRQS;
  return firstArgument(code, open) || call;
}

interface Section {
  name: string;
  atomic: boolean;
}

/** A field reached through a pointer: vq->private_data, matrix_mdev->kvm->arch. */
const FIELD = /\b([A-Za-z_]\w*(?:->[A-Za-z_]\w*)+)/g;
const LOOKUP = /(\b[A-Za-z_]\w*)\s*=\s*(?:\([^()]*\)\s*)?(xa_load|xa_find\w*|idr_find|mtree_load|mt_find|radix_tree_lookup|rhashtable_lookup\w*|rcu_dereference\w*|srcu_dereference\w*|list_first_entry_or_null|\w+_(?:find|lookup)(?:_\w+)?)\s*\(/;
const LOOKUPS = gated(/\b(xa_load|xa_find|idr_find|mtree_load|mt_find|radix_tree_lookup|rhashtable_lookup|rcu_dereference|srcu_dereference|list_first_entry_or_null|_find|_lookup)/g, ['xa_', 'idr_find', 'mt', 'radix_tree', 'rhashtable', 'dereference', 'list_first', '_find', '_lookup']);
/** Lookups in a shared index itself, as opposed to a subsystem's find/lookup helper. */
const INDEX = /^(xa_load|xa_find\w*|idr_find|mtree_load|mt_find|radix_tree_lookup|rhashtable_lookup\w*|rcu_dereference|srcu_dereference)$/;
/** Taking a reference on (or a lock inside) the object found. A module reference pins code, not the object. */
const PINS = /\b(?!try_module_get|module_get)\w*(?:get|ref|hold|grab|pin|tryget|kref_get|refcount_inc\w*|atomic_inc\w*|lock\w*)\s*\(/;
/** Unlinking the object from the index under the lock: the finder now owns it alone. */
const UNPUBLISH = /\b(?:list_del\w*|hlist_del\w*|xa_erase\w*|__xa_erase|idr_remove|rb_erase|rhashtable_remove\w*|radix_tree_delete|mtree_erase|\w+_remove)\s*\(/;
const WAITS = gated(
  /\b(flush_work|flush_workqueue|flush_delayed_work|drain_workqueue|destroy_workqueue|cancel_work_sync|cancel_delayed_work_sync|synchronize_rcu\w*|synchronize_srcu\w*|synchronize_net|synchronize_irq|rcu_barrier|free_irq|kthread_stop|tasklet_kill|del_timer_sync|timer_delete_sync|hrtimer_cancel|wait_for_completion\w*|vhost_\w*flush\w*|vhost_dev_stop|vhost_poll_stop)\s*\(/g,
  ['flush', 'drain_', 'destroy_', '_sync', 'synchronize_', 'rcu_barrier', 'free_irq', 'kthread_stop', 'tasklet_kill', 'hrtimer_cancel', 'wait_for_', 'vhost_'],
);
/** A work item, delayed work or timer set up: INIT_WORK(&x->work, fn), timer_setup(&x->timer, …). */
const SETUP = gated(/\b(INIT_WORK|INIT_DELAYED_WORK|INIT_RCU_WORK|timer_setup|hrtimer_setup|hrtimer_init|tasklet_setup|tasklet_init)\s*\(/g, ['INIT_', 'timer_setup', 'hrtimer_', 'tasklet_']);
/** What stops one: a cancel, flush, timer delete or kill naming the same object. */
const STOPS = /\b(?:cancel_\w+|flush_\w+|del_timer\w*|timer_delete\w*|timer_shutdown\w*|hrtimer_cancel|tasklet_kill|disable_work\w*|disable_delayed_work\w*)\s*\(/g;
const PUBLISH = gated(/\b(rcu_assign_pointer|RCU_INIT_POINTER|rcu_replace_pointer)\s*\(/g, ['rcu_assign_pointer', 'RCU_INIT_POINTER', 'rcu_replace_pointer']);
const FREES = /\b(kfree|kvfree|vfree|kmem_cache_free|\w+_free|\w+_destroy|\w+_put)\s*\(/;
const GRACE = /\b(synchronize_rcu\w*|synchronize_srcu\w*|synchronize_net|call_rcu\w*|kfree_rcu\w*|kvfree_rcu\w*|rcu_barrier|queue_rcu_work|\w+_rcu)\s*\(/;
const SLEEPS = gated(/\b(copy_to_user|copy_from_user|get_user|put_user|clear_user|copy_struct_from_user|memdup_user|mutex_lock\w*|down_read|down_write|msleep|wait_for_completion\w*|wait_event\w*|schedule|vmalloc|kvmalloc|kvzalloc|vzalloc)\s*\(|\bGFP_KERNEL\b/g, ['_user', 'mutex_lock', 'down_', 'msleep', 'wait_', 'schedule', 'malloc', 'zalloc', 'GFP_KERNEL']);
const BARRIER = gated(new RegExp(String.raw`\b(${MEMORY_BARRIERS})\s*\(`, 'g'), ['mb', 'smp_']);

/** A barrier of any spelling: a replaced barrier (smp_wmb by a driver's own wrapper) still orders. */
const ANY_BARRIER = /\w*(?:mb|barrier|release|acquire)\s*\(/;
/** A wait of any spelling, for a removed one replaced by another (kthread_stop by a task helper's stop). */
const ANY_WAIT = /\b\w*(?:flush|cancel|sync|stop|wait|drain|kill|free_irq|barrier)\w*\s*\(/;
/** The same lock spelt through another pointer (vblk->vqs[qid].lock as vblk_vq->lock). */
const member = (lock: string) => /(?:->|\.)(\w+)$/.exec(lock)?.[1];
const renamed = (a: string, b: string) => a !== b && member(a) !== undefined && member(a) === member(b);
const COMMENT = /\/\*|\/\/|^\s*\*/;
/** The first match of a global pattern on a line (matchAll leaves the pattern's own state alone). */
function firstMatch(code: string, p: Gated): RegExpMatchArray | null {
  for (const m of matchesIn(code, p)) return m;
  return null;
}

const fnName = (l: AnnotatedLine) => (l.function ? `${l.function}()` : 'this code');

/** What a line reads or writes through a pointer, minus the lock it passes to a section call. */
function fieldsOf(code: string): string[] {
  if (ACQUIRE.test(code) || RELEASE.test(code)) return [];
  return [...code.matchAll(FIELD)].map((m) => m[1]!);
}

/** The section calls on a line, in order. */
function sectionCalls(l: AnnotatedLine): { release: boolean; s: Section }[] {
  const out: { release: boolean; s: Section }[] = [];
  if (!mayMatch(l.code, SECTIONS)) return out;
  for (const m of l.code.matchAll(SECTION_CALLS)) {
    const call = m[1] ?? m[2]!;
    if (NOT_A_SECTION.test(call)) continue;
    out.push({ release: m[2] !== undefined, s: { name: sectionOf(call, l.code, m.index! + m[0].length - 1), atomic: ATOMIC.test(call) } });
  }
  return out;
}

/**
 * The sections held after each line of a hunk, per side (context plus that side's lines), per
 * function. A section whose first call on either side is a release was taken above the hunk,
 * which both sides share.
 */
function heldPerSide(h: AnnotatedHunk): { before: Map<AnnotatedLine, Section[]>; after: Map<AnnotatedLine, Section[]> } {
  const above = new Map<string, Section>();
  for (const side of ['-', '+'] as const) {
    const seen = new Set<string>();
    for (const l of h.lines) {
      if (l.kind !== ' ' && l.kind !== side) continue;
      for (const c of sectionCalls(l)) {
        const k = `${l.function ?? ''}\u0000${c.s.name}`;
        if (!seen.has(k) && c.release) above.set(k, c.s);
        seen.add(k);
      }
    }
  }
  const walk = (side: '+' | '-') => {
    const out = new Map<AnnotatedLine, Section[]>();
    let fn: string | null | undefined;
    let held: Section[] = [];
    for (const l of h.lines) {
      if (l.kind !== ' ' && l.kind !== side) continue;
      if (l.function !== fn) {
        fn = l.function;
        held = [...above].filter(([k]) => k.startsWith(`${fn ?? ''}\u0000`)).map(([, s]) => s);
      }
      for (const c of sectionCalls(l)) {
        if (c.release) held = held.filter((s) => s.name !== c.s.name);
        else if (!held.some((s) => s.name === c.s.name)) held = [...held, c.s];
      }
      out.set(l, held);
    }
    return out;
  };
  return { before: walk('-'), after: walk('+') };
}

/**
 * The old-side line an added line stands for: the same code removed (a move), else the first
 * removed line of its change block (a statement rewritten in place).
 */
function counterparts(h: AnnotatedHunk): Map<AnnotatedLine, AnnotatedLine> {
  const out = new Map<AnnotatedLine, AnnotatedLine>();
  const byCode = new Map<string, AnnotatedLine>();
  for (const l of h.lines) if (l.kind === '-') byCode.set(l.code.trim(), l);
  let firstRemoved: AnnotatedLine | undefined;
  for (const l of h.lines) {
    if (l.kind === ' ') firstRemoved = undefined;
    else if (l.kind === '-') firstRemoved ??= l;
    else {
      const twin = byCode.get(l.code.trim()) ?? firstRemoved;
      if (twin) out.set(l, twin);
    }
  }
  return out;
}

export const orderingQuestionFacts = detector({ files: isCLike, needs: [SECTIONS, LOOKUPS, WAITS, SLEEPS, BARRIER, SETUP, PUBLISH] }, (file, allHunks, scope?: PatchScope) => {
  const hunks = bounded(allHunks);
  // Locks the patch retires: a line now held under another lock took its replacement.
  const retired = retiredLocks(scope);
  const out: Fact[] = [];
  const once = new Set<string>();
  const emit = (what: string, symbol: string, l: AnnotatedLine, detail: string) => {
    const k = `${what}\u0000${l.function ?? ''}\u0000${symbol}`;
    if (once.has(k)) return;
    once.add(k);
    out.push(lineFact('ordering-question', symbol, file, l, { detail }));
  };
  // A scope guard holds its lock to the end of the block, which the line walk below cannot see.
  const guarded = new Set<string>();
  for (const h of hunks) for (const l of h.lines) if (l.kind === '+' && l.function && /\b(?:scoped_)?guard\s*\(|LOCK_GUARD/.test(l.code)) guarded.add(l.function);
  // The section moved into a helper: this function newly calls one that takes the same lock.
  const takes = new Map<string, Set<string>>();
  const calls = new Map<string, Set<string>>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind !== '+' || !l.function) continue;
    const m = firstMatch(l.code, SECTIONS);
    if (m?.[1]) entryOf(takes, l.function, () => new Set()).add(sectionOf(m[1], l.code, m.index! + m[0].length - 1));
    for (const c of l.code.matchAll(ANY_CALL)) entryOf(calls, l.function, () => new Set()).add(c[1]!);
  }
  const takenByCallee = (fn: string | null, lock: string) => [...(calls.get(fn ?? '') ?? [])].some((c) => c !== fn && takes.get(c)?.has(lock));
  for (const h of hunks) {
    const { before, after } = heldPerSide(h);
    // What is held as each line starts, per side, and the nestings the old side already had.
    const entering = (side: '+' | '-', held: Map<AnnotatedLine, Section[]>) => {
      const out = new Map<AnnotatedLine, Section[]>();
      let prev: AnnotatedLine | undefined;
      for (const l of h.lines) {
        if (l.kind !== ' ' && l.kind !== side) continue;
        out.set(l, prev && prev.function === l.function ? held.get(prev)! : []);
        prev = l;
      }
      return out;
    };
    const enteringNew = entering('+', after);
    const before_ = (l: AnnotatedLine) => enteringNew.get(l);
    const nestedBefore = new Set<string>();
    for (const [l, held] of entering('-', before)) for (const c of sectionCalls(l)) if (!c.release) for (const o of held) nestedBefore.add(`${l.function ?? ''}\u0000${o.name}\u0000${c.s.name}`);
    const counterpart = counterparts(h);
    const names = (x: Section[] | undefined) => new Set((x ?? []).map((s) => s.name));

    for (const l of h.lines) {
      if (l.kind === '-' || l.code.trim() === '') continue;
      const old = l.kind === ' ' ? l : counterpart.get(l);
      const now = names(after.get(l));
      // unlocked-access: under a lock on the old side, not under it on the new side.
      if (old && !guarded.has(l.function ?? '')) {
        const was = names(before.get(old));
        for (const lock of was) {
          if (now.has(lock) || isCpuState(lock)) continue;
          if (takenByCallee(l.function, lock) || [...now].some((n) => renamed(n, lock))) continue;
          if (now.size > 0 && retired.has(memberOf(lock))) continue;
          const found = LOOKUP.exec(l.code);
          if (found) {
            emit('unlocked', found[1]!, l, `${fnName(l)} now finds ${found[1]} with ${found[2]}() outside ${lock}, which covered the lookup before this patch: the object can be removed and freed while it is being used`);
            continue;
          }
          // RCU keeps an object alive, it does not serialise its fields.
          if (lock === RCU_SECTION) continue;
          const field = fieldsOf(l.code).find((f) => !lock.startsWith(f));
          if (field) emit('unlocked', field, l, `${fnName(l)} now reaches ${field} outside ${lock}, which the code held around it before this patch: another path holding ${lock} can change ${field} concurrently`);
        }
      }
      // lock-order: an acquisition inside another section, a nesting the old side of the function did not have.
      for (const c of sectionCalls(l)) {
        if (c.release || !isLock(c.s.name)) continue;
        const outer = (before_(l) ?? []).find((s) => s.name !== c.s.name && isLock(s.name) && !nestedBefore.has(`${l.function ?? ''}\u0000${s.name}\u0000${c.s.name}`));
        if (outer) emit('order', c.s.name, l, `${fnName(l)} now takes ${c.s.name} while holding ${outer.name}: any path that takes them in the other order can deadlock against this one`);
      }
      if (l.kind !== '+') continue;
      // sleep-in-atomic: a call that can fault or sleep inside a spinlock or RCU read section.
      const atomic = (after.get(l) ?? []).find((s) => s.atomic);
      if (atomic) {
        const m = firstMatch(l.code, SLEEPS);
        if (m && !/GFP_ATOMIC|GFP_NOWAIT/.test(l.code)) {
          const what = m[1] ? `${m[1]}()` : 'a GFP_KERNEL allocation';
          emit('atomic', m[1] ?? 'GFP_KERNEL', l, `${fnName(l)} calls ${what} inside ${atomic.name} (atomic context): it can fault or sleep there`);
        }
      }
    }

    // lookup-without-reference: found under a section, used after the section ends, no reference.
    const seq = h.lines.filter((l) => l.kind !== '-');
    seq.forEach((l, i) => {
      const m = LOOKUP.exec(l.code);
      if (!m || !l.function) return;
      const [, ptr, how] = m;
      const under = after.get(l) ?? [];
      const use = new RegExp(String.raw`(?<![\w>.])${esc(ptr!)}\s*(?:->|[,)])`);
      const named = new RegExp(String.raw`(?<![\w>.])${esc(ptr!)}(?!\w)`);
      const assigned = new RegExp(String.raw`\b${esc(ptr!)}\s*=`);
      const pins = (x: AnnotatedLine) => named.test(x.code) && !RELEASE.test(x.code) && (PINS.test(x.code) || UNPUBLISH.test(x.code));
      if (under.length === 0) {
        // Found with no section in sight: the reference the function took on it was removed
        // and not taken again in this function (moved to a later hook, or dropped).
        // A core index lookup (not a helper, which may take its own reference) with no lock
        // or RCU section, no lockdep assertion and no reference anywhere in the function's
        // lines: nothing visible keeps the object alive between the lookup and its use.
        const body = h.lines.filter((x) => x.kind !== '-' && x.function === l.function);
        if (!INDEX.test(how!) || body.some((x) => pins(x) || /lockdep_assert|_held\s*\(/.test(x.code))) return;
        // The patch adds the lookup or a use of what it found.
        if (!body.some((x) => x !== l && use.test(x.code) && (l.kind === '+' || x.kind === '+'))) return;
        const dropped = h.lines.find((x) => x.kind === '-' && x.function === l.function && pins(x));
        emit('lookup', ptr!, l, `${fnName(l)} finds ${ptr} with ${how}() and uses it with no lock, RCU section or reference visible${dropped ? ` (the patch removes ${dropped.code.trim()})` : ''}: ${ptr} can be freed between the lookup and its use unless every caller holds the index's lock`);
        return;
      }
      let pinned = false;
      let changed = l.kind === '+';
      for (let j = i + 1; j < seq.length && j <= i + 30; j++) {
        const x = seq[j]!;
        if (x.function !== l.function) break;
        if (x.kind === '+') changed = true;
        if (assigned.test(x.code) && !x.code.includes('==')) break;
        if (pins(x)) pinned = true;
        const lost = under.find((s) => !names(after.get(x)).has(s.name));
        if (!lost || !use.test(x.code) || RELEASE.test(x.code)) continue;
        if (!pinned && changed) emit('lookup', ptr!, x, `${fnName(x)} finds ${ptr} with ${how}() under ${lost.name} and uses it after ${lost.name} ends, with no reference taken: a concurrent remove can free ${ptr} in between`);
        return;
      }
    });
  }

  // work-never-cancelled: set up on an added line; no line of the patch stops the same object.
  const stopped = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === '-') continue;
    for (const m of l.code.matchAll(STOPS)) stopped.add(firstArgument(l.code, m.index! + m[0].length - 1).replace(/\.work$/, ''));
  }
  // A setup the patch removes elsewhere moved (into a helper or another probe step).
  const setUpBefore = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    const m = l.kind === '-' ? firstMatch(l.code, SETUP) : null;
    if (m) setUpBefore.add(firstArgument(l.code, m.index! + m[0].length - 1).split(/->|\./).pop()!);
  }
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind !== '+') continue;
    const m = firstMatch(l.code, SETUP);
    if (!m) continue;
    const obj = firstArgument(l.code, m.index! + m[0].length - 1);
    const field = obj.split(/->|\./).pop()!;
    if (!obj || setUpBefore.has(field) || [...stopped].some((x) => x === obj || x.split(/->|\./).pop() === field)) continue;
    emit('unstopped', obj, l, `${fnName(l)} sets up ${obj} with ${m[1]}() and nothing in the patch cancels, flushes or deletes it: teardown can free what it runs on while it is still queued or running`);
  }

  // unpublished-then-freed: per function, a publication followed by a free, no grace period.
  for (const [fn, lines] of linesByFunction(hunks)) {
    if (!fn) continue;
    const live = lines.filter((l) => l.kind !== '-');
    const at = live.findIndex((l) => firstMatch(l.code, PUBLISH) !== null);
    if (at < 0 || live.some((l) => GRACE.test(l.code))) continue;
    const freed = live.slice(at + 1).find((l) => FREES.test(l.code) && !/\b_?_?rcu/.test(l.code));
    if (!freed || (live[at]!.kind !== '+' && freed.kind !== '+')) continue;
    const m = firstMatch(live[at]!.code, PUBLISH)!;
    const ptr = firstArgument(live[at]!.code, m.index! + m[0].length - 1);
    emit('grace', ptr, freed, `${fnName(freed)} replaces ${ptr} with ${m[1]}() and then frees with ${FREES.exec(freed.code)![1]}() with no synchronize_rcu() or call_rcu() between: a reader inside its RCU section can still hold the old object`);
  }

  // teardown-without-wait: a flush, cancel or grace period removed from a teardown function and
  // not put back anywhere in the file.
  const alive = liveFunctions(hunks);
  const waits = changedCalls(hunks, WAITS);
  // Put back anywhere in the file (moved), or the function gains another wait (replaced).
  const added = new Set(waits.filter((c) => c.side === '+').map((c) => c.call));
  const gainsWait = new Set<string>();
  for (const h of hunks) for (const l of h.lines) if (l.kind === '+' && l.function && ANY_WAIT.test(l.code)) gainsWait.add(l.function);
  for (const c of waits) {
    const f = c.line.function;
    if (c.side !== '-' || !f || !alive.has(f) || !isTeardownName(f) || added.has(c.call) || gainsWait.has(f)) continue;
    emit('teardown', c.object, c.line, `${f}() no longer calls ${c.call}(${c.object === c.call ? '' : c.object}) while tearing down: work, interrupts or readers still in flight can run against state it frees or resets`);
  }

  // barrier-dropped: a barrier removed or moved; name the accesses it ordered.
  const barriers = changedCalls(hunks, BARRIER);
  const barrierAdded = new Set(barriers.filter((c) => c.side === '+' && !c.moved).map((c) => c.call));
  const gainsBarrier = new Set<string>();
  for (const h of hunks) for (const l of h.lines) if (l.kind === '+' && l.function && ANY_BARRIER.test(l.code)) gainsBarrier.add(l.function);
  for (const c of barriers) {
    if (c.side === '+' && !c.moved) {
      // barrier-unexplained: nothing on the line or just above it says what it pairs with.
      const h = hunks.find((x) => x.lines.includes(c.line))!;
      const seq = h.lines.filter((l) => l.kind !== '-');
      const at = seq.indexOf(c.line);
      if (!seq.slice(Math.max(0, at - 3), at + 1).some((l) => COMMENT.test(l.code))) {
        emit('unexplained', c.call, c.line, `${fnName(c.line)} adds ${c.call}() with no comment naming the access it orders or the barrier it pairs with on the other side`);
      }
      continue;
    }
    if (c.side !== '-' && !c.moved) continue;
    if (!c.moved && (barrierAdded.has(c.call) || gainsBarrier.has(c.line.function ?? ''))) continue;
    const from = c.from ?? c.line;
    const h = hunks.find((x) => x.lines.includes(from));
    if (!h) continue;
    const seq = h.lines.filter((l) => l.kind !== '+');
    const at = seq.indexOf(from);
    const near = (step: number) => {
      for (let j = at + step; j >= 0 && j < seq.length && Math.abs(j - at) <= 6; j += step) {
        const f = fieldsOf(seq[j]!.code)[0] ?? /\b(\w+\[[^\]]+\])/.exec(seq[j]!.code)?.[1];
        if (f) return f;
      }
      return null;
    };
    const a = near(-1);
    const b = near(1);
    if (!a || !b) continue;
    emit('barrier', c.call, c.line, `${fnName(c.line)} ${c.moved ? 'moves' : 'removes'} ${c.call}() that ordered ${a} before ${b}: the paired reader or writer can see them in the other order`);
  }
  return out;
});
