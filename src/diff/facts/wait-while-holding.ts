// wait-while-holding: a function that waits for another context, or calls into a function,
// while it holds a lock that this context or function takes itself. Reviewers of vhost, vdpa,
// VFIO, vsock and virtio code answer such a patch with "this can deadlock":
// - waits-on-lock-taker: a wait (flush_work, cancel_*_sync, flush_workqueue, kthread_stop,
//   free_irq/synchronize_irq, del_timer_sync, wait_for_completion, a vhost flush) inside a
//   section of lock L, where the work function, timer, irq handler, thread function or the
//   completer of the completion it waits for takes L itself (directly or one call down); a
//   vhost flush under a virtqueue mutex always is (every vhost handler takes its vq's mutex);
// - relocks-through-callee: a call inside L to a function that takes L, directly or through an
//   ops member ("->release()") whose installed function does;
// - waits-in-atomic: one of those waits inside a spinlock or RCU read section (they sleep).
// L is held when the function takes it, or when a caller in the file takes it around its call
// and the function's start is shown (one hop: an ioctl sub-handler under its dispatcher's
// mutex). A callee counts as taking L only where its start is shown and it neither drops L
// first nor asserts it held (then it expects the caller's lock).
// Only pairings the patch creates count: the old side did not run that line under that lock,
// or the waited-for function newly takes it. Brand-new functions are included on purpose (the
// kind is not in new-code.ts's CHANGE_KINDS): a new driver's teardown that flushes its work
// under the lock the work takes deadlocks from its first day, and that is when reviewers read
// it. What each context takes is read from the code in view: the patch's hunks, or inside a
// tree whole files plus the functions and ops tables of the patched file's directory
// (tree/sibling-definitions.ts); not verified. A plain new nesting of two locks and
// mutex/user-copy calls under a spinlock are ordering-questions.ts's (not repeated here).
import type { Fact } from '../../model/facts.js';
import { isCLike, type AnnotatedHunk, type AnnotatedLine } from '../annotate.js';
import type { PatchScope } from '../uapi/scope.js';
import { OP_ASSIGN, siblingDefinition, siblingOps } from '../tree/sibling-definitions.js';
import { lineFact } from './types.js';
import { ANY_CALL, bounded, firstArgument, nthArgument } from './call-changes.js';
import { detector, gated, matchesIn } from './literal-gate.js';
import { LOCK_DROP, LOCK_TAKE, SOCKET_LOCK_DROP, SOCKET_LOCK_TAKE } from './sync-calls.js';
import { entryOf } from '../map-entry.js';

/** Lock calls: group 1 takes, group 2 drops, group 3 is a guard type (guard(mutex)(&x)). */
const LOCKS = gated(
  new RegExp(String.raw`\b(?:(${LOCK_TAKE}|${SOCKET_LOCK_TAKE}(?:_nested|_fast)?|rcu_read_lock|lockdep_assert_held\w*)|(${LOCK_DROP}|${SOCKET_LOCK_DROP}|rcu_read_unlock))\s*\(|\b(?:scoped_)?guard\s*\(\s*(\w+)\s*[,)]`, 'g'),
  ['lock', 'down_', 'up_', 'guard', 'release_sock'],
);
/** Waits, with what identifies the context each waits for. */
const WAITS = gated(
  /\b(flush_work|flush_delayed_work|cancel_work_sync|cancel_delayed_work_sync|disable_work_sync|disable_delayed_work_sync|flush_workqueue|drain_workqueue|destroy_workqueue|kthread_stop|kthread_park|free_irq|synchronize_irq|disable_irq|del_timer_sync|timer_delete_sync|timer_shutdown_sync|hrtimer_cancel|tasklet_kill|wait_for_completion\w*|vhost_\w*flush\w*|synchronize_rcu\w*|synchronize_srcu\w*|synchronize_net|rcu_barrier)\s*\(/g,
  ['flush', '_sync', 'destroy_workqueue', 'kthread_', 'irq', 'hrtimer_cancel', 'tasklet_kill', 'wait_for_completion', 'synchronize_', 'rcu_barrier'],
);
/** A virtqueue's mutex, by member or by type: "vq->mutex", "n->vqs[i].vq.mutex", "struct vhost_virtqueue *x; x->mutex". */
const VQ_MUTEX = /^(?:vq|vhost_virtqueue)\.mutex$/;
/**
 * Waits that sleep and that ordering-questions' sleep-in-atomic list does not name (it has
 * wait_for_completion). A timer's synchronous delete spins rather than sleeps: under a spinlock
 * it is wrong only if the callback takes that lock, which waits-on-lock-taker checks.
 */
const SLEEPS_UNSEEN = /^(?!wait_for_completion|del_timer_sync|timer_delete_sync|timer_shutdown_sync|hrtimer_cancel)/;
/** Registrations of a context: group 1 the call, the handler is found by argument position. */
const REGISTERS = gated(
  /\b(INIT_WORK|INIT_DELAYED_WORK|INIT_WORK_ONSTACK|vhost_work_init|vhost_poll_init|timer_setup|tasklet_setup|tasklet_init|kthread_run|kthread_create|kthread_run_worker|request_irq|request_threaded_irq|devm_request_irq|devm_request_threaded_irq|queue_work|queue_delayed_work|mod_delayed_work|complete|complete_all)\s*\(/g,
  ['INIT_', 'vhost_work_init', 'vhost_poll_init', 'timer_setup', 'tasklet_', 'kthread_', 'request_', 'queue_', 'mod_delayed_work', 'complete'],
);

/** The n-th argument (0-based) of the call whose "(" is at `open`, without spaces and a leading &. */
const argument = (code: string, open: number, n: number) => nthArgument(code, open, n).replace(/^&/, '');

const partsOf = (expr: string) => expr.replace(/\[[^\]]*\]/g, '').replace(/[()*&]/g, '').split(/->|\./).filter((p) => /^\w+$/.test(p));
/**
 * What names a lock or a workqueue across functions: its last two members ("&vq->dev->mutex"
 * and "&dev->mutex" are both "dev.mutex"; "&n->vqs[i].vq.mutex" is "vq.mutex").
 */
function keyOf(expr: string): string {
  return partsOf(expr).slice(-2).join('.');
}
/** Pointer variables declared on a line ("struct vhost_dev *d = ...", a parameter) → their struct. */
const DECLARED = /\bstruct\s+(\w+)\s*\*\s*(\w+)/g;
function declare(code: string, types: Map<string, string>): void {
  if (code.includes('struct')) for (const m of code.matchAll(DECLARED)) types.set(m[2]!, m[1]!);
}
/**
 * The names a lock goes by: its last two members, and for "var->member" the struct the variable
 * points to ("d->mutex" with "struct vhost_dev *d" is also "vhost_dev.mutex", as is "dev->mutex"
 * in a function taking "struct vhost_dev *dev").
 */
function lockKeys(expr: string, types: Map<string, string>): string[] {
  const parts = partsOf(expr);
  const out = [parts.slice(-2).join('.')];
  const type = parts.length === 2 ? types.get(parts[0]!) : undefined;
  if (type) out.push(`${type}.${parts[1]}`);
  return out;
}
/** The member a work item, timer or completion is reached by: "&vi->refill.work" → "refill". */
function memberKey(expr: string): string {
  const parts = partsOf(expr);
  if (parts.length > 1 && /^(?:work|timer)$/.test(parts[parts.length - 1]!)) parts.pop();
  return parts[parts.length - 1] ?? '';
}

interface Held {
  keys: string[];
  /** As the code spells it, for the finding. */
  name: string;
  atomic: boolean;
  /** Taken by this caller around its call of the function (one hop), not by the function. */
  by?: string;
}
const heldName = (x: Held) => (x.by ? `${x.name} (taken by its caller ${x.by}())` : x.name);

/** A lock call on a line: taken or dropped, with the lock it names. */
interface LockCall {
  take: boolean;
  keys: string[];
  name: string;
  atomic: boolean;
  assert: boolean;
}
function lockCalls(code: string, types: Map<string, string>): LockCall[] {
  const out: LockCall[] = [];
  for (const m of matchesIn(code, LOCKS)) {
    const open = code.indexOf('(', m.index! + m[0].length - 1);
    if (m[3] !== undefined) {
      // guard(mutex)(&x) / scoped_guard(spinlock, &x): the lock is the next argument list's first.
      const type = m[3];
      const guarded = m[0].trimEnd().endsWith(',') ? argument(code, code.indexOf('(', m.index!), 1) : firstArgument(code, code.indexOf('(', m.index! + m[0].length));
      const name = type === 'rcu' ? 'rcu' : guarded;
      if (name) out.push({ take: true, keys: name === 'rcu' ? ['rcu'] : lockKeys(name, types), name, atomic: /spin|rcu|irq/.test(type), assert: false });
      continue;
    }
    const call = m[1] ?? m[2]!;
    if (/_init$|_is_locked$|_trylock/.test(call)) continue;
    const rcu = /^rcu_read/.test(call);
    const sock = /^(?:lock_sock|release_sock)/.test(call);
    const name = rcu ? 'rcu' : sock ? 'the socket lock' : firstArgument(code, open);
    if (!name) continue;
    out.push({ take: m[1] !== undefined, keys: rcu ? ['rcu'] : sock ? ['sock'] : lockKeys(name, types), name, atomic: rcu || /^(?:spin_lock|raw_spin_lock|read_lock|write_lock|xa_lock)/.test(call), assert: /^lockdep_assert/.test(call) });
  }
  return out;
}

/** Per function of the patch (new side): the locks it takes (with whether the take is added) and what it calls. */
interface Body {
  takes: Map<string, boolean>;
  /** Locks it expects its caller to hold: it asserts them, or drops them before taking them. */
  expects: Set<string>;
  calls: Set<string>;
}

/** Every function the review sees, and the contexts registered with a handler, over the whole patch. */
interface Index {
  bodies: Map<string, Body>;
  /** member key of a work item/timer/tasklet/thread/irq/completion → functions that run it or complete it. */
  handlers: Map<string, Set<string>>;
  /** workqueue key → member keys of the items queued on it. */
  queued: Map<string, Set<string>>;
  /** Functions registered as vhost work or poll handlers (what a vhost flush waits for). */
  vhostWork: Set<string>;
  /** Ops member → the functions the patch's ops tables put there (".release = fn,"). */
  ops: Map<string, Set<string>>;
}

const indexOf = new WeakMap<object, Index>();

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  entryOf(m, k, () => new Set()).add(v);
}

/** A call through an ops member: "vsk->transport->release(vsk)", "ops->set_status(vdpa, 0)". */
const MEMBER_CALL = /->\s*([a-z_]\w*)\s*\(/g;

/** Handler argument position per registration. */
const HANDLER_ARG: Record<string, number> = { INIT_WORK: 1, INIT_DELAYED_WORK: 1, INIT_WORK_ONSTACK: 1, vhost_work_init: 1, vhost_poll_init: 1, timer_setup: 1, tasklet_setup: 1, tasklet_init: 1, kthread_run: 0, kthread_create: 0, kthread_run_worker: 0, request_irq: 1, devm_request_irq: 2, request_threaded_irq: 1, devm_request_threaded_irq: 2 };
/** The second handler of a threaded irq. */
const THREAD_ARG: Record<string, number> = { request_threaded_irq: 2, devm_request_threaded_irq: 3 };

/** The line that starts `fn`'s definition (column 0, its name before "("): every line of it after this one is in view. */
const startsFunction = (code: string, fn: string) => /^[A-Za-z_]/.test(code) && code.includes(`${fn}(`);

/**
 * One line of `fn` into its body: the locks it takes or expects held, and what it calls.
 * `added` is whether a take on this line is the patch's, null when the function's start is not
 * in view (a take might re-take after an unlock above the hunk: not recorded). Returns whether
 * the line has a call at all.
 */
function readLine(body: Body, fn: string, code: string, types: Map<string, string>, added: boolean | null): boolean {
  declare(code, types);
  if (!code.includes('(')) return false;
  for (const c of lockCalls(code, types)) {
    for (const k of c.keys) {
      if (c.take && !c.assert) {
        if (added !== null) body.takes.set(k, (body.takes.get(k) ?? false) || added);
      } else if (!body.takes.has(k)) body.expects.add(k);
    }
  }
  for (const m of code.matchAll(ANY_CALL)) if (m[1] !== fn) body.calls.add(m[1]!);
  return true;
}

function buildIndex(all: AnnotatedHunk[][]): Index {
  const idx: Index = { bodies: new Map(), handlers: new Map(), queued: new Map(), vhostWork: new Set(), ops: new Map() };
  const types = new Map<string, Map<string, string>>();
  for (const hunks of all) for (const h of bounded(hunks)) {
    // Functions whose start (the definition line) this hunk shows: only there is every line
    // before a lock call visible, so a take is not the re-take after an unlock above the hunk.
    const started = new Set<string>();
    for (const l of h.lines) {
      if (l.kind === '-') continue;
      const op = l.code.includes('=') ? OP_ASSIGN.exec(l.code) : null;
      if (op) addTo(idx.ops, op[1]!, op[2]!);
      if (!l.function) continue;
      const fn = l.function;
      const body = entryOf(idx.bodies, fn, (): Body => ({ takes: new Map(), expects: new Set(), calls: new Set() }));
      const code = l.code;
      if (!started.has(fn) && startsFunction(code, fn)) started.add(fn);
      const declared = entryOf(types, fn, () => new Map());
      if (!readLine(body, fn, code, declared, started.has(fn) ? l.kind === '+' : null)) continue;
      for (const m of matchesIn(code, REGISTERS)) {
        const call = m[1]!;
        const open = m.index! + m[0].length - 1;
        if (call === fn) continue;
        if (call === 'complete' || call === 'complete_all') {
          addTo(idx.handlers, `done:${memberKey(argument(code, open, 0))}`, fn);
          continue;
        }
        if (/^(?:queue_work|queue_delayed_work|mod_delayed_work)$/.test(call)) {
          addTo(idx.queued, keyOf(argument(code, open, 0)), memberKey(argument(code, open, 1)));
          continue;
        }
        const handler = argument(code, open, HANDLER_ARG[call] ?? 1);
        const thread = THREAD_ARG[call] !== undefined ? argument(code, open, THREAD_ARG[call]!) : '';
        // What the context is reached by later: the item's member, the stored task, the irq number.
        const target = /^kthread_/.test(call) ? /(\S+?)\s*=\s*kthread_/.exec(code)?.[1] ?? '' : argument(code, open, 0);
        const key = /irq$/.test(call) ? `irq:${memberKey(target)}` : /^kthread_/.test(call) ? `task:${memberKey(target)}` : memberKey(target);
        for (const f of [handler, thread]) {
          if (!/^[A-Za-z_]\w*$/.test(f) || f === 'NULL') continue;
          if (key) addTo(idx.handlers, key, f);
          if (/^vhost_(?:work|poll)_init$/.test(call)) idx.vhostWork.add(f);
        }
      }
    }
  }
  return idx;
}

/** The functions a wait waits for, by the object it names. */
function waitedFor(idx: Index, call: string, code: string, open: number): Set<string> {
  const first = argument(code, open, 0);
  if (/^vhost_\w*flush/.test(call)) return idx.vhostWork;
  if (/^(?:flush_workqueue|drain_workqueue|destroy_workqueue)$/.test(call)) {
    const out = new Set<string>();
    for (const item of idx.queued.get(keyOf(first)) ?? []) for (const f of idx.handlers.get(item) ?? []) out.add(f);
    return out;
  }
  if (/^kthread_/.test(call)) return idx.handlers.get(`task:${memberKey(first)}`) ?? new Set();
  if (/irq$/.test(call)) return idx.handlers.get(`irq:${memberKey(first)}`) ?? new Set();
  if (/^wait_for_completion/.test(call)) return idx.handlers.get(`done:${memberKey(first)}`) ?? new Set();
  if (/^synchronize_|^rcu_barrier/.test(call)) return new Set();
  const member = memberKey(first);
  return idx.handlers.get(member) ?? namedAfter(idx, member);
}

/**
 * With the INIT_WORK out of sight, the handler the driver named after the item:
 * "vsock->rx_work" is run by virtio_transport_rx_work(). Only distinctive member names.
 */
function namedAfter(idx: Index, member: string): Set<string> {
  const out = new Set<string>();
  if (member.length < 6 || !member.includes('_')) return out;
  for (const fn of idx.bodies.keys()) if (fn.endsWith(`_${member}`) || fn === member) out.add(fn);
  return out;
}

/** The body of a function read whole from the tree (nothing in it is the patch's). */
function bodyFromText(fn: string, lines: string[]): Body {
  const body: Body = { takes: new Map(), expects: new Set(), calls: new Set() };
  const types = new Map<string, string>();
  for (const code of lines) readLine(body, fn, code, types, false);
  return body;
}

/** Does `fn` (or a function it calls, one hop) take the lock `key`? With whether that take is added, and where. */
function takesLock(bodyOf: (fn: string) => Body | undefined, fn: string, keys: string[]): { via: string; added: boolean } | null {
  const body = bodyOf(fn);
  if (!body) return null;
  const own = takenBy(body, keys);
  if (own !== undefined) return { via: fn, added: own };
  for (const c of body.calls) {
    const callee = bodyOf(c);
    const added = callee && takenBy(callee, keys);
    if (added !== undefined) return { via: c, added };
  }
  return null;
}
/** Whether a body takes a lock under one of its names: undefined if not, else whether that take is added. */
function takenBy(body: Body, keys: string[]): boolean | undefined {
  if (keys.some((k) => body.expects.has(k))) return undefined;
  let out: boolean | undefined;
  for (const k of keys) {
    const added = body.takes.get(k);
    if (added !== undefined) out = (out ?? false) || added;
  }
  return out;
}

/** A line of one side of a hunk with a call, in a function: what the walks over that side need of it. */
interface Step {
  l: AnnotatedLine;
  fn: string;
  /** The function changed since the previous step: nothing is held any more. */
  fresh: boolean;
  /** The line starts the function's definition. */
  starts: boolean;
  locks: LockCall[];
}
const stepsCache = new WeakMap<AnnotatedHunk, { '+'?: Step[]; '-'?: Step[] }>();

/** The steps of one side of a hunk (context included), read once for the several walks over it. */
function stepsOf(h: AnnotatedHunk, side: '+' | '-'): Step[] {
  const cached = entryOf(stepsCache, h, () => ({}));
  const known = cached[side];
  if (known) return known;
  const out: Step[] = [];
  let fn: string | null | undefined;
  let fresh = true;
  let types = new Map<string, string>();
  for (const l of h.lines) {
    if (l.kind !== ' ' && l.kind !== side) continue;
    if (l.function !== fn) {
      fn = l.function;
      fresh = true;
      types = new Map();
    }
    const code = l.code;
    declare(code, types);
    if (!fn || !code.includes('(')) continue;
    out.push({ l, fn, fresh, starts: startsFunction(code, fn), locks: lockCalls(code, types) });
    fresh = false;
  }
  cached[side] = out;
  return out;
}

export const waitWhileHoldingFacts = detector({ files: isCLike, needs: [LOCKS] }, (file, allHunks, scope?: PatchScope) => {
  const hunks = bounded(allHunks);
  // Where no line of the file takes or drops a lock nothing is ever held (its callers here take
  // none either): no wait or call runs under one, and the patch's index need not be built.
  if (!hunks.some((h) => stepsOf(h, '+').some((s) => s.locks.length > 0) || stepsOf(h, '-').some((s) => s.locks.length > 0))) return [];
  const key = scope ?? hunks;
  let idx = indexOf.get(key);
  if (!idx) indexOf.set(key, (idx = buildIndex(scope ? scope.files.map((f) => f.hunks) : [hunks])));
  // Inside a tree, a function defined in another file of the same directory is read from there.
  const tree = scope?.ctx.tree;
  const fromTree = new Map<string, Body | undefined>();
  const bodyOf = (fn: string): Body | undefined => {
    const seen = idx!.bodies.get(fn);
    if (seen || !tree) return seen;
    if (!fromTree.has(fn)) {
      const lines = siblingDefinition(tree, file.path, fn);
      fromTree.set(fn, lines ? bodyFromText(fn, lines) : undefined);
    }
    return fromTree.get(fn);
  };
  // One fact per function and waited-for object or callee: the first line that shows it.
  const found = new Map<string, Fact>();
  const emit = (what: string, symbol: string, l: AnnotatedLine, detail: string) => {
    const at = [what, l.function, symbol].join('\u0000');
    if (!found.has(at)) found.set(at, lineFact('wait-while-holding', symbol, file, l, { detail: `${detail} (read from the code in view: the patch, or whole files inside a tree; not verified)` }));
  };
  // Locks a caller holds around its call of a function of this file, per side (one hop): the
  // callee runs under them, as an ioctl's sub-handler runs under the mutex its dispatcher took.
  const inherited = { '+': new Map<string, Held[]>(), '-': new Map<string, Held[]>() };
  for (const side of ['-', '+'] as const) {
    for (const h of hunks) {
      walk(h, side, null, (l, fn, held) => {
        for (const m of l.code.matchAll(ANY_CALL)) {
          const callee = m[1]!;
          if (callee === fn || !idx!.bodies.has(callee)) continue;
          const list = entryOf(inherited[side], callee, () => []);
          for (const x of held) if (!x.by && !list.some((y) => y.keys[0] === x.keys[0])) list.push({ ...x, by: fn });
        }
      });
    }
  }
  for (const h of hunks) {
    // The pairings the old side already had: a line under a lock, per function. One that the
    // new side has and the old did not is the patch's (a wait or call added or moved under the
    // lock, or the lock moved around it).
    const before = new Set<string>();
    walk(h, '-', inherited['-'], (l, fn, held) => {
      for (const x of held) before.add(`${fn}\u0000${l.code.trim()}\u0000${x.keys[0]}`);
    });
    walk(h, '+', inherited['+'], (l, fn, held) => check(l, fn, held, (x) => !before.has(`${fn}\u0000${l.code.trim()}\u0000${x.keys[0]}`)));
  }

  /** Each line of one side (context included) with the locks held as it runs, per function. */
  function walk(h: AnnotatedHunk, side: '+' | '-', callers: Map<string, Held[]> | null, visit: (l: AnnotatedLine, fn: string, held: Held[]) => void) {
    let held: Held[] = [];
    for (const { l, fn, fresh, starts, locks } of stepsOf(h, side)) {
      if (fresh) held = [];
      // The function's start is shown: what its callers hold, it runs under.
      if (callers && held.length === 0 && starts) held = [...(callers.get(fn) ?? [])];
      // Calls on the line run before its own lock call releases (spin_unlock after a flush on one line is rare).
      if (held.length > 0) visit(l, fn, held);
      for (const c of locks) {
        // A release with no take in sight was held from above the shown lines; from here on it is gone.
        if (!c.take) held = held.filter((x) => x.keys[0] !== c.keys[0]);
        else if (!held.some((x) => x.keys[0] === c.keys[0])) held.push({ keys: c.keys, name: c.name, atomic: c.atomic });
      }
    }
  }

  function check(l: AnnotatedLine, fn: string, held: Held[], isNew: (x: Held) => boolean) {
    const code = l.code;
    for (const m of matchesIn(code, WAITS)) {
      const call = m[1]!;
      if (call === fn) continue;
      const open = m.index! + m[0].length - 1;
      const object = argument(code, open, 0) || call;
      const atomic = held.find((x) => x.atomic);
      if (atomic && SLEEPS_UNSEEN.test(call) && isNew(atomic)) {
        emit('atomic', call, l, `${fn}() now calls ${call}(${object === call ? '' : object}) inside ${atomic.name === 'rcu' ? 'an RCU read section' : heldName(atomic)} (atomic context): ${call}() sleeps until what it waits for finishes, which must not happen under a spinlock or RCU read lock`);
        continue;
      }
      // Every vhost work and poll handler runs with its virtqueue's mutex taken (vhost.h's
      // contract; handle_tx/handle_rx and the vsock and scsi kicks all start that way), so a
      // vhost flush under a virtqueue mutex waits for a handler that waits for that mutex.
      const vqMutex = /^vhost_\w*flush/.test(call) ? held.find((x) => x.keys.some((k) => VQ_MUTEX.test(k))) : undefined;
      if (vqMutex && isNew(vqMutex)) {
        emit('wait', object, l, `${fn}() now waits in ${call}(${object === call ? '' : object}) while holding ${heldName(vqMutex)}, and the vhost work handlers that call waits for take their virtqueue's mutex: each waits for the other, a deadlock`);
        return;
      }
      for (const target of waitedFor(idx!, call, code, open)) {
        if (target === fn) continue;
        for (const x of held) {
          if (x.keys[0] === 'rcu') continue;
          const t = takesLock(bodyOf, target, x.keys);
          if (!t || !(isNew(x) || t.added)) continue;
          const via = t.via === target ? '' : ` (through ${t.via}())`;
          emit('wait', object, l, `${fn}() now waits in ${call}(${object === call ? '' : object}) while holding ${heldName(x)}, and ${target}(), which that call waits for, takes ${x.name} itself${via}: each waits for the other, a deadlock`);
          return;
        }
      }
    }
    // relocks-through-callee: a call made under the lock to a function that takes it, directly
    // or through an ops member whose installed function does.
    const calls: { callee: string; via?: string }[] = [];
    for (const m of code.matchAll(ANY_CALL)) if (code[m.index! - 1] !== '>') calls.push({ callee: m[1]! });
    if (code.includes('->')) {
      for (const m of code.matchAll(MEMBER_CALL)) {
        const member = m[1]!;
        for (const impl of new Set([...(idx!.ops.get(member) ?? []), ...(tree ? siblingOps(tree, file.path, member) : [])])) calls.push({ callee: impl, via: member });
      }
    }
    for (const { callee, via } of calls) {
      if (callee === fn || /lock|guard|_held|^if$|^for$|^while$|^switch$|^return$|^sizeof$/.test(callee)) continue;
      const body = bodyOf(callee);
      for (const x of held) {
        if (x.keys[0] === 'rcu' || !body) continue;
        const added = takenBy(body, x.keys);
        if (added === undefined || !(isNew(x) || added)) continue;
        const what = via ? `->${via}(), which runs ${callee}(),` : `${callee}()`;
        emit('relock', via ? `${via}` : callee, l, `${fn}() now calls ${what} while holding ${heldName(x)}, and ${callee}() takes ${x.name} itself: the second acquisition waits for the first forever, a self-deadlock`);
        return;
      }
    }
  }
  return [...found.values()];
});
