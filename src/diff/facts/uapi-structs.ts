// Struct and union changes in uAPI headers, each with its compatibility class: members
// removed, inserted before the end, appended, retyped, moved or renamed; reserved space put to
// use; implicit padding (or a 64-bit member without 8-byte alignment) in a new layout.
import { basename } from 'node:path';
import type { Fact } from '../../model/facts.js';
import type { FileDiff } from '../../model/diff.js';
import type { AnnotatedHunk } from '../annotate.js';
import { lineFact } from './types.js';
import type { Block, Member } from '../uapi/decls.js';
import { fileDecls, type SideView } from '../uapi/hunk-decls.js';
import { diffMembers, type MemberChange } from '../uapi/struct-diff.js';
import { layoutOf, memberType, ABIS, abiDependent, type Abi, type LayoutEnv, type Layout } from '../uapi/layout.js';
import { compat, SIZE_MEMBER, RESERVED_NAME, type Compat } from '../uapi/compat.js';
import type { PatchScope } from '../uapi/scope.js';

export function uapiStructFacts(file: FileDiff, hunks: AnnotatedHunk[], scope: PatchScope): Fact[] {
  if (file.role !== 'uapi-header') return [];
  const out: Fact[] = [];
  const env = layoutEnv(scope);
  const views = fileDecls(file, hunks);
  for (const v of views) {
    const oldById = new Map(v.old.decls.blocks.filter((b) => b.kind !== 'enum').map((b) => [b.id, b]));
    const newIds = new Set(v.new.decls.blocks.map((b) => b.id));
    for (const nb of v.new.decls.blocks) {
      if (nb.kind === 'enum') continue;
      const ob = oldById.get(nb.id);
      if (!ob) {
        // A struct the installed headers already have, member for member, is a copy or a header
        // sync (tools/include, QEMU linux-headers), not a new layout.
        const key = `${nb.kind} ${nb.tag}`;
        if (!nb.parent && nb.opened && nb.closed && !scope.oldTags.has(key)) {
          const pad = paddingFacts(file, v.new, nb, null, env);
          if (pad.length > 0 && !sameMembers(nb, scope.catalogue().structs.get(key))) out.push(...pad);
        }
        continue;
      }
      if (!ob.confirmed && !nb.confirmed) continue;
      const real = nb.guessedKind ? settleKind(ob, nb, scope) : null;
      out.push(...blockFacts(file, v, ob, nb, scope, env, real));
      if (!nb.parent && ob.opened && ob.closed && nb.opened && nb.closed) out.push(...paddingFacts(file, v.new, nb, ob, env));
    }
    for (const ob of v.old.decls.blocks) {
      if (ob.kind === 'enum' || ob.parent || !ob.opened || !ob.closed || newIds.has(ob.id)) continue;
      if (scope.newTags.has(`${ob.kind} ${ob.tag}`)) continue; // moved, not removed
      out.push(
        lineFact('struct-member-removed', ob.tag || ob.id, file, v.old.lines[ob.openLine]!, {
          detail: `${ob.kind} ${ob.tag} is removed from the header`,
          compat: compat('abi-break', `userspace that uses ${ob.kind} ${ob.tag} no longer compiles`),
        }),
      );
    }
  }
  return out;
}

/**
 * A nested block the hunk starts inside of: whether it is a struct or a union is not visible.
 * The installed header's definition of the outer struct settles it when it has a nested block
 * with the same members.
 */
function settleKind(ob: Block, nb: Block, scope: PatchScope): Block | null {
  const root = rootOf(nb);
  const real = root.tag ? scope.catalogue().structs.get(`${root.kind} ${root.tag}`) : undefined;
  const names = new Set(ob.members.map((m) => m.name).filter((n) => n));
  const find = (b: Block): Block | null => {
    for (const m of b.members) {
      if (!m.nested) continue;
      if (m.nested.members.some((x) => names.has(x.name))) return m.nested;
      const deeper = find(m.nested);
      if (deeper) return deeper;
    }
    return null;
  };
  const match = real ? find(real) : null;
  if (match) {
    ob.kind = nb.kind = match.kind;
    ob.guessedKind = nb.guessedKind = false;
  }
  return match;
}

function sameMembers(a: Block, b: Block | undefined): boolean {
  const sig = (x: Block): string => x.members.map((m) => `${m.name}:${m.nested ? `{${sig(m.nested)}}` : m.type.replace(/\s+/g, '')}[${m.dims.join(',')}]`).join(';');
  return !!b && sig(a) === sig(b);
}

function topTag(b: Block): string {
  let t = b;
  while (t.parent) t = t.parent;
  return t.tag || t.id;
}

function memberPath(b: Block, m: Member): string {
  const names: string[] = [];
  for (let t: Block | null = b; t; t = t.parent) if (t.parent) names.unshift(t.tag || `<${t.kind}>`);
  return `${b.kind === 'union' && !b.parent ? 'union' : 'struct'} ${topTag(b)}: ${[...names, m.name || `<anonymous ${m.nested?.kind ?? 'member'}>`].join('.')}`;
}

const describe = (m: Member) => (m.nested ? `${m.nested.kind} {…}` : `${m.type}${m.dims.map((d) => `[${d}]`).join('')}${m.bits ? ` : ${m.bits}` : ''}`);

function blockFacts(file: FileDiff, v: { old: SideView; new: SideView }, ob: Block, nb: Block, scope: PatchScope, env: LayoutEnv, real: Block | null): Fact[] {
  const out: Fact[] = [];
  const tag = topTag(nb);
  const sameLayout = layoutsEqual(ob, nb, env);
  const at = (side: SideView, m: Member) => side.lines[m.line]!;
  const changed = (side: SideView, m: Member) => side.lines[m.line]?.kind !== ' ';
  for (const c of diffMembers(ob, nb)) {
    switch (c.type) {
      case 'removed': {
        if (!changed(v.old, c.member)) break;
        out.push(
          lineFact('struct-member-removed', tag, file, at(v.old, c.member), {
            detail: `${memberPath(ob, c.member)} (${describe(c.member)}) removed`,
            compat: ob.kind === 'union' ? compat('abi-break', 'userspace that uses the member no longer compiles, and the union may shrink') : compat('abi-break', 'every later member moves and sizeof shrinks under binaries built with the old layout'),
          }),
        );
        break;
      }
      case 'added': {
        if (!changed(v.new, c.member)) break;
        out.push(addedFact(file, v.new, ob, nb, c, tag, scope, env, real));
        break;
      }
      case 'changed': {
        if (!changed(v.new, c.new) && !changed(v.old, c.old)) break;
        const f = changedFact(c, nb, sameLayout, env);
        out.push(lineFact('struct-member-changed', tag, file, changed(v.new, c.new) ? at(v.new, c.new) : at(v.old, c.old), f));
        break;
      }
      case 'wrapped': {
        out.push(lineFact('struct-member-changed', tag, file, at(v.new, c.wrapper), wrappedFact(c, nb, env)));
        break;
      }
      case 'reserved': {
        out.push(reservedFact(file, v, nb, c, tag, env));
        break;
      }
    }
  }
  return out;
}

function addedFact(file: FileDiff, side: SideView, ob: Block, nb: Block, c: Extract<MemberChange, { type: 'added' }>, tag: string, scope: PatchScope, env: LayoutEnv, real: Block | null): Fact {
  const line = side.lines[c.member.line]!;
  const what = memberPath(nb, c.member);
  if (nb.kind === 'union') {
    return lineFact('struct-member-appended', tag, file, line, { detail: `${what} (${describe(c.member)}) added to a union`, compat: unionGrowth(real ?? ob, c.member, env) });
  }
  let position = c.position;
  let decidedBy = '';
  if (position === 'unknown' && !nb.parent) {
    // The hunk ends before the struct does: the real header says what follows.
    const real = scope.catalogue().structs.get(`struct ${nb.tag}`);
    const prevName = c.prev?.name;
    if (real && prevName) {
      const i = real.members.findIndex((m) => m.name === prevName);
      if (i >= 0 && real.members[i + 1]?.name === c.member.name && c.member.name) {
        // The installed header already has this very member after the same one: the patch
        // was merged, and whatever follows it there came later.
        position = 'appended';
        decidedBy = ` (the installed header has ${c.member.name} right after ${prevName}: this change was merged as is)`;
      } else if (i >= 0) {
        position = i === real.members.length - 1 ? 'appended' : 'inserted';
        decidedBy = ` (the installed header's struct ${nb.tag} ${position === 'appended' ? 'ends' : 'continues'} after ${prevName})`;
      }
    }
  }
  if (position === 'inserted') {
    const next = c.next ? `: ${c.next.name || 'the next member'} and every later member move` : '';
    return lineFact('struct-member-inserted', tag, file, line, {
      detail: `${what} (${describe(c.member)}) inserted before the end${next}${decidedBy}`,
      compat: nb.guessedKind
        ? compat('abi-break', 'the hunk starts inside a nested block whose kind it does not show; if it is a struct, the members after the insertion move')
        : compat('abi-break', 'members after the insertion change offset under binaries built with the old layout'),
    });
  }
  if (position === 'unknown') {
    return lineFact('struct-member-inserted', tag, file, line, {
      detail: `${what} (${describe(c.member)}) added where the hunk does not show the end of the struct`,
      compat: compat('abi-break', `the hunk does not show whether members follow, so this is treated as an insertion that moves them`),
    });
  }
  return lineFact('struct-member-appended', tag, file, line, { detail: `${what} (${describe(c.member)}) appended${decidedBy}`, compat: appendClass(file, nb, c, scope) });
}

/** Whether appending to a struct keeps old binaries working. */
function appendClass(file: FileDiff, nb: Block, c: Extract<MemberChange, { type: 'added' }>, scope: PatchScope): Compat {
  const tag = topTag(nb);
  const key = `struct ${tag}`;
  if (c.prev && c.prev.dims.length > 0 && (c.prev.dims[c.prev.dims.length - 1] === '' || c.prev.dims[c.prev.dims.length - 1] === '0')) {
    return compat('abi-break', `${c.prev.name} is a flexible array, so the new member overlaps the variable-length data that follows it`);
  }
  if (nb.parent?.kind === 'union' && nb.parent.members.some((m) => RESERVED_NAME.test(m.name))) {
    return compat('compatible', 'the enclosing union has a padding member that fixes its size; check that the grown struct still fits in it');
  }
  if (/(^|\/)drm\//.test(file.path)) {
    return compat('compatible', 'DRM ioctls are size-versioned by the DRM core: it copies what the caller passed and zero-fills the rest, so old binaries see the new member as zero');
  }
  if (/^virtio_/.test(basename(file.path))) {
    return compat('compatible-if-negotiated', 'a virtio layout may grow only behind a feature bit; old drivers and devices never touch the new field, but userspace that uses sizeof() sees it');
  }
  const root = rootOf(nb);
  const real = root.opened ? root : (scope.newStructs.get(key) ?? scope.catalogue().structs.get(key) ?? null);
  if (real && real.members.slice(0, 2).some((m) => SIZE_MEMBER.test(m.name))) {
    return compat('compatible', `struct ${tag} carries its own size (${real.members.find((m) => SIZE_MEMBER.test(m.name))!.name}), so the kernel can tell old callers from new ones`);
  }
  const containers = (scope.catalogue().containers.get(key) ?? []).filter((b) => b.kind === 'union' && b.members.some((m) => RESERVED_NAME.test(m.name)));
  if (containers.length > 0) {
    const pad = containers[0]!.members.find((m) => RESERVED_NAME.test(m.name))!;
    return compat('compatible', `struct ${tag} lives in a union padded by ${pad.name}${pad.dims.map((d) => `[${d}]`).join('')}, so the message size does not change as long as it still fits`);
  }
  const ioctls = [...new Set([...(scope.ioctlArgs.get(key) ?? []), ...(scope.catalogue().ioctlArgs.get(key) ?? [])])];
  if (ioctls.length > 0) {
    return compat('abi-break', `sizeof(struct ${tag}) is part of the request number of ${ioctls.slice(0, 3).join(', ')}${ioctls.length > 3 ? '…' : ''}, so old binaries send a number the kernel no longer accepts`);
  }
  return compat('abi-break', `sizeof(struct ${tag}) grows and nothing versions it (no argsz/size member, no reserved space), so old and new userspace disagree with the kernel on its size`);
}

function rootOf(b: Block): Block {
  let t = b;
  while (t.parent) t = t.parent;
  return t;
}

function unionGrowth(ob: Block, m: Member, env: LayoutEnv): Compat {
  const sizes = ABIS.map((abi) => {
    const add = memberType(m, abi, env);
    const old = ob.members.map((x) => memberType(x, abi, env));
    const max = old.every((x) => x) && ob.opened && ob.closed ? Math.max(0, ...old.map((x) => x!.size)) : null;
    return { add: add?.size ?? null, max };
  });
  if (sizes.every((s) => s.add !== null && s.max !== null && s.add <= s.max)) {
    return compat('compatible', 'every union member starts at offset 0 and the new one is no larger than the largest old one, so the size is unchanged');
  }
  if (ob.members.some((x) => RESERVED_NAME.test(x.name))) {
    return compat('compatible', 'the union has a padding member that fixes its size; check that the new member fits in it');
  }
  if (sizes.some((s) => s.add !== null && s.max !== null && s.add > s.max)) {
    return compat('abi-break', 'the new member is larger than every old one, so the union (and whatever embeds it) grows');
  }
  return compat('abi-break', 'whether the union grows cannot be told from the patch: its old members are not all visible or have unknown sizes');
}

function changedFact(c: Extract<MemberChange, { type: 'changed' }>, nb: Block, sameLayout: boolean, env: LayoutEnv): Partial<Fact> {
  const path = memberPath(nb, c.new);
  if (c.what === 'moved') {
    return { detail: `${path} moved to another position`, compat: nb.kind === 'union' ? compat('compatible', 'union members all start at offset 0, so order does not matter') : compat('abi-break', 'reordering changes the offsets of the moved members') };
  }
  if (c.what === 'renamed') {
    return { detail: `${path}: ${c.old.name} renamed to ${c.new.name}`, compat: compat('abi-break', `the layout is unchanged, but userspace source that names ${c.old.name} no longer compiles`) };
  }
  if (c.what === 'replaced') {
    return { detail: `${path}: ${c.old.name} (${describe(c.old)}) replaced by ${c.new.name || 'an anonymous member'} (${describe(c.new)})`, compat: compat('abi-break', sameSize(c.old, c.new, env) === true ? `same size, but userspace source that names ${c.old.name} no longer compiles` : 'the member changes name and size, moving what follows') };
  }
  // Same name, other type, array size or bit width.
  const desc = `${path} changed from ${describe(c.old)} to ${describe(c.new)}`;
  const flex = (m: Member) => m.dims.length === 1 && (m.dims[0] === '' || m.dims[0] === '0');
  if (flex(c.old) && flex(c.new) && c.old.type === c.new.type) {
    return { detail: desc, compat: compat('compatible', 'a zero-length and a flexible array have the same layout') };
  }
  if (sameLayout) return { detail: desc, compat: compat('compatible', 'the struct layout is the same on x86_64 and i386 before and after: only the spelling of the type changes') };
  if ((c.old.bits ?? '') !== (c.new.bits ?? '')) return { detail: desc, compat: compat('abi-break', 'a different bit width moves the bits that follow') };
  const same = sameSize(c.old, c.new, env);
  if (same === true) return { detail: desc, compat: compat('compatible', 'same size and alignment on x86_64 and i386: only the annotation of the type changes') };
  if (same === false) {
    const abiNote = abiDependent(c.new.type) ? ' (and the new type differs between 32- and 64-bit userspace)' : '';
    return { detail: desc, compat: compat('abi-break', `the member's size or alignment changes${abiNote}, moving it or what follows`) };
  }
  return { detail: desc, compat: compat('abi-break', 'whether the two types have the same size and alignment cannot be told from the patch, so treat it as a layout change') };
}

function wrappedFact(c: Extract<MemberChange, { type: 'wrapped' }>, nb: Block, env: LayoutEnv): Partial<Fact> {
  const names = c.old.map((m) => m.name).join(', ');
  // The wrapper must take exactly the bytes of the members it absorbs, on both ABIs.
  let same: boolean | null = true;
  for (const abi of ABIS) {
    const w = memberType(c.wrapper, abi, env);
    const parts = c.old.map((m) => memberType(m, abi, env));
    if (!w || parts.some((p) => !p)) {
      same = null;
      break;
    }
    const bytes = parts.reduce((n, p) => Math.ceil(n / p!.align) * p!.align + p!.size, 0);
    const align = Math.max(...parts.map((p) => p!.align));
    if (w.size !== bytes || w.align !== align) same = false;
  }
  return {
    detail: `${memberPath(nb, c.wrapper)}: ${names} now inside an anonymous ${c.wrapper.nested?.kind ?? 'block'} that keeps ${c.old.length > 1 ? 'their names' : 'its name'}`,
    compat:
      same === true
        ? compat('compatible', 'the old names still resolve and the wrapper has exactly their size and alignment, so nothing moves')
        : same === false
          ? compat('abi-break', 'the wrapper does not have the size and alignment of the members it replaces, so later members move')
          : compat('abi-break', 'whether the wrapper keeps the replaced members\' size cannot be told from the patch'),
  };
}

/** true/false when both sizes are known on both ABIs, null otherwise. */
function sameSize(a: Member, b: Member, env: LayoutEnv): boolean | null {
  let same = true;
  for (const abi of ABIS) {
    const x = memberType(a, abi, env);
    const y = memberType(b, abi, env);
    if (!x || !y) return null;
    if (x.size !== y.size || x.align !== y.align) same = false;
  }
  return same;
}

function reservedFact(file: FileDiff, v: { old: SideView; new: SideView }, nb: Block, c: Extract<MemberChange, { type: 'reserved' }>, tag: string, env: LayoutEnv): Fact {
  const first = c.taken[0] ?? c.rest[0];
  const line = first ? v.new.lines[first.line]! : v.old.lines[c.reserved[0]!.line]!;
  const names = c.taken.map((m) => m.name || `<anonymous ${m.nested?.kind}>`).join(', ');
  const was = c.reserved.map((m) => `${m.name} (${describe(m)})`).join(', ');
  const left = c.rest.length > 0 ? `, leaving ${c.rest.map((m) => `${m.name} (${describe(m)})`).join(', ')}` : '';
  const detail = `${memberPath(nb, c.reserved[0]!).replace(/[^.: ]+$/, '')}reserved ${was} now ${names ? `holds ${names}` : 'changes'}${left}`;
  // Bytes the reserved members gave up, against bytes the new members need, on both ABIs.
  const bytes = (ms: Member[], abi: Abi) => ms.reduce<number | null>((n, m) => (n === null ? null : (memberType(m, abi, env)?.size ?? null) === null ? null : n + memberType(m, abi, env)!.size), 0);
  let verdict: boolean | null = c.taken.length > 0 ? true : null;
  for (const abi of ABIS) {
    if (verdict === null) break;
    const a = bytes(c.reserved, abi);
    const b = bytes([...c.rest, ...c.taken], abi);
    if (a === null || b === null) verdict = null;
    else if (a !== b) verdict = false;
  }
  const cls =
    verdict === true
      ? compat('compatible', 'the new members exactly fill the reserved bytes, so offsets and size are unchanged; userspace still needs a flag or feature to know the kernel reads them')
      : verdict === false
        ? compat('abi-break', 'the new members do not take exactly the bytes the reserved space gave up, so later members or the size move')
        : compat('abi-break', 'whether the new members exactly fill the reserved bytes cannot be told from the patch; check the layout with pahole');
  return lineFact('struct-reserved-used', tag, file, line, { detail, compat: cls });
}

/** Identical offsets and size on both ABIs, when both sides show the whole struct. */
function layoutsEqual(ob: Block, nb: Block, env: LayoutEnv): boolean {
  if (!(ob.opened && ob.closed && nb.opened && nb.closed)) return false;
  for (const abi of ABIS) {
    const a = layoutOf(ob, abi, env);
    const b = layoutOf(nb, abi, env);
    if (!a || !b || a.size !== b.size || a.align !== b.align) return false;
    if (a.fields.length !== b.fields.length) return false;
    for (let i = 0; i < a.fields.length; i++) if (a.fields[i]!.offset !== b.fields[i]!.offset || a.fields[i]!.size !== b.fields[i]!.size) return false;
  }
  return true;
}

/** Implicit padding and 32/64-bit differences in a new (or rewritten) struct. */
function paddingFacts(file: FileDiff, side: SideView, nb: Block, ob: Block | null, env: LayoutEnv): Fact[] {
  if (nb.kind !== 'struct' || nb.attrs.includes('packed')) return [];
  const lp = layoutOf(nb, 'lp64', env);
  const ilp = layoutOf(nb, 'ilp32', env);
  if (!lp || !ilp) return [];
  const oldLp = ob ? layoutOf(ob, 'lp64', env) : null;
  const oldIlp = ob ? layoutOf(ob, 'ilp32', env) : null;
  if (ob && (!oldLp || !oldIlp)) return [];
  const out: Fact[] = [];
  const tag = nb.tag || nb.id;
  const lineOf = (name: string | null) => {
    const m = name === null ? null : nb.members.find((x) => x.name === name);
    return side.lines[m ? m.line : nb.closeLine] ?? side.lines[nb.openLine]!;
  };
  const differs = (a: Layout, b: Layout) => a.size !== b.size || a.fields.some((f, i) => f.offset !== b.fields[i]?.offset);
  if (differs(lp, ilp) && !(oldLp && oldIlp && differs(oldLp, oldIlp))) {
    const moved = lp.fields.find((f, i) => f.offset !== ilp.fields[i]?.offset);
    const dep = nb.members.find((m) => !m.nested && abiDependent(m.type));
    const why = dep ? `${dep.name} has type ${dep.type}, whose size differs between 32- and 64-bit` : moved ? `${moved.name} is at offset ${moved.offset} on x86_64 but ${ilp.fields[lp.fields.indexOf(moved)]!.offset} on i386 (a 64-bit member without 8-byte alignment)` : `it is ${lp.size} bytes on x86_64 but ${ilp.size} on i386`;
    out.push(
      lineFact('struct-implicit-padding', tag, file, lineOf(dep?.name ?? moved?.name ?? null), {
        detail: `struct ${tag} has a different layout for 32-bit userspace: ${why}`,
        compat: compat('abi-break', '32-bit userspace on a 64-bit kernel sees other offsets or another size, so the compat path reads the wrong bytes'),
      }),
    );
  }
  const oldHoles = new Set((oldLp?.holes ?? []).map((h) => h.before ?? '<end>'));
  const holes = lp.holes.filter((h) => !oldHoles.has(h.before ?? '<end>'));
  if (holes.length > 0) {
    const h = holes[0]!;
    const where = holes.map((x) => `${x.bytes} byte(s) ${x.before === null ? 'at the end' : `before ${x.before}`}`).join(', ');
    out.push(
      lineFact('struct-implicit-padding', tag, file, lineOf(h.before), {
        detail: `struct ${tag} has implicit padding: ${where}`,
        compat: compat('compatible', 'nothing breaks today, but the hole can never be given a meaning (old userspace leaves it uninitialized) and it can leak kernel memory when copied out; make it an explicit reserved member checked for zero'),
      }),
    );
  }
  return out;
}

function layoutEnv(scope: PatchScope): LayoutEnv {
  return {
    lookup: (type) => scope.newStructs.get(type) ?? scope.catalogue().structs.get(type) ?? null,
    typedef: (name) => scope.typedefs.get(name) ?? scope.catalogue().typedefs.get(name) ?? null,
    resolve: scope.newResolve,
  };
}

