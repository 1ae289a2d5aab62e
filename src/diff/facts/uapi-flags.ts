// flag-bit-added: a new flag or feature bit in a uAPI header — a single-bit mask with a flag
// name (or written right after a struct's flags member, VFIO style), a feature bit number
// (FOO_F_BAR 23), or a single-bit enumerator. Runs over the whole patch because the question
// that decides the class sits in the driver: does the handler that reads the flag reject
// bits it does not know? If it does not, old kernels accept the new flag silently and
// userspace cannot probe for it.
import type { Fact } from '../../model/facts.js';
import type { FileDiff } from '../../model/diff.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { lineFact } from './types.js';
import type { PatchScope } from '../uapi/scope.js';
import { defineChanges, renames } from '../uapi/define-changes.js';
import { fileDecls } from '../uapi/hunk-decls.js';
import { evalExpr, isSingleBit } from '../uapi/expr.js';
import { compat, SENTINEL, type Compat } from '../uapi/compat.js';
import { IOCTL_VALUE } from '../uapi/ioctl.js';
import { isCLike } from '../annotate.js';

const FLAG_NAME = /FLAG|(^|_)F_[A-Z0-9]|(^|_)FL_[A-Z0-9]/;
const FEATURE_BIT = /(^|_)F_[A-Z0-9_]+$/;
const NOT_A_FLAG = /(_MASK|_ALL|_FEATURES|_SHIFT|_BITS|_SIZE|_VALID|_SUPPORTED|_OFFSET)$/;
/** "flags & ~KNOWN", "~(A | B)", "FLAGS_VALID": the handler refuses bits it does not know. */
const REJECTS_UNKNOWN = /&\s*~|~\s*\(|\b\w*(VALID|SUPPORTED|KNOWN)\w*\b/;

interface Flag {
  name: string;
  file: FileDiff;
  at: AnnotatedLine;
  /** A feature bit number (negotiated), rather than a mask a handler tests. */
  featureBit: boolean;
  value: string;
}

export function uapiFlagFacts(scope: PatchScope): Fact[] {
  const flags: Flag[] = [];
  for (const { file, hunks } of scope.files) {
    if (file.role !== 'uapi-header' || file.binary || hunks.length === 0) continue;
    const ch = defineChanges(file, hunks);
    const renamed = new Set([...renames(ch.removed, ch.added).values()]);
    let prevFlag = false;
    for (const a of ch.added) {
      const d = a.def;
      if (renamed.has(a) || d.params !== null || IOCTL_VALUE.test(d.value) || SENTINEL.test(d.name) || NOT_A_FLAG.test(d.name)) {
        prevFlag = false;
        continue;
      }
      const v = evalExpr(d.value, scope.newResolveLocal);
      const literal = /^\(?\s*(0x[0-9a-fA-F]+|\d+)[uUlL]*\s*\)?$/.test(d.value);
      // "FOO_F_BAR 23" / "VHOST_BACKEND_F_SUSPEND 0x4": a bit number, not a mask.
      const featureBit = FEATURE_BIT.test(d.name) && literal && v !== null && v < 128n;
      const inFlags = !!d.after && /flags?$/i.test(d.after.name);
      const mask: boolean = !featureBit && v !== null && isSingleBit(v) && (FLAG_NAME.test(d.name) || inFlags || (prevFlag && /<<|BIT|0x/.test(d.value)));
      prevFlag = mask;
      if (featureBit || mask) flags.push({ name: d.name, file, at: a.at, featureBit, value: d.value });
    }
    // Single-bit enumerators with a flag name.
    for (const v of fileDecls(file, hunks)) {
      const oldNames = new Set(v.old.decls.blocks.flatMap((b) => b.enumerators.map((e) => e.name)));
      for (const b of v.new.decls.blocks) {
        for (const e of b.enumerators) {
          if (oldNames.has(e.name) || e.value === null || v.new.lines[e.line]?.kind !== '+' || !FLAG_NAME.test(e.name) || NOT_A_FLAG.test(e.name)) continue;
          const n = evalExpr(e.value, scope.newResolveLocal);
          if (n !== null && isSingleBit(n) && /<<|BIT/.test(e.value)) flags.push({ name: e.name, file, at: v.new.lines[e.line]!, featureBit: false, value: e.value });
        }
      }
    }
  }
  if (flags.length === 0) return [];
  // A define the patch removes elsewhere with the same value moved (into a shared or uAPI
  // header): the bit existed before, and so did its handling.
  const moved = removedDefines(scope);
  const fresh = flags.filter((f) => moved.get(f.name) !== squash(f.value));
  return fresh.map((f) => lineFact('flag-bit-added', f.name, f.file, f.at, { detail: `new ${f.featureBit ? 'feature bit' : 'flag'} ${f.name} (${f.value})${handlerNote(f, scope).note}`, compat: handlerNote(f, scope).compat }));
}

const REMOVED_DEFINE = /^\s*#\s*define\s+(\w+)\s+(.+)$/;
const squash = (v: string) => v.replace(/\s+/g, '');

/** Every "#define NAME value" the patch removes, in any file: name → value without blanks. */
function removedDefines(scope: PatchScope): Map<string, string> {
  const out = new Map<string, string>();
  for (const { hunks } of scope.files) for (const h of hunks) for (const l of h.lines) {
    if (l.kind !== '-' || !l.code.includes('define')) continue;
    const m = REMOVED_DEFINE.exec(l.code);
    if (m) out.set(m[1]!, squash(m[2]!));
  }
  return out;
}

const memo = new WeakMap<Flag, { note: string; compat: Compat }>();

function handlerNote(f: Flag, scope: PatchScope): { note: string; compat: Compat } {
  const hit = memo.get(f);
  if (hit) return hit;
  let r: { note: string; compat: Compat };
  if (f.featureBit) {
    // Negotiation is the probe: a peer that does not know the bit never offers or accepts it.
    r = { note: '', compat: compat('compatible', 'the bit only takes effect when both sides offer and accept it; old peers never see it set') };
  } else {
    const users = usesOf(f.name, scope);
    if (users.length === 0) {
      r = {
        note: '; no handler using it is in this patch',
        compat: compat('compatible-if-negotiated', 'old kernels must reject the unknown bit (or announce support another way) for userspace to probe it; the handler is not in this patch to check'),
      };
    } else {
      const rejecting = users.filter((u) => u.rejects);
      const names = users.map((u) => `${u.fn}()`).join(', ');
      r = rejecting.length > 0
        ? { note: `; ${names} checks for unknown bits`, compat: compat('compatible', 'the handler rejects bits it does not know, so userspace can probe for the flag and old kernels refuse it') }
        : {
            note: `; ${names} uses it, but no check that rejects unknown bits is visible`,
            compat: compat('behaviour-change', 'a flags field that is not checked for unknown bits lets old kernels accept the new flag silently, so userspace cannot tell whether it took effect'),
          };
    }
  }
  memo.set(f, r);
  return r;
}

/** Functions in the patch's C files that use the flag on an added line, and whether each rejects unknown bits. */
function usesOf(name: string, scope: PatchScope): { fn: string; rejects: boolean }[] {
  const out: { fn: string; rejects: boolean }[] = [];
  const re = new RegExp(`\\b${name}\\b`);
  for (const { file, hunks } of scope.files) {
    if (file.role === 'uapi-header' || !isCLike(file.path)) continue;
    const fns = new Set<string>();
    for (const h of hunks) for (const l of h.lines) if (l.kind === '+' && l.function && re.test(l.code)) fns.add(l.function);
    for (const fn of fns) out.push({ fn, rejects: functionRejects(hunks, fn) });
  }
  return out;
}

function functionRejects(hunks: AnnotatedHunk[], fn: string): boolean {
  for (const h of hunks) for (const l of h.lines) if (l.kind !== '-' && l.function === fn && REJECTS_UNKNOWN.test(l.code)) return true;
  return false;
}
