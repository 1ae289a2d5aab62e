// An ops instance the patch adds or changes, checked against its framework's duties
// (ops-duties.ts), each raising its framework's fact (ops-contract-unmet for virtio drivers,
// vfio-ops-contract-unmet, probe-ready-order-unmet):
// - a member the core needs, or one of a set it requires together, is missing from an instance
//   shown whole;
// - a teardown member the patch adds (a new virtio .remove or .freeze, a probe's error unwind)
//   deletes the virtqueues without resetting the device first, or before it;
// - a new probe kicks a queue or registers with its subsystem before virtio_device_ready();
// - a new open_device acquires what the new close_device does not release.
// New code on purpose: new-code.ts keeps brand-new functions from giving "changed behaviour"
// facts, and a changed teardown order is teardown-call-changed's (resource-roles.ts); what is
// left is a new driver's ops bodies, which nothing else reads and reviewers read first.
import type { Fact } from '../../model/facts.js';
import type { FileDiff } from '../../model/diff.js';
import type { PatchScope } from '../uapi/scope.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { isCLike } from '../annotate.js';
import { lineFact } from './types.js';
import { ANY_CALL, bounded, linesByFunction } from './call-changes.js';
import { newFunctions } from '../new-code.js';
import { detector, execIn, gated, literalsIn } from './literal-gate.js';
import { CONTRACT_OF, type OpsContract, type BodyDuty, type PairDuty, type OrderDuty } from './ops-duties.js';
import { resourceOf, pairs } from './resource-roles.js';

/** "static const struct virtio_driver foo_driver = {": the ops type and the instance. */
const INSTANCE = gated(/\bstruct\s+(virtio_driver|vfio_device_ops)\s+(\w+)\s*=\s*\{/, ['virtio_driver', 'vfio_device_ops']);
/** ".remove = foo_remove," inside an initializer. */
const MEMBER = /^\s*\.([a-z_]\w*)\s*=\s*&?([A-Za-z_]\w*)?/;
const END = /^\s*\}\s*;/;
const RETURNS_ERRNO = /\breturn\s+-E[A-Z]+\s*;/;
/** A helper not shown whose name says it tears the queues or the device down: it may reset. */
const QUEUE_HELPER = /vqs?\b|vqs?_|queue|cleanup|teardown|destroy|deinit|fini\b|_free_all|virtio_/;
/** Core virtio calls of the data and config path: they name queues but never reset the device. */
const NOT_TEARDOWN = /^(virtqueue_(add|kick|get_buf|notify|enable_cb|disable_cb|is_broken|get_vring_size)|virtio_(cread|cwrite|has_feature|device_ready))/;

interface Instance {
  contract: OpsContract;
  name: string;
  start: AnnotatedLine;
  members: Map<string, { fn: string | null; line: AnnotatedLine }>;
  /** Its first line is shown (not opened from the hunk header). */
  shownStart: boolean;
  /** Start and end both shown: the member list is complete. */
  whole: boolean;
  changed: boolean;
}

/** The ops instances the hunks show, with the members they set on the new side. */
function instancesIn(hunks: AnnotatedHunk[], sections: readonly string[]): Instance[] {
  const out: Instance[] = [];
  hunks.forEach((h, i) => {
    // A hunk that starts inside an initializer: git names it in the hunk header.
    const open = h.lines[0] && sections[i] ? INSTANCE.re.exec(sections[i]!) : null;
    const contract = open ? CONTRACT_OF.get(open[1]!) : undefined;
    let cur: Instance | null = open && contract ? { contract, name: open[2]!, start: h.lines[0]!, members: new Map(), shownStart: false, whole: false, changed: false } : null;
    for (const l of h.lines) {
      if (l.kind === '-') {
        if (cur) cur.changed = true;
        continue;
      }
      if (!cur) {
        const m = execIn(l.code, INSTANCE);
        const contract = m ? CONTRACT_OF.get(m[1]!) : undefined;
        if (m && contract) cur = { contract, name: m[2]!, start: l, members: new Map(), shownStart: true, whole: false, changed: l.kind === '+' };
        continue;
      }
      if (l.kind === '+') cur.changed = true;
      if (END.test(l.code)) {
        cur.whole = cur.shownStart;
        out.push(cur);
        cur = null;
        continue;
      }
      const m = MEMBER.exec(l.code);
      if (m) cur.members.set(m[1]!, { fn: m[2] ?? null, line: l });
    }
    // Cut by the hunk's end: its members are still worth a body check.
    if (cur) out.push(cur);
  });
  return out;
}

/** Calls in a function's new-side body, in order, with the shown helpers it calls expanded (two hops). */
function callsOf(fn: string, bodies: Map<string, AnnotatedLine[]>, depth = 0, seen = new Set<string>()): { calls: string[]; unknown: boolean } {
  const calls: string[] = [];
  let unknown = false;
  seen.add(fn);
  for (const l of bodies.get(fn) ?? []) {
    if (l.kind === '-') continue;
    for (const m of l.code.matchAll(ANY_CALL)) {
      const call = m[1]!;
      calls.push(call);
      if (seen.has(call) || call === fn) continue;
      if (bodies.has(call)) {
        if (depth >= 2) continue;
        const inner = callsOf(call, bodies, depth + 1, seen);
        calls.push(...inner.calls);
        unknown ||= inner.unknown;
      } else if (QUEUE_HELPER.test(call) && !NOT_TEARDOWN.test(call)) unknown = true;
    }
  }
  return { calls, unknown };
}

/** A member that answers with an error (a .freeze saying "not supported") keeps the device as it is. */
const refuses = (fn: string, bodies: Map<string, AnnotatedLine[]>) => (bodies.get(fn) ?? []).some((l) => l.kind !== '-' && RETURNS_ERRNO.test(l.code));

function bodyFinding(duty: BodyDuty, inst: Instance, fn: string, bodies: Map<string, AnnotatedLine[]>, whole: boolean): string | null {
  const { calls, unknown } = callsOf(fn, bodies);
  const del = calls.findIndex(duty.deletes);
  const stop = calls.findIndex(duty.stop);
  if (del < 0) {
    // Neither: only said of a whole new file, where every helper the body calls is shown.
    if (duty.unwinds || stop >= 0 || !whole || unknown || refuses(fn, bodies)) return null;
    return `${fn}(), the new .${duty.member} of struct ${inst.contract.type} ${inst.name}, neither resets the device nor deletes its virtqueues: the device keeps running, and may use rings and buffers the driver lets go of (heuristic, from the call names; not verified)`;
  }
  const what = `${fn}(), the new .${duty.member} of struct ${inst.contract.type} ${inst.name}, ${duty.deleteWords} (${calls[del]}())`;
  if (stop < 0) return `${what} without ${duty.stopWords}: ${duty.risk} (heuristic, from the call names; not verified)`;
  if (stop > del) return `${what} before ${duty.stopLate} (${calls[stop]}()): until then ${duty.risk} (heuristic, from the call names; not verified)`;
  return null;
}

/** Could the file show an instance, in its lines or in a hunk header (a hunk opened inside one)? */
const mentionsInstance = (file: FileDiff, hunks: AnnotatedHunk[]) => {
  // The literals of the file's lines are found once per file for every detector.
  const present = literalsIn(hunks);
  return INSTANCE.needs.some((n) => present.has(n) || file.hunks.some((h) => h.section.includes(n)));
};

/**
 * What the new setup member acquires that the teardown member does not release: the acquires of
 * the setup body (and the helpers it shows) with no paired release there or in the teardown.
 */
function unreleased(duty: PairDuty, inst: Instance, fresh: ReadonlySet<string>, bodies: Map<string, AnnotatedLine[]>): { call: string; detail: string } | null {
  const setup = inst.members.get(duty.setup)?.fn;
  if (!setup || !fresh.has(setup)) return null;
  const teardown = inst.members.get(duty.teardown)?.fn;
  // A teardown the patch does not show whole may release anything.
  if (teardown ? !fresh.has(teardown) : !inst.whole) return null;
  const kinds = (fn: string, kind: string) => callsOf(fn, bodies).calls.flatMap((call) => {
    const r = resourceOf(call);
    return r?.kind === kind ? [{ call, r }] : [];
  });
  const releases = [...kinds(setup, 'release'), ...(teardown ? kinds(teardown, 'release') : [])];
  const taken = kinds(setup, 'acquire').find((a) => !releases.some((x) => pairs(a.r, x.r)));
  if (!taken) return null;
  const where = teardown ? `${teardown}(), its .${duty.teardown}, does not release it` : `the instance has no .${duty.teardown} to release it`;
  return { call: taken.call, detail: `${setup}(), the new .${duty.setup} of struct ${inst.contract.type} ${inst.name}, calls ${taken.call}() and ${where}: each open and close cycle of the device leaks it, or the next open finds it still held (heuristic, from the call names; not verified)` };
}

/** The first call of the new member's body that its order duty wants after `first`, when it comes before it. */
function orderFinding(duty: OrderDuty, inst: Instance, fn: string, bodies: Map<string, AnnotatedLine[]>): { call: string; detail: string } | null {
  const { calls } = callsOf(fn, bodies);
  const first = calls.findIndex(duty.first);
  for (const then of duty.then) {
    const at = calls.findIndex(then.is);
    if (at < 0 || (first < 0 ? !then.evenWithout : first < at)) continue;
    const when = first < 0 ? `and never calls ${duty.firstWords} itself, so DRIVER_OK is set only after probe returns` : `before it calls ${duty.firstWords}`;
    return { call: calls[at]!, detail: `${fn}(), the new .${duty.member} of struct ${inst.contract.type} ${inst.name}, ${then.words} (${calls[at]}()) ${when}: ${duty.risk} (heuristic, from the call names; not verified)` };
  }
  return null;
}

/** Functions the patch deletes lines of in another file: one that reappears here was moved, not written. */
function movedFrom(file: FileDiff, scope: PatchScope | undefined): Set<string> {
  const out = new Set<string>();
  for (const other of scope?.files ?? []) {
    if (other.file === file) continue;
    for (const h of other.hunks) for (const l of h.lines) if (l.kind === '-' && l.function) out.add(l.function);
  }
  return out;
}

export const opsContractFacts = detector({ files: isCLike }, (file: FileDiff, allHunks: AnnotatedHunk[], scope?: PatchScope) => {
  if (!mentionsInstance(file, allHunks)) return [];
  const hunks = bounded(allHunks);
  const sections = file.hunks.length === hunks.length ? file.hunks.map((h) => h.section) : [];
  const instances = instancesIn(hunks, sections);
  if (instances.length === 0) return [];
  const moved = movedFrom(file, scope);
  const fresh = new Set([...newFunctions(file, allHunks)].filter((fn) => !moved.has(fn)));
  const bodies = linesByFunction(hunks);
  const out: Fact[] = [];
  for (const inst of instances) {
    if (!inst.changed) continue;
    const { contract, members } = inst;
    for (const duty of contract.bodies) {
      const fn = members.get(duty.member)?.fn;
      if (!fn || !fresh.has(fn)) continue;
      const detail = bodyFinding(duty, inst, fn, bodies, file.status === 'added');
      const line = bodies.get(fn)?.find((l) => l.kind === '+');
      if (detail && line) out.push(lineFact(contract.fact, fn, file, line, { detail }));
    }
    for (const duty of contract.orders) {
      const fn = members.get(duty.member)?.fn;
      const gap = fn && fresh.has(fn) ? orderFinding(duty, inst, fn, bodies) : null;
      const line = gap && bodies.get(fn!)?.find((l) => l.kind === '+');
      if (gap && line) out.push(lineFact(duty.fact, gap.call, file, line, { detail: gap.detail }));
    }
    for (const duty of contract.pairs) {
      const gap = unreleased(duty, inst, fresh, bodies);
      const line = gap && bodies.get(inst.members.get(duty.setup)!.fn!)?.find((l) => l.kind === '+' && l.code.includes(gap.call));
      if (gap && line) out.push(lineFact(contract.fact, gap.call, file, line, { detail: gap.detail }));
    }
    if (inst.whole) {
      for (const duty of contract.members) {
        if (duty.when && !members.has(duty.when)) continue;
        const set = duty.together.filter((m) => members.has(m));
        if (duty.when ? set.length === duty.together.length : set.length === 0 || set.length === duty.together.length) continue;
        // The members the patch itself touched, or the instance it adds: where the gap comes from.
        const missing = duty.together.filter((m) => !members.has(m));
        const at = set.length > 0 ? members.get(set[0]!)!.line : inst.start;
        if (at.kind !== '+' && inst.start.kind !== '+') continue;
        const has = set.length > 0 ? `sets .${set.join(', .')} but not` : `${duty.when ? `sets .${duty.when} but` : ''} has no`;
        out.push(lineFact(contract.fact, missing[0]!, file, at, {
          detail: `struct ${contract.type} ${inst.name} ${has} .${missing.join(', .')}: ${duty.breaks} (heuristic, read from the initializer; not verified)`,
        }));
      }
    }
  }
  return out;
});
