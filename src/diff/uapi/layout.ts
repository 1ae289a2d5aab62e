// Struct layout on the two ABIs that matter for uAPI compatibility: x86_64 (LP64) and i386
// (ILP32, where a plain 64-bit integer is only 4-byte aligned inside structs). Sizes come
// from the fixed-width kernel types; anything unknown makes the layout unknown (null).
import type { Block, Member, Typedef } from './decls.js';
import { evalExpr, type Resolve } from './expr.js';

export type Abi = 'lp64' | 'ilp32';
export const ABIS: Abi[] = ['lp64', 'ilp32'];

export interface TypeInfo {
  size: number;
  align: number;
}

const FIXED: [RegExp, number][] = [
  [/^(char|signed char|unsigned char|__u8|__s8|u8|s8|uint8_t|int8_t|bool|_Bool)$/, 1],
  [/^(short|short int|unsigned short|unsigned short int|signed short|__u16|__s16|__le16|__be16|__virtio16|u16|s16|uint16_t|int16_t|__sum16)$/, 2],
  [/^(int|unsigned|unsigned int|signed int|signed|__u32|__s32|__le32|__be32|__virtio32|u32|s32|uint32_t|int32_t|float|__wsum|__kernel_pid_t|__kernel_uid32_t|__kernel_gid32_t|pid_t|uid_t|gid_t|enum \w+)$/, 4],
];
const U64 = /^(long long|long long int|unsigned long long|unsigned long long int|signed long long|__u64|__s64|__le64|__be64|__virtio64|u64|s64|uint64_t|int64_t|double|__kernel_loff_t|loff_t)$/;
const ALIGNED_U64 = /^(__aligned_u64|__aligned_s64|__aligned_le64|__aligned_be64|aligned_u64|aligned_le64|aligned_be64)$/;
const LONG = /^(long|long int|unsigned long|unsigned long int|signed long|size_t|ssize_t|__kernel_size_t|__kernel_ssize_t|__kernel_ulong_t|__kernel_long_t|uintptr_t|intptr_t|__kernel_off_t|off_t)$/;

/** Size and alignment of a scalar type on an ABI, or null when it is not a known scalar. */
export function scalarType(type: string, abi: Abi): TypeInfo | null {
  const t = type.replace(/\b(const|volatile)\b/g, '').replace(/\s+/g, ' ').trim();
  if (/\*\s*$/.test(t) || /\(\*\)/.test(t)) return abi === 'lp64' ? { size: 8, align: 8 } : { size: 4, align: 4 };
  for (const [re, n] of FIXED) if (re.test(t)) return { size: n, align: n };
  if (U64.test(t)) return { size: 8, align: abi === 'lp64' ? 8 : 4 };
  if (ALIGNED_U64.test(t)) return { size: 8, align: 8 };
  if (LONG.test(t)) return abi === 'lp64' ? { size: 8, align: 8 } : { size: 4, align: 4 };
  return null;
}

/** Whether the type's size depends on the ABI (long, pointers): a uAPI struct should not use one. */
export function abiDependent(type: string): boolean {
  const a = scalarType(type, 'lp64');
  const b = scalarType(type, 'ilp32');
  return !!a && !!b && a.size !== b.size;
}

export interface FieldLayout {
  name: string;
  offset: number;
  size: number;
}

export interface Layout {
  size: number;
  align: number;
  fields: FieldLayout[];
  /** Implicit padding: before a member (its name) or at the end (null). */
  holes: { before: string | null; offset: number; bytes: number }[];
}

export interface LayoutEnv {
  /** Struct/union definitions by "struct tag" / "union tag". */
  lookup: (type: string) => Block | null;
  /** Typedef names ("vring_used_elem_t"), when known. */
  typedef?: (name: string) => Typedef | null;
  resolve: Resolve;
}

const MAX_NESTING = 8;

export function memberType(m: Member, abi: Abi, env: LayoutEnv, depth = 0): TypeInfo | null {
  let base: TypeInfo | null;
  if (m.macro && m.macro !== 'unknown' && !/FLEX/.test(m.macro)) return null;
  if (m.nested) {
    const l = layoutOf(m.nested, abi, env, depth + 1);
    base = l ? { size: l.size, align: l.align } : null;
  } else base = typeInfo(m.type, abi, env, depth);
  if (!base) return null;
  let count = 1;
  for (const d of m.dims) {
    if (d === '') {
      count = 0; // flexible array: no size, but it still aligns the struct
      continue;
    }
    const v = evalExpr(d, env.resolve);
    if (v === null || v < 0n || v > 1_000_000n) return null;
    count *= Number(v);
  }
  return { size: base.size * count, align: base.align };
}

/** A scalar, a struct/union the environment knows, or a typedef of one (with its aligned() attribute). */
function typeInfo(type: string, abi: Abi, env: LayoutEnv, depth: number): TypeInfo | null {
  if (depth > MAX_NESTING) return null;
  const scalar = scalarType(type, abi);
  if (scalar) return scalar;
  if (/^(struct|union) \w+$/.test(type)) {
    const b = env.lookup(type);
    const l = b ? layoutOf(b, abi, env, depth + 1) : null;
    return l ? { size: l.size, align: l.align } : null;
  }
  const td = /^\w+$/.test(type) ? env.typedef?.(type) : null;
  if (!td) return null;
  const base = typeInfo(td.type, abi, env, depth + 1);
  if (!base) return null;
  // On a typedef, aligned(n) sets the alignment (it may also lower it).
  const al = td.attrs.map((a) => /^aligned\((\w+)\)$/.exec(a)).find((m) => m);
  const n = al ? evalExpr(al[1]!, env.resolve) : null;
  return n !== null ? { size: base.size, align: Number(n) } : base;
}

/** The layout of a complete struct/union, or null when any member's size is unknown. */
export function layoutOf(block: Block, abi: Abi, env: LayoutEnv, depth = 0): Layout | null {
  if (depth > MAX_NESTING || block.kind === 'enum') return null;
  // Alternative #if branches make more than one layout: not ours to pick.
  if (block.members.some((m) => m.cond !== block.members[0]!.cond)) return null;
  if (block.members.some((m) => m.bits !== null)) return null;
  const packed = block.attrs.includes('packed');
  let forced = 1;
  for (const a of block.attrs) {
    const m = /^aligned\((\w+)\)$/.exec(a);
    if (m) forced = Math.max(forced, Number(evalExpr(m[1]!, env.resolve) ?? 1n));
  }
  const fields: FieldLayout[] = [];
  const holes: Layout['holes'] = [];
  let offset = 0;
  let align = 1;
  let size = 0;
  for (const m of block.members) {
    const t = memberType(m, abi, env, depth);
    if (!t) return null;
    const a = packed ? 1 : t.align;
    align = Math.max(align, a);
    if (block.kind === 'union') {
      fields.push({ name: m.name, offset: 0, size: t.size });
      size = Math.max(size, t.size);
      continue;
    }
    const at = Math.ceil(offset / a) * a;
    if (at > offset) holes.push({ before: m.name, offset, bytes: at - offset });
    fields.push({ name: m.name, offset: at, size: t.size });
    offset = at + t.size;
    size = offset;
  }
  align = Math.max(align, forced);
  const total = Math.ceil(size / align) * align;
  if (total > size && block.kind === 'struct') holes.push({ before: null, offset: size, bytes: total - size });
  return { size: total, align, fields, holes };
}
