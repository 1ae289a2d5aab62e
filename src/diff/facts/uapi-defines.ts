// #define changes in uAPI headers: constants and ioctl definitions added, removed, renamed or
// given another value, and sentinels (FOO_MAX, FOO_NR) that move. Multi-line macros count as
// one definition; a value that only changes spelling (0x4 → (1 << 2)) is no change.
import type { Fact } from '../../model/facts.js';
import type { FileDiff } from '../../model/diff.js';
import type { AnnotatedHunk } from '../annotate.js';
import type { PatchScope } from '../uapi/scope.js';
import { lineFact } from './types.js';
import { defineChanges, renames, squash, type SideDefine } from '../uapi/define-changes.js';
import { parseIoctl, argScalarSize, describeIoctl, type IoctlDef } from '../uapi/ioctl.js';
import { makeResolver } from '../uapi/catalogue.js';
import { evalExpr, type Resolve } from '../uapi/expr.js';
import { compat, SENTINEL } from '../uapi/compat.js';

export function uapiDefineFacts(file: FileDiff, hunks: AnnotatedHunk[], scope: PatchScope): Fact[] {
  if (file.role !== 'uapi-header') return [];
  const ch = defineChanges(file, hunks);
  const oldResolve = makeResolver((n) => ch.oldByName.get(n)?.def.value ?? null);
  const newResolve = makeResolver((n) => ch.newByName.get(n)?.def.value ?? null);
  const out: Fact[] = [];
  const renamedTo = renames(ch.removed, ch.added);
  const renamedFrom = new Set([...renamedTo.values()].map((d) => d.def.name));

  // "#define OLD NEW" where OLD was an ioctl: NEW takes over OLD's request under a new name.
  const aliasedBy = new Map<string, SideDefine>();
  for (const c of ch.changed) if (parseIoctl(c.old.def.name, c.old.def.value) && /^[A-Za-z_]\w*$/.test(c.new.def.value)) aliasedBy.set(c.new.def.value, c.old);

  for (const a of ch.added) {
    const io = parseIoctl(a.def.name, a.def.value);
    if (io && renamedFrom.has(a.def.name)) continue; // reported as the rename of the old name
    // The same request under a new name, the old one kept as an alias: no new request number.
    const was = io ? aliasedBy.get(a.def.name) : undefined;
    if (was && squash(was.def) === squash(a.def)) continue;
    out.push(
      lineFact(io ? 'ioctl-added' : 'macro-added', a.def.name, file, a.at, {
        detail: io ? `ioctl ${a.def.name} added as ${describeIoctl(io)}` : `constant ${a.def.name} added (${a.def.value || 'no value'})`,
        compat: io
          ? compat('compatible', 'a new request number: old kernels answer -ENOTTY, so userspace can probe for it')
          : compat('compatible', 'a new name changes nothing that existing binaries were built with'),
      }),
    );
  }

  for (const r of ch.removed) {
    const io = parseIoctl(r.def.name, r.def.value);
    const to = renamedTo.get(r.def.name);
    if (to) {
      out.push(
        lineFact(io ? 'ioctl-changed' : 'macro-removed', r.def.name, file, r.at, {
          detail: `${io ? 'ioctl' : 'constant'} ${r.def.name} renamed to ${to.def.name} with the same value`,
          compat: compat('abi-break', `binaries keep working, but userspace source that names ${r.def.name} no longer compiles and no alias keeps the old name`),
        }),
      );
      continue;
    }
    // Moved to another uAPI header of the same patch, unchanged.
    const moved = scope.newDefines.get(r.def.name);
    if (moved && moved.file !== file.path && squash(moved.def) === squash(r.def)) {
      out.push(
        lineFact(io ? 'ioctl-removed' : 'macro-removed', r.def.name, file, r.at, {
          detail: `${r.def.name} moved to ${moved.file} with the same value`,
          compat: compat('compatible', `the value is unchanged; sources keep compiling as long as ${file.path} still includes ${moved.file}`),
        }),
      );
      continue;
    }
    out.push(
      lineFact(io ? 'ioctl-removed' : 'macro-removed', r.def.name, file, r.at, {
        detail: `${io ? 'ioctl' : 'constant'} ${r.def.name} removed (was ${r.def.value || 'defined'})`,
        compat: io
          ? compat('abi-break', `binaries that issue ${r.def.name} now get -ENOTTY, and sources that use it no longer compile`)
          : compat('abi-break', `userspace that uses ${r.def.name} no longer compiles, and binaries keep a value the kernel may now reuse`),
      }),
    );
  }

  for (const { old: o, new: n } of ch.changed) {
    const f = changedFact(o, n, oldResolve, newResolve, ch.newByName, scope);
    if (f) out.push(lineFact(f.kind, n.def.name, file, n.touched ? n.at : o.at, { detail: f.detail, compat: f.compat }));
  }
  return out;
};

interface Change {
  kind: Fact['kind'];
  detail: string;
  compat: NonNullable<Fact['compat']>;
}

function changedFact(o: SideDefine, n: SideDefine, oldResolve: Resolve, newResolve: Resolve, newByName: Map<string, SideDefine>, scope: PatchScope): Change | null {
  const name = n.def.name;
  const was = o.def.value || '(empty)';
  const now = n.def.value || '(empty)';
  const oldIo = parseIoctl(name, o.def.value);
  const newIo = parseIoctl(name, n.def.value);
  if (oldIo && !newIo && /^[A-Za-z_]\w*$/.test(n.def.value)) {
    // "#define VHOST_VSOCK_SET_RUNNING VHOST_SET_RUNNING": an alias for an ioctl with the same number.
    const target = newByName.get(n.def.value)?.def ?? scope.newDefines.get(n.def.value)?.def;
    const targetIo = target ? parseIoctl(target.name, target.value) : null;
    if (targetIo) {
      const c = ioctlChange(name, oldIo, { ...targetIo, name }, was, target!.value, oldResolve, newResolve);
      if (!c) return { kind: 'ioctl-changed', detail: `${name} becomes an alias of ${n.def.value}, the same request (${target!.value})`, compat: compat('compatible', 'the request number is unchanged and the old name still compiles') };
      return { ...c, detail: `${name} becomes an alias of ${n.def.value}, which differs: ${c.detail.replace(/^[^:]*: /, '')}` };
    }
  }
  if (oldIo || newIo) return ioctlChange(name, oldIo, newIo, was, now, oldResolve, newResolve);
  if (o.def.params === null && n.def.params === null) {
    // "#define OLD NEW": an alias to a name with the old value keeps binaries and sources working.
    const alias = /^[A-Za-z_]\w*$/.test(n.def.value) ? newByName.get(n.def.value) : undefined;
    if (alias && squash(alias.def) === squash(o.def)) {
      return { kind: 'macro-value-changed', detail: `${name} becomes an alias of ${n.def.value}, which has its old value ${was}`, compat: compat('compatible', `${name} keeps its value through the alias`) };
    }
    const a = evalExpr(o.def.value, oldResolve);
    const b = evalExpr(n.def.value, newResolve);
    if (a !== null && b !== null && a === b) return null; // spelled differently, same number
    if (a !== null && b !== null && b > a && /(^|_)VERSION(_|$)/.test(name)) {
      return {
        kind: 'macro-value-changed',
        detail: `${name} goes from ${was} to ${now}`,
        compat: compat('compatible-if-negotiated', 'a protocol version that the two sides exchange at run time: a bump announces new features, and old peers keep using the version they know'),
      };
    }
    const grown = growsMask(o.def.value, n.def.value);
    if (grown) {
      return { kind: 'macro-value-changed', detail: `${name} gains ${grown.join(', ')}`, compat: compat('compatible', 'a mask that collects known bits grows: every bit already in it keeps its meaning') };
    }
    if (SENTINEL.test(name)) {
      return {
        kind: 'sentinel-moved',
        detail: `${name} moves from ${was} to ${now}`,
        compat: compat('behaviour-change', `binaries built with the old ${name} keep using it to size arrays or bound input, while the kernel now uses the new one`),
      };
    }
    if (a === null || b === null) {
      return {
        kind: 'macro-value-changed',
        detail: `${name} changed from ${was} to ${now}`,
        compat: compat('abi-break', `the two values cannot be compared from the patch alone, so treat it as a change: binaries built against the old header still use ${was}`),
      };
    }
    return { kind: 'macro-value-changed', detail: `${name} changed from ${was} to ${now}`, compat: compat('abi-break', `binaries built against the old header still use ${was}`) };
  }
  return {
    kind: 'macro-value-changed',
    detail: `macro ${name}${n.def.params ?? ''} changed from ${was} to ${now}`,
    compat: compat('abi-break', `code compiled with the old macro keeps the old expansion`),
  };
}

function ioctlChange(name: string, o: IoctlDef | null, n: IoctlDef | null, was: string, now: string, oldResolve: Resolve, newResolve: Resolve): Change | null {
  if (!o || !n) {
    return {
      kind: 'ioctl-changed',
      detail: `${name} changed from ${was} to ${now}`,
      compat: compat('abi-break', o ? `${name} is no longer an ioctl request: binaries built against the old header send a number the kernel no longer knows` : `${name} becomes an ioctl request number, so binaries that used the old value now pass something else`),
    };
  }
  const parts: string[] = [];
  let sameNumber = true;
  const sameValue = (x: string, y: string) => {
    if (x.replace(/\s+/g, '') === y.replace(/\s+/g, '')) return true;
    const a = evalExpr(x, oldResolve);
    const b = evalExpr(y, newResolve);
    return a !== null && a === b;
  };
  if (!sameValue(o.type, n.type)) {
    parts.push(`type ${o.type} → ${n.type}`);
    sameNumber = false;
  }
  if (!sameValue(o.nr, n.nr)) {
    parts.push(`number ${o.nr} → ${n.nr}`);
    sameNumber = false;
  }
  if (o.dir !== n.dir) {
    parts.push(`direction ${o.dir} → ${n.dir}`);
    sameNumber = false;
  }
  if ((o.arg ?? '') !== (n.arg ?? '')) {
    const a = argScalarSize(o.arg);
    const b = argScalarSize(n.arg);
    if (a !== null && b !== null && a === b) parts.push(`argument ${o.arg} → ${n.arg} (same size)`);
    else {
      parts.push(`argument ${o.arg ?? 'none'} → ${n.arg ?? 'none'}${a !== null && b !== null ? ` (${a} → ${b} bytes)` : ''}`);
      sameNumber = false;
    }
  }
  if (parts.length === 0) return null;
  return {
    kind: 'ioctl-changed',
    detail: `${name} changed: ${parts.join(', ')}`,
    compat: sameNumber
      ? compat('compatible', 'the request number is unchanged: only the spelling of its argument type differs')
      : compat('abi-break', `binaries built against the old header still send the old request number for ${name}`),
  };
}

/** "(A | B)" → "(A | B | C)": the terms added, when the old terms are all still there. */
function growsMask(was: string, now: string): string[] | null {
  const terms = (v: string) => {
    let t = v.replace(/\s+/g, '');
    while (/^\(.*\)$/.test(t) && balanced(t.slice(1, -1))) t = t.slice(1, -1);
    return balanced(t) ? splitTop(t, '|') : [t];
  };
  const a = terms(was);
  const b = terms(now);
  if (a.length < 2 && b.length < 2) return null;
  if (!a.every((x) => b.includes(x)) || b.length <= a.length) return null;
  return b.filter((x) => !a.includes(x));
}

function balanced(s: string): boolean {
  let d = 0;
  for (const c of s) {
    if (c === '(') d++;
    else if (c === ')' && --d < 0) return false;
  }
  return d === 0;
}

function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let d = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(') d++;
    if (c === ')') d--;
    if (c === sep && d === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
