// reset-state-not-cleared: state a device keeps across a reset that promised to forget it.
// A reset (vhost's vq and owner reset, vdpa .reset or set_status(0), VDUSE's and the
// simulator's reset, a virtio or vfio reset helper) returns a device or queue to its initial
// state for the next user: what userspace, the guest or the other side set at run time
// (negotiated features, an address, a counter, a flag, a callback, an eventfd) must not carry
// over. Reviewers answer a patch that adds such a member with "this also needs clearing on
// reset", and object when a reset stops clearing one (class and sources:
// knowledge/uapi-general/reset-state-not-cleared.md). Two shapes:
// - a member the patch adds to an existing struct, set at run time (not in init, probe or
//   open), in a driver whose reset function the patch shows (a hunk in it, or the whole file
//   with --tree) or names (an ops `.reset =` or a call), and the reset neither mentions it nor
//   is any other function of the patch seen clearing it;
// - a reset function that loses the line clearing a member, with nothing in the patch clearing
//   that member again.
// Brand-new structs are left out (a new driver's reset is written with them); a new setter
// function is not: adding a member and the handler that sets it is the shape reviewers answer.
// What counts as a reset, a set and a clear is read from names, so the finding is a heuristic.
import type { Fact } from '../../model/facts.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { isCLike } from '../annotate.js';
import type { PatchScope } from '../uapi/scope.js';
import { lineFact } from './types.js';
import { bounded, calledFrom, linesByFunction } from './call-changes.js';
import { escapeRegExp } from './escape-regexp.js';
import { MAPPING_PARTS } from './reset-paths.js';
import { isRoleVerb, nameWords } from './function-roles.js';
import { entryOf } from '../map-entry.js';

/** Words in a reset's name that say it resets a mapping or a view, which keeps device state by design. */
// Unlike reset-paths.ts, a queue's reset counts: per-queue state is cleared there (vhost's vq reset).
const NOT_STATE_RESET = new Set([...MAPPING_PARTS, 'skb', 'header', 'timer', 'iter', 'mac', 'network', 'transport']);
/** A function that resets a device or a queue: "reset" as a word of its name (vhost_vq_reset, vduse_dev_reset, reset_owner). */
const isStateReset = (fn: string): boolean => {
  // Asked for every line of every file: most names do not hold the word at all.
  if (!/reset/i.test(fn)) return false;
  const words = nameWords(fn);
  return words.some((w) => w === 'reset' || w === 'resets') && !words.some((w) => NOT_STATE_RESET.has(w));
};
/**
 * Role verbs (function-roles.ts) of functions that run on request while the device is in use: a
 * DMA map or pin, a queue's irq setup (vhost_vdpa_setup_vq_irq). What they set is run-time state.
 */
const RUN_TIME_VERBS = new Set(['setup', 'map', 'unmap', 'pin', 'unpin']);
/** Words besides the role verbs of functions that build or take apart an object. */
const LIFE_WORDS = new Set(['init', 'alloc', 'new', 'ctor', 'add', 'clear', 'del', 'put']);
/** Functions where a member is set once for the device's life, or torn down: not a run-time set. */
const setsOnceOrTearsDown = (fn: string): boolean =>
  fn.includes('reset') || /(?:^|_)setup_dev(?:_|$)/.test(fn) || nameWords(fn).some((w) => (isRoleVerb(w) && !RUN_TIME_VERBS.has(w)) || LIFE_WORDS.has(w));
/** "\tu64 last_iova;" or "\tstruct eventfd_ctx *ctx;" or "\tbool ready:1;": group 2 is the member. */
const MEMBER = /^\s*(?:const\s+|volatile\s+)?((?:struct|union|enum)\s+\w+|unsigned\s+(?:int|long|char|short)|[A-Za-z_]\w*)(?:\s+|\s*\*+\s*)(?:const\s+)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?(?::\s*\d+\s*)?;/;
/** Members set up once and never "state" a reset could leak: locks, wait queues, work, lists, ops. */
const INFRASTRUCTURE = /^(?:spinlock_t|rwlock_t|seqlock_t|raw_spinlock_t|wait_queue_head_t|struct (?:mutex|rw_semaphore|work_struct|delayed_work|completion|list_head|hlist_head|hlist_node|rb_root|rb_node|kref|device|cdev|rcu_head|lock_class_key|notifier_block|\w+_ops|\w+_operations))$/;
/** Values that clear a member. */
const CLEARED = /^\s*(?:0+[uUlL]*|NULL|false|-1|~0[uUlL]*|\(\w+\)\s*0|0x0+|[A-Z_]*(?:INVALID|NONE|UNSET|UNKNOWN|DEFAULT)\w*)\s*$/;
/** A line that sets up a lock, list or work in place: not a run-time value. */
const IN_PLACE_INIT = /^\s*(?:spin_lock_init|mutex_init|init_waitqueue_head|INIT_\w+|init_completion|kref_init)\s*\(/;
/** An ops table member: ".reset = foo_reset," names the driver's reset. */
const OPS_RESET = /^\s*\.(\w*reset\w*)\s*=\s*&?(\w+)/;
/** A call by name (not through an ops pointer: "vdev->config->reset(vdev)" is a driver's teardown). */
const CALL = /(?<![>.]\s{0,2})\b([a-z_]\w*)\s*\(/g;
/** The core's reset as a virtio driver calls it: on remove or freeze, before its state is freed. */
const DRIVER_TEARDOWN_RESET = /^virtio_reset_device$/;
const STATISTICS = /stats|statistics|counters|cfg|config|caps\b|capabilit|attr/;

interface Added {
  name: string;
  aggregate: string;
  line: AnnotatedLine;
}

/** Members the patch adds to structs that existed before it (their first line is not an added one). */
function addedMembers(hunks: AnnotatedHunk[]): Added[] {
  const out: Added[] = [];
  for (const h of hunks) {
    // The aggregates whose opening line this hunk adds: a new struct, not new state in an old one.
    const fresh = new Set<string>();
    for (const l of h.lines) {
      if (!l.aggregate?.startsWith('struct ')) continue;
      if (/^(?:struct|typedef\s+struct)\b[^;]*\{/.test(l.code) && l.kind === '+') fresh.add(l.aggregate);
      // Statistics are kept across resets on purpose (they are read after one), and a struct that
      // describes the device (its config layout, capabilities, attributes) is not session state.
      if (l.kind !== '+' || fresh.has(l.aggregate) || l.code.includes('(') || STATISTICS.test(l.aggregate)) continue;
      const m = MEMBER.exec(l.code);
      if (!m || INFRASTRUCTURE.test(m[1]!.replace(/\s+/g, ' ')) || /^(?:return|goto|case|typedef|struct)$/.test(m[1]!)) continue;
      out.push({ name: m[2]!, aggregate: l.aggregate, line: l });
    }
  }
  return out;
}

/** The patterns that find a member's sets, clears and mentions, compiled once per member name and patch. */
interface MemberPatterns {
  assign: RegExp;
  preIncrement: RegExp;
  writeOnce: RegExp;
  setBit: RegExp;
  released: RegExp;
  compoundZero: RegExp;
  mention: RegExp;
}
const patternsOf = new Map<string, MemberPatterns>();
function patternsFor(name: string): MemberPatterns {
  let p = patternsOf.get(name);
  if (p) return p;
  const n = escapeRegExp(name);
  p = {
    assign: new RegExp(`(?:->|\\.)${n}\\s*(\\[[^\\]]*\\]\\s*)?(?:([+\\-|&^]?)=(?!=)\\s*([^;]*)|\\+\\+|--)`),
    preIncrement: new RegExp(`(?:\\+\\+|--)\\s*[\\w.>-]*(?:->|\\.)${n}\\b`),
    writeOnce: new RegExp(`\\bWRITE_ONCE\\s*\\([^,;]*(?:->|\\.)${n}\\s*,\\s*([^;]*)\\)`),
    setBit: new RegExp(`\\b(?:__)?set_bit\\s*\\([^;]*&[^;]*(?:->|\\.)${n}\\b`),
    released: new RegExp(`\\b(?:memset|bitmap_zero|bitmap_clear|\\w*_(?:put|free|release|clear|reset|drop)\\w*|\\w*(?:put|free)_\\w+|kfree|vfree|kvfree)\\s*\\([^;]*(?:->|\\.)${n}\\b`),
    compoundZero: new RegExp(`(?:->|\\.)${n}\\s*=\\s*\\(\\s*\\w+\\s*\\)\\s*\\{\\s*0?\\s*\\}`),
    mention: new RegExp(`(?:->|\\.)${n}\\b`),
  };
  patternsOf.set(name, p);
  return p;
}

/** A set of `name` on this line: "x->name = v", "x.name |= v", "x->name++", WRITE_ONCE(x->name, v), set_bit(n, &x->name). Returns the value set, '' for an update. */
function setValue(code: string, name: string): string | null {
  if (!code.includes(name)) return null;
  const p = patternsFor(name);
  const assign = p.assign.exec(code);
  if (assign) return assign[2] === undefined ? '' : assign[2] ? '' : (assign[3] ?? '');
  if (p.preIncrement.test(code)) return '';
  const once = p.writeOnce.exec(code);
  if (once) return once[1]!;
  if (p.setBit.test(code)) return '';
  return null;
}

/** A line that clears `name`: assigns it a cleared value, memsets it, zeroes its bitmap, or hands it to a put or free. */
function clears(code: string, name: string): boolean {
  if (!code.includes(name)) return false;
  const v = setValue(code, name);
  if (v !== null && v !== '' && CLEARED.test(v.replace(/\)\s*$/, ''))) return true;
  const p = patternsFor(name);
  return p.released.test(code) || p.compoundZero.test(code);
}

const mentions = (code: string, name: string) => code.includes(name) && patternsFor(name).mention.test(code);

interface ResetView {
  /** Reset functions with lines on the new side of the file, and the helpers they call. */
  shown: Map<string, AnnotatedLine[]>;
  /** Reset functions named by an ops table or a call but not shown. */
  named: Set<string>;
  /** The file is shown whole (a --tree review): a reset not shown does not exist. */
  whole: boolean;
}

function resetsOf(hunks: AnnotatedHunk[], whole: boolean): ResetView {
  const byFn = linesByFunction(hunks);
  const shown = new Map<string, AnnotatedLine[]>();
  const reached = calledFrom(hunks, isStateReset);
  for (const [fn, lines] of byFn) {
    if (!fn || !(isStateReset(fn) || reached.has(fn))) continue;
    const live = lines.filter((l) => l.kind !== '-');
    if (live.length) shown.set(fn, live);
  }
  const named = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === '-' || !l.code.includes('reset')) continue;
    const ops = OPS_RESET.exec(l.code);
    if (ops && isStateReset(ops[1]!)) named.add(ops[2]!);
    for (const m of l.code.matchAll(CALL)) if (isStateReset(m[1]!) && !DRIVER_TEARDOWN_RESET.test(m[1]!) && m[1] !== l.function && !shown.has(m[1]!)) named.add(m[1]!);
  }
  return { shown, named, whole };
}

const fnOf = (fn: string) => `${fn}()`;

/**
 * The first run-time set of member `name` on an added line, with its file; null when there is
 * none, or when a new-side line of the patch clears the member (then nothing is left over).
 */
function runTimeSet<F extends { hunks: AnnotatedHunk[] }>(files: F[], name: string): { line: AnnotatedLine; file: F } | null {
  let set: { line: AnnotatedLine; file: F } | null = null;
  for (const f of files) for (const h of bounded(f.hunks)) for (const l of h.lines) {
    if (l.kind === '-' || !l.function || !l.code.includes(name)) continue;
    if (clears(l.code, name)) return null;
    if (set || l.kind !== '+' || setsOnceOrTearsDown(l.function) || IN_PLACE_INIT.test(l.code)) continue;
    if (setValue(l.code, name) !== null) set = { line: l, file: f };
  }
  return set;
}

export function resetStateFacts(scope: PatchScope): Fact[] {
  const files = scope.files.filter((f) => isCLike(f.file.path) && !f.file.binary && f.file.role !== 'uapi-header' && f.hunks.length);
  if (!files.some((f) => f.hunks.some((h) => h.lines.some((l) => l.code.includes('reset') || l.function?.includes('reset'))))) return [];
  patternsOf.clear();
  const out: Fact[] = [];
  const members = files.flatMap((f) => addedMembers(bounded(f.hunks)));
  // Every new-side line of the patch, per file: where members are set and cleared.
  // With a tree every file is one hunk from its first line (tree/whole-file.ts): nothing is out of sight.
  const isWhole = (f: (typeof files)[number]) => !!scope.ctx.tree && f.file.hunks.length === 1 && f.file.hunks[0]!.section === '' && f.file.hunks[0]!.newStart <= 1;
  // Read only for a file that a member set or a lost clear needs: most patches have neither.
  const views = new Map<(typeof files)[number], ResetView>();
  const viewOf = (f: (typeof files)[number]) => entryOf(views, f, () => resetsOf(bounded(f.hunks), isWhole(f)));
  const seen = new Set<string>();
  // A member whose declaration the patch also removes was moved or renamed, not added.
  const removedMembers = new Set<string>();
  for (const f of files) for (const h of bounded(f.hunks)) for (const l of h.lines) {
    const d = l.kind === '-' && l.aggregate ? MEMBER.exec(l.code) : null;
    if (d) removedMembers.add(d[2]!);
  }
  for (const m of members) {
    if (removedMembers.has(m.name)) continue;
    if (seen.has(m.name)) continue;
    const set = runTimeSet(files, m.name);
    if (!set) continue;
    // The driver's resets: those of the setter's file and of the other files of its directory in the patch.
    const dir = set.file.file.path.replace(/[^/]*$/, '');
    const driver = files.filter((g) => g === set!.file || g.file.path.replace(/[^/]*$/, '') === dir).map(viewOf);
    const view: ResetView = {
      shown: new Map(driver.flatMap((v) => [...v.shown])),
      named: new Set(driver.flatMap((v) => [...v.named])),
      whole: driver.every((v) => v.whole),
    };
    const setter = set.line.function!;
    // A reset that mentions the member handles it, whatever it does.
    if ([...view.shown.values()].some((lines) => lines.some((l) => mentions(l.code, m.name)))) continue;
    const resets = [...view.shown.keys()].filter(isStateReset);
    // A reset only called is the driver's own when it shares the setter's prefix (vhost_vq_reset
    // beside vhost_vring_ioctl); the PCI core's function reset does not touch a driver's members.
    const prefix = (fn: string) => fn.split('_')[0];
    const named = [...view.named].filter((n) => !view.shown.has(n) && prefix(n) === prefix(setter));
    if (resets.length === 0 && named.length === 0) continue;
    seen.add(m.name);
    const where = resets.length ? resets.map(fnOf).join(', ') : named.map(fnOf).join(', ');
    const verified = view.whole && resets.length
      ? `${where} is shown whole and does not touch it`
      : resets.length
        ? `not verified: only part of ${where} is shown and it does not touch it`
        : `not verified: the body of ${where} is not in the patch`;
    out.push(lineFact('reset-state-not-cleared', m.name, set.file.file, set.line, {
      detail: `the patch adds ${m.aggregate}.${m.name} and ${fnOf(setter)} sets it at run time, but no reset clears it: after a reset (${where}) the next user or driver finds the old value (${verified})`,
    }));
  }
  // A reset that stops clearing a member.
  for (const f of files) {
    const hunks = bounded(f.hunks);
    for (const h of hunks) for (const l of h.lines) {
      if (l.kind !== '-' || !l.function || !isStateReset(l.function) || !viewOf(f).shown.has(l.function)) continue;
      const target = /(?:->|\.)([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)?=(?!=)/.exec(l.code) ?? /\bmemset\s*\(\s*&?[\w.>-]*(?:->|\.)([A-Za-z_]\w*)/.exec(l.code);
      const name = target?.[1];
      if (!name || seen.has(name) || !clears(l.code, name)) continue;
      // Cleared again anywhere in the patch (moved to a helper), or the member mentioned on an added line (reworked): not lost.
      const still = files.some((g) => bounded(g.hunks).some((gh) => gh.lines.some((x) => x.kind !== '-' && mentions(x.code, name) && (x.kind === '+' || x.function === l.function))));
      const deleted = members.some((a) => a.name === name) || removedMembers.has(name);
      if (still || deleted) continue;
      seen.add(name);
      out.push(lineFact('reset-state-not-cleared', name, f.file, l, {
        detail: `${fnOf(l.function)} no longer clears ${name}: the value set before the reset survives it, and the next user or driver starts from stale state (not verified: read from the removed line)`,
      }));
    }
  }
  return out;
}
