// Checks the layout and request-number facts of a patch's uAPI headers with the compiler:
// both sides of every changed header (whole files from the tree) are compiled for x86_64 and
// i386, and each fact gets the numbers (sizes, offsets, request values old → new) and is
// marked verified, or corrected where the compiler shows the hand evaluator was wrong.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { Fact } from '../../model/facts.js';
import type { FileDiff } from '../../model/diff.js';
import { parseDecls, type Block } from '../uapi/decls.js';
import { parseIoctl } from '../uapi/ioctl.js';
import { compat } from '../uapi/compat.js';
import { compileLayouts, findCompiler, type CompiledAbi, type CompiledSide, type CompiledStruct, type HeaderSide, type LayoutQuery } from '../uapi/compiled-layout.js';
import type { SourceTree } from './detect.js';
import type { WholeFile } from './whole-file.js';
import { claimsLayoutOrNumber, markUnverified } from './layout-claims.js';

/** How a header is included: "include/uapi/linux/vfio.h" → "linux/vfio.h". */
export function includeName(path: string): string | null {
  const m = /(?:^|\/)include\/uapi\/(.+\.h)$/.exec(path) ?? /^linux-headers\/(.+\.h)$/.exec(path) ?? /^include\/(standard-headers\/.+\.h)$/.exec(path);
  return m ? m[1]! : null;
}

function includeDirs(tree: SourceTree): string[] {
  const dirs = tree.kind === 'kernel' ? ['include/uapi', 'arch/x86/include/uapi'] : ['linux-headers', 'include'];
  return dirs.map((d) => join(tree.root, d)).filter((d) => existsSync(d));
}

interface SideData {
  headers: HeaderSide[];
  query: LayoutQuery;
  /** ioctl → its argument ("struct tag"), from this side's headers. */
  ioctlArg: Map<string, string>;
}

function sideOf(files: { name: string; text: string }[]): SideData {
  const structs = new Map<string, string[]>();
  const macros: string[] = [];
  const ioctlArg = new Map<string, string>();
  for (const f of files) {
    const decls = parseDecls(f.text.split('\n'));
    for (const b of decls.blocks) {
      if (b.kind === 'enum' || b.parent || !b.tag || !b.closed) continue;
      structs.set(`${b.kind} ${b.tag}`, memberNames(b));
    }
    for (const d of decls.defines) {
      const io = d.params === null ? parseIoctl(d.name, d.value) : null;
      if (!io) continue;
      macros.push(d.name);
      if (io.arg) ioctlArg.set(d.name, io.arg.replace(/\s+/g, ' '));
    }
  }
  return { headers: files, query: { structs, macros: [...new Set(macros)] }, ioctlArg };
}

/** Names offsetof can reach: the block's own, and those of anonymous members. */
function memberNames(b: Block): string[] {
  const out: string[] = [];
  for (const m of b.members) {
    if (m.bits !== null) continue;
    if (m.name) out.push(m.name);
    else if (m.nested) out.push(...memberNames(m.nested));
  }
  return out;
}

type Compiled = Map<CompiledAbi, CompiledSide | null>;

export interface LayoutCheck {
  /** One line for the report: what was compiled, with what. */
  note: string;
}

/**
 * Verifies the layout/number facts of the patch's uAPI headers. Facts it cannot verify are
 * marked unverified with the reason. Returns null when there was nothing to check.
 */
export interface TreeIoctl {
  name: string;
  /** Include name of the header that defines it ("linux/vhost.h"). */
  header: string;
}

export function verifyLayouts(facts: Fact[], whole: Map<FileDiff, WholeFile>, tree: SourceTree, ioctlsTaking: (structKey: string) => TreeIoctl[] = () => []): LayoutCheck | null {
  const claims = facts.filter(claimsLayoutOrNumber);
  if (claims.length === 0) return null;
  const headers = [...whole.values()].filter((w) => w.file.role === 'uapi-header' && includeName(w.file.path));
  const unplaced = (f: Fact) => !headers.some((w) => w.file.path === f.file);
  markUnverified(claims.filter(unplaced), `the tree at ${tree.root} does not have the version of ${claims.find(unplaced)?.file ?? 'the header'} the patch applies to`);
  const mine = claims.filter((f) => !unplaced(f));
  if (mine.length === 0) return null;
  const cc = findCompiler();
  if (!cc) {
    markUnverified(mine, 'no C compiler (gcc) on PATH to compile the headers');
    return { note: 'layouts not compiled: no gcc on PATH' };
  }
  const side = (which: 'old' | 'new') =>
    sideOf(
      headers
        .map((w) => ({ name: includeName(w.file.path)!, text: which === 'old' ? w.oldText : w.newText }))
        .filter((x): x is { name: string; text: string } => x.text !== null),
    );
  const oldSide = side('old');
  const newSide = side('new');
  const dirs = includeDirs(tree);
  // Request numbers of ioctls elsewhere in the tree that take a struct the patch changes
  // (vhost.h's VHOST_SET_VRING_NUM for vhost_types.h's struct vhost_vring_state).
  const patched = new Set([...oldSide.headers, ...newSide.headers].map((h) => h.name));
  const extra = new Map<string, string>();
  for (const f of mine) {
    if (!f.kind.startsWith('struct-')) continue;
    for (const key of [`struct ${f.symbol}`, `union ${f.symbol}`]) {
      for (const io of ioctlsTaking(key)) {
        if (patched.has(io.header) || oldSide.ioctlArg.has(io.name)) continue;
        extra.set(io.name, io.header);
        oldSide.ioctlArg.set(io.name, key);
        newSide.ioctlArg.set(io.name, key);
      }
    }
  }
  const compileSide = (s: SideData) => {
    const withExtra = { headers: s.headers, extraIncludes: [...new Set(extra.values())], includeDirs: dirs, query: { ...s.query, macros: [...s.query.macros, ...extra.keys()] } };
    const r = compileLayouts(withExtra, cc);
    // An included header that does not compile must not cost the patch's own layouts.
    if (extra.size > 0 && [...r.values()].every((v) => v === null)) return compileLayouts({ headers: s.headers, extraIncludes: [], includeDirs: dirs, query: s.query }, cc);
    return r;
  };
  const compiled = { old: compileSide(oldSide), new: compileSide(newSide) };
  const abis = cc.abis.filter((a) => compiled.old.get(a) || compiled.new.get(a));
  const by = `gcc ${abis.join(' and ')}${cc.missing.length ? ` (not ${cc.missing.join(', ')})` : ''}`;
  for (const f of mine) {
    if (abis.length === 0) {
      f.unverified = `the headers did not compile with gcc in ${tree.root}`;
      continue;
    }
    if (f.kind.startsWith('struct-')) verifyStruct(f, compiled, abis, by, { ...Object.fromEntries(oldSide.ioctlArg), ...Object.fromEntries(newSide.ioctlArg) });
    else verifyIoctl(f, compiled, abis, by, cc.missing);
  }
  return { note: `layouts compiled with ${by} from ${headers.map((w) => w.file.path).join(', ')}` };
}

function structOf(c: Compiled, abi: CompiledAbi, tag: string): CompiledStruct | null {
  const s = c.get(abi);
  return s?.structs[`struct ${tag}`] ?? s?.structs[`union ${tag}`] ?? null;
}

const hex = (v: string | undefined) => (v === undefined ? '?' : `0x${BigInt(v).toString(16)}`);

function verifyStruct(f: Fact, compiled: { old: Compiled; new: Compiled }, abis: CompiledAbi[], by: string, ioctlArg: Record<string, string>): void {
  const tag = f.symbol;
  const parts: string[] = [];
  let moved = false;
  let grew = false;
  let seen = false;
  let abiDiffers = false;
  for (const abi of abis) {
    const o = structOf(compiled.old, abi, tag);
    const n = structOf(compiled.new, abi, tag);
    if (!o && !n) continue;
    seen = true;
    const size = `sizeof ${o ? o.size : '–'} → ${n ? n.size : '–'}`;
    const offs: string[] = [];
    if (o && n) {
      if (o.size !== n.size) grew = true;
      for (const [m, [off, sz]] of Object.entries(o.members)) {
        const nm = n.members[m];
        if (nm && (nm[0] !== off || nm[1] !== sz)) {
          moved = true;
          offs.push(`${m} @${off} → @${nm[0]}`);
        }
      }
    }
    parts.push(`${abi}: ${size}${offs.length ? `, ${offs.slice(0, 6).join(', ')}${offs.length > 6 ? ` (+${offs.length - 6} more)` : ''}` : ''}`);
  }
  if (!seen) {
    f.unverified = `gcc could not lay out ${tag} (its type is not complete in the compiled headers)`;
    return;
  }
  // The 32/64-bit claim compares the new layout across ABIs, not old against new.
  if (f.kind === 'struct-implicit-padding') {
    const a = structOf(compiled.new, 'x86_64', tag);
    const b = structOf(compiled.new, 'i386', tag);
    if (a && b) abiDiffers = a.size !== b.size || Object.entries(a.members).some(([m, [off]]) => b.members[m] && b.members[m]![0] !== off);
  }
  const ioctls: string[] = [];
  for (const [name, arg] of Object.entries(ioctlArg)) {
    if (arg !== `struct ${tag}` && arg !== `union ${tag}`) continue;
    const vals = abis.map((abi) => [abi, compiled.old.get(abi)?.macros[name], compiled.new.get(abi)?.macros[name]] as const).filter(([, a, b]) => a !== undefined && b !== undefined && a !== b);
    if (vals.length > 0) ioctls.push(`${name} ${vals.map(([abi, a, b]) => `${hex(a)} → ${hex(b)} (${abi})`).join(', ')}`);
  }
  const perAbi = abis.map((abi) => [abi, structOf(compiled.new, abi, tag)] as const).filter(([, n]) => n);
  const numbers =
    f.kind === 'struct-implicit-padding'
      ? `after the patch ${perAbi.map(([abi, n]) => `${abi}: sizeof ${n!.size}, ${Object.entries(n!.members).map(([m, [off]]) => `${m} @${off}`).slice(0, 8).join(', ')}`).join('; ')}`
      : `${parts.join('; ')}${ioctls.length ? `; request numbers: ${ioctls.join('; ')}` : ''}`;
  f.detail = `${f.detail ?? tag} [compiled: ${numbers}]`;
  f.verified = by;
  if (!f.compat) return;
  if (f.kind === 'struct-implicit-padding') {
    if (f.compat.class === 'abi-break' && !abiDiffers && abis.includes('i386')) f.compat = compat('compatible', `gcc lays out struct ${tag} the same on x86_64 and i386`);
    else if (f.compat.class === 'abi-break' && !abis.includes('i386')) {
      delete f.verified;
      f.unverified = 'no 32-bit multilib to compile the i386 layout (install gcc-multilib)';
    }
    return;
  }
  const changed = moved || grew;
  if (f.compat.class === 'abi-break' && !changed && f.kind !== 'struct-member-removed') {
    f.compat = compat('compatible', `gcc finds the same size and member offsets before and after on ${abis.join(' and ')}`);
  } else if (f.compat.class === 'compatible' && moved && f.kind === 'struct-member-changed') {
    f.compat = compat('abi-break', `gcc finds members at other offsets after the change on ${abis.join(' and ')}`);
  }
}

function verifyIoctl(f: Fact, compiled: { old: Compiled; new: Compiled }, abis: CompiledAbi[], by: string, missing: string[]): void {
  const name = f.symbol;
  const vals = abis.map((abi) => ({ abi, o: compiled.old.get(abi)?.macros[name], n: compiled.new.get(abi)?.macros[name] }));
  if (f.kind === 'ioctl-number-reused') {
    // The reuse claim stands on the new side's values alone; the other name is in the detail.
    const other = /(?:as|of) (\w+) \(/.exec(f.detail ?? '')?.[1];
    const mineV = vals.map((v) => v.n);
    const otherV = other ? abis.map((abi) => compiled.new.get(abi)?.macros[other]) : [];
    if (!other || mineV.some((v) => v === undefined) || otherV.some((v) => v === undefined)) {
      f.unverified = `${other ?? 'the other request'} is not in the compiled headers`;
      return;
    }
    f.detail = `${f.detail} [compiled: ${abis.map((abi, i) => `${name} ${hex(mineV[i])}, ${other} ${hex(otherV[i])} (${abi})`).join('; ')}]`;
    f.verified = by;
    if (f.compat?.class === 'abi-break' && mineV.some((v, i) => v !== otherV[i])) f.compat = compat('behaviour-change', 'gcc gives the two requests different numbers: only their type and number bits are shared');
    return;
  }
  if (vals.every((v) => v.o === undefined && v.n === undefined)) {
    f.unverified = `gcc could not evaluate ${name}`;
    return;
  }
  f.detail = `${f.detail ?? name} [compiled: ${vals.map((v) => `${hex(v.o)} → ${hex(v.n)} (${v.abi})`).join(', ')}]`;
  f.verified = by + (missing.length ? '' : '');
  const same = vals.every((v) => v.o !== undefined && v.o === v.n);
  if (same && f.compat?.class === 'abi-break') f.compat = compat('compatible', `gcc gives ${name} the same request number before and after on ${abis.join(' and ')}`);
}
