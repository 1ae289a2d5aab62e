// Resource calls in setup and teardown paths. Definition: an existing function whose ROLE is
// setup (probe/open/bind/attach/register/...) or teardown (release/remove/close/reset/unbind/
// destroy/...), by the verb in its name or by the ops member it is assigned to, has a resource
// call (get/put, alloc/free, register/unregister, map/unmap, pin/unpin, publish/unpublish,
// flush/cancel/synchronize) that the patch removes, moves, or adds without its pair. Which
// call is a resource call, and which calls pair, is read from the verb in the callee's name,
// so the detector knows no subsystem's helpers.
import type { Fact } from '../../model/facts.js';
import type { AnnotatedHunk } from '../annotate.js';
import { isCLike } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';
import { changedCalls, bounded, liveFunctions, callArguments, type CallChange } from './call-changes.js';
import { isCountedReference } from './reference-families.js';
import { nameWords, roleOfWords, type Role } from './function-roles.js';
import { OP_ASSIGN } from '../tree/sibling-definitions.js';

type Kind = 'acquire' | 'release' | 'quiesce';

/** Per-buffer functions (detach_buf, unmap_one, map_sg, free_old_xmit) are data paths, not a role. */
const DATA_PATH = new Set(['buf', 'bufs', 'desc', 'descs', 'sg', 'sgs', 'sgl', 'skb', 'skbs', 'page', 'pages', 'one', 'xmit', 'rx', 'tx', 'packet', 'pkt', 'req', 'request', 'cmd', 'msg']);

/** Verbs that make a call a resource call (the first such token of the callee decides). */
const CALL_VERBS: Record<string, Kind> = {
  get: 'acquire', alloc: 'acquire', register: 'acquire', map: 'acquire', pin: 'acquire', request: 'acquire', create: 'acquire', add: 'acquire', insert: 'acquire', attach: 'acquire', bind: 'acquire', grab: 'acquire', install: 'acquire',
  put: 'release', free: 'release', unregister: 'release', unmap: 'release', unpin: 'release', destroy: 'release', remove: 'release', del: 'release', erase: 'release', release: 'release', detach: 'release', unbind: 'release', disable: 'release', drop: 'release', uninit: 'release', deinit: 'release', cleanup: 'release',
  flush: 'quiesce', cancel: 'quiesce', synchronize: 'quiesce', drain: 'quiesce', wait: 'quiesce', kill: 'quiesce', stop: 'quiesce', quiesce: 'quiesce',
};
/**
 * One-word kernel calls and the namespace their pair shares. Plain memory (kzalloc/kfree) is
 * left out: a leaked or early-freed buffer is not a registration, mapping or reference.
 */
const ONE_WORD: Record<string, { kind: Kind; ns: string }> = {
  fdget: { kind: 'acquire', ns: 'file' }, fget: { kind: 'acquire', ns: 'file' }, fdput: { kind: 'release', ns: 'file' }, fput: { kind: 'release', ns: 'file' },
  mmgrab: { kind: 'acquire', ns: 'mm' }, mmget: { kind: 'acquire', ns: 'mm' }, mmdrop: { kind: 'release', ns: 'mm' }, mmput: { kind: 'release', ns: 'mm' },
  ioremap: { kind: 'acquire', ns: 'io' }, iounmap: { kind: 'release', ns: 'io' },
};
/**
 * Namespaces whose verbs are not resources: arithmetic (atomic_add), attribute and buffer
 * writers (nla_put_u32, skb_put), tracing, accessors of user memory, debugfs (removed recursively),
 * slab caches.
 */
const NOT_RESOURCE = /^(atomic\d*|local\d*|this|percpu|u64|skb|nla|nlmsg|genlmsg|seq|trace|bitmap|test|set|clear|get_user|put_user|copy|debugfs|printk|pr|dev_(?:err|warn|info|dbg)|memblock|kmem|kunit|lockdep|static|smp|read|write|wake|init|spin|mutex|rcu|raw)(?:_|$)/;
/** A get or put names a resource only at the ends of the name (kref_get, get_device), not as an accessor (dev_get_drvdata). */
const EDGE_ONLY = new Set(['get', 'put']);
/** Automatic cleanup in the patch: a removed explicit release is then expected. */
const MANAGED = /\b(?:devm_|pcim_|__free\s*\(|guard\s*\(|scoped_guard\b|no_free_ptr\b|return_ptr\b)/;
/** Keywords followed by a parenthesis: not calls. */
const KEYWORD = /^(if|for|while|switch|return|sizeof|do|else|case|goto|typeof|__typeof__|defined)$/;
/** A call of any name, upper-case included (unlike ANY_CALL); group 1 is the name. */
const CALL = /\b([A-Za-z_]\w*)\s*\(/g;

/**
 * Calls that make an object reachable by others (an id table, a list, an RCU pointer, an fd, a
 * registration), and which argument is the object.
 */
const PUBLISH: [RegExp, number][] = [
  [/^(xa_alloc\w*|xa_insert\w*|xa_store\w*)$/, 2],
  [/^(idr_alloc\w*|hash_add\w*|rcu_assign_pointer|fd_install|radix_tree_insert)$/, 1],
  [/^(list_add\w*|hlist_add\w*|device_add|cdev_add|cdev_device_add|\w*_register\w*|register_\w+)$/, 0],
];
/** Lines of the new side after a publish within which an initialisation of the object counts. */
const INIT_WINDOW = 12;

/** The variable an argument reaches its object through: "&idev->obj" → idev. */
const baseOf = (arg: string) => /^[\s&*(]*([A-Za-z_]\w*)/.exec(arg.replace(/\([^()]*\)/, ''))?.[1] ?? null;

interface Resource {
  kind: Kind;
  /** Tokens of the name other than its verb: a pair shares one. */
  ns: string[];
}

const tokens = (name: string) => name.replace(/^_+/, '').split('_').filter(Boolean);

/** The role of a function from its name's first role verb. */
export function roleOfName(fn: string): Role | null {
  const words = nameWords(fn);
  return words.some((w) => DATA_PATH.has(w)) ? null : roleOfWords(words);
}

/** What a call does to a resource, read from its name, or null for any other call. */
export function resourceOf(call: string): Resource | null {
  const one = ONE_WORD[call];
  if (one) return { kind: one.kind, ns: [one.ns] };
  if (KEYWORD.test(call) || NOT_RESOURCE.test(call.replace(/^_+/, ''))) return null;
  const ts = tokens(call);
  if (ts.length < 2) return null;
  for (let i = 0; i < ts.length; i++) {
    const kind = CALL_VERBS[ts[i]!];
    if (!kind) continue;
    if (EDGE_ONLY.has(ts[i]!) && (i === 0 ? ts.length > 2 : i !== ts.length - 1)) return null;
    // request_irq, request_mem_region, request_firmware: a request of anything else is an I/O.
    if (ts[i] === 'request' && !/^(irq|region|firmware|module)$/.test(ts[ts.length - 1]!)) return null;
    // "del_timer_sync", "cancel_work_sync": the sync suffix makes a release a wait.
    const k: Kind = ts[ts.length - 1] === 'sync' ? 'quiesce' : kind;
    return { kind: k, ns: ts.filter((_, j) => j !== i && ts[j]!.length > 1) };
  }
  return null;
}

const CALLEE = /^\s*\(?\s*([a-z_]\w*)\s*\(/;

/**
 * Objects an added line assigns from an acquire (mr->iotlb = vhost_iotlb_alloc(...)): a release
 * of one of them in a teardown or reset is the pair of that new acquire, not of older state.
 */
export function newlyAcquired(hunks: AnnotatedHunk[]): Set<string> {
  const out = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind !== '+') continue;
    const eq = l.code.indexOf('=');
    if (eq <= 0 || l.code[eq + 1] === '=' || '!<>='.includes(l.code[eq - 1]!)) continue;
    const callee = CALLEE.exec(l.code.slice(eq + 1))?.[1];
    if (!callee || resourceOf(callee)?.kind !== 'acquire') continue;
    const lhs = l.code.slice(0, eq).trim().split(/\s+/).pop()!.replace(/^[*&]+/, '');
    if (lhs) out.add(lhs);
  }
  return out;
}

/** An acquire and a release of the same resource: their names share a token besides the verb. */
export const pairs = (a: Resource, b: Resource) => a.ns.some((t) => b.ns.includes(t));

/** Function → role, from names and from ops members in any line of the file. */
function roles(hunks: AnnotatedHunk[]): (fn: string | null) => Role | null {
  const byOp = new Map<string, Role>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === '-') continue;
    // An ops member gives its function a role whatever the function's own name.
    const m = OP_ASSIGN.exec(l.code);
    const role = m ? roleOfName(m[1]!) : null;
    if (m && role) byOp.set(m[2]!, role);
  }
  return (fn) => (fn ? (byOp.get(fn) ?? roleOfName(fn)) : null);
}

interface Classified extends CallChange {
  res: Resource;
}

const what = (r: Resource) => (r.kind === 'quiesce' ? 'waits for or stops users with' : r.kind === 'release' ? 'releases with' : 'takes');

export const resourceRoleFacts: FileFactProducer = (file, allHunks) => {
  if (!isCLike(file.path) || file.role === 'uapi-header') return [];
  const hunks = bounded(allHunks);
  const roleOf = roles(hunks);
  // Only changed lines inside functions that have a role are looked at.
  const inRole = hunks.filter((h) => h.lines.some((l) => l.kind !== ' ' && roleOf(l.function)));
  if (inRole.length === 0) return [];
  const calls: Classified[] = [];
  for (const c of changedCalls(inRole, CALL)) {
    const res = resourceOf(c.call);
    if (res && c.line.function && c.call !== c.line.function) calls.push({ ...c, res });
  }
  const added = hunks.flatMap((h) => h.lines.filter((l) => l.kind === '+'));
  if (added.some((l) => MANAGED.test(l.code))) return [];
  const alive = liveFunctions(hunks);
  // Every resource call still on the new side of the file (context or added), and those added anywhere.
  const present: Resource[] = [];
  const addedNames = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === '-') continue;
    for (const m of l.code.matchAll(CALL)) {
      const r = resourceOf(m[1]!);
      if (r) present.push(r);
      if (l.kind === '+') addedNames.add(m[1]!);
    }
  }
  const removedAcquires = calls.filter((c) => c.side === '-' && !c.moved && c.res.kind === 'acquire');
  // A call of one kind removed and another of the same kind added in the same function is a
  // helper renamed or swapped (destroy_mr_asid() → destroy_mr()), not a resource gained or lost.
  const sides = new Set(calls.filter((c) => !c.moved).map((c) => `${c.line.function}\u0000${c.res.kind}\u0000${c.side}`));
  const replaced = (c: Classified) => sides.has(`${c.line.function}\u0000${c.res.kind}\u0000${c.side === '+' ? '-' : '+'}`);
  // A callee whose body the diff shows is a helper of this file: its own lines speak for it.
  const shown = new Set<string>();
  for (const h of hunks) for (const l of h.lines) if (l.function) shown.add(l.function);
  const out: Fact[] = [];
  const seen = new Set<string>();
  const emit = (kind: 'teardown-call-changed' | 'setup-call-unpaired', c: Classified, detail: string) => {
    const key = `${kind}\u0000${c.line.function}\u0000${c.call}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(lineFact(kind, c.call, file, c.line, { detail }));
  };
  // A publish followed by initialisation says more than "no release added": it goes first.
  for (const f of publishedBeforeInit(inRole, roleOf)) emit('setup-call-unpaired', f.c, f.detail);
  for (const c of calls) {
    const fn = c.line.function!;
    const role = roleOf(fn);
    if (!role || !alive.has(fn) || shown.has(c.call)) continue;
    const { kind } = c.res;
    if (c.moved) {
      // Order is the point in both directions: teardown in reverse of setup, publish last.
      if (role === 'teardown' && kind !== 'acquire') emit('teardown-call-changed', c, `${fn}() moves ${c.call}(${c.object}): the teardown now ${what(c.res)} ${c.call}() at another point, so what it releases may still be in use by work, interrupts or callbacks that stop later, or be released out of the reverse order it was taken`);
      else if (role === 'setup' && kind === 'acquire') emit('setup-call-unpaired', c, `${fn}() moves ${c.call}(${c.object}): the setup path now takes or publishes it at another point, so it may be visible before it is fully initialised, or not undone in reverse order when a later step fails`);
      continue;
    }
    // A get or put added or dropped without its pair is ref-unbalanced's (lifetime.ts) finding.
    if (replaced(c) || isCountedReference(c.call)) continue;
    if (c.side === '-') {
      if (kind === 'acquire') continue;
      // Gone from this function but called from another added line: moved into a helper or elsewhere.
      if (addedNames.has(c.call)) continue;
      if (kind === 'release' && removedAcquires.some((a) => pairs(a.res, c.res))) continue;
      const where = role === 'teardown' ? 'the teardown' : 'the setup path (its error unwind)';
      if (kind === 'quiesce' && role !== 'teardown') continue;
      emit(role === 'teardown' ? 'teardown-call-changed' : 'setup-call-unpaired', c, `${fn}() no longer calls ${c.call}(${c.object}): ${where} ${kind === 'quiesce' ? 'no longer waits for users still in flight (work, interrupts, callbacks) before it goes on' : 'no longer releases it, so it leaks, or something else must release it on every path'}`);
      continue;
    }
    // Added: an acquire in a setup path whose release the patch does not add and the file does not show.
    if (role !== 'setup' || kind !== 'acquire') continue;
    if (present.some((r) => r.kind === 'release' && pairs(r, c.res))) continue;
    emit('setup-call-unpaired', c, `${fn}() now calls ${c.call}(${c.object}) and the patch adds no matching release: a failure later in ${fn}() or the teardown that undoes it may leave it taken`);
  }
  return out;
};

/**
 * An added or moved publish in a setup path followed, a few lines on, by a store into the object
 * it published: for that while, other paths can find the object half initialised.
 */
function publishedBeforeInit(hunks: AnnotatedHunk[], roleOf: (fn: string | null) => Role | null): { c: Classified; detail: string }[] {
  const out: { c: Classified; detail: string }[] = [];
  for (const h of hunks) {
    const seq = h.lines.filter((l) => l.kind !== '-' && l.code.trim() !== '');
    seq.forEach((l, i) => {
      if (!l.function || roleOf(l.function) !== 'setup') return;
      for (const m of l.code.matchAll(CALL)) {
        const call = m[1]!;
        const which = PUBLISH.find(([re]) => re.test(call) && !/unregister/.test(call));
        if (!which) continue;
        const base = baseOf(callArguments(l.code, m.index! + m[0].length - 1)[which[1]] ?? '');
        if (!base || base === l.function) continue;
        const store = new RegExp(`\\b${base}\\s*(?:->|\\.)\\s*(\\w+)[^=;]*?[^=!<>]=[^=]`);
        // The patch adds the publish, or adds a store after an existing one.
        const later = seq.slice(i + 1, i + 1 + INIT_WINDOW).filter((x) => x.function === l.function && (l.kind === '+' || x.kind === '+'));
        const init = later.map((x) => store.exec(x.code)).find(Boolean);
        if (!init) continue;
        const c: Classified = { call, object: base, side: '+', line: l, res: { kind: 'acquire', ns: [] } };
        out.push({ c, detail: `${l.function}() ${l.kind === '+' ? 'now ' : ''}publishes ${base} with ${call}() and only then sets ${base}->${init[1]}: other paths (an ioctl, a lookup by id, a notifier) can find ${base} before it is fully initialised` });
        return;
      }
    });
  }
  return out;
}
