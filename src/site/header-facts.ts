// Definition facts from installed uAPI headers (/usr/include/linux or include/uapi/linux):
// for each #define its value, for ioctls the _IO/_IOR/_IOW/_IOWR type, number, direction and
// argument type, for enum members their value, and where structs are defined. Only facts are
// taken (names, numbers, types, line numbers); no comment text is carried over.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { headerNames } from '../diff/uapi/header-files.js';

export type IoctlDirection = 'none' | 'write' | 'read' | 'read-write';

export interface IoctlFacts {
  macro: '_IO' | '_IOR' | '_IOW' | '_IOWR';
  direction: IoctlDirection;
  type: { expr: string; value: number | null };
  nr: { expr: string; value: number | null };
  /** Argument type as written ("struct vhost_vring_state", "__u64"), null for _IO. */
  argument: string | null;
  /** The full request number when the argument size is known (asm-generic _IOC layout). */
  request: number | null;
  /**
   * VFIO and iommufd encode their ioctls with plain _IO and state the real direction and
   * argument in the comment beside them ("NAME - _IOW(VFIO_TYPE, VFIO_BASE + 2, __s32)").
   */
  documentedAs: { macro: IoctlFacts['macro']; argument: string | null } | null;
}

export interface HeaderDefinition {
  name: string;
  /** Base name of the header, e.g. "vhost.h". */
  header: string;
  line: number;
  what: 'define' | 'enum-member' | 'struct' | 'union';
  /** The value expression as written, whitespace collapsed and comments removed. */
  expr?: string;
  /** Its integer value when it can be evaluated. */
  value?: number | null;
  /** The enum a member belongs to ("vduse_req_type"), if named. */
  enumName?: string;
  ioctl?: IoctlFacts;
}

export interface HeaderFacts {
  dir: string;
  headers: string[];
  /** "Linux 6.1" from linux/version.h when present. */
  linuxVersion: string | null;
  definitions: Map<string, HeaderDefinition>;
}

/** The headers of the interfaces the knowledge base covers. */
const HEADER_FILE = /^(vhost[a-z_]*|vduse|vfio[a-z_]*|iommufd|vdpa|virtio_[a-z0-9_]+)\.h$/;

export function readHeaderFacts(dir: string): HeaderFacts | null {
  const names = headerNames(dir, (n) => HEADER_FILE.test(n));
  if (!names || names.length === 0) return null;
  const definitions = new Map<string, HeaderDefinition>();
  for (const n of names) {
    for (const d of parseHeader(readFileSync(join(dir, n), 'utf8'), n)) if (!definitions.has(d.name)) definitions.set(d.name, d);
  }
  evaluateAll(definitions);
  return { dir, headers: names, linuxVersion: linuxVersion(dir), definitions };
}

function linuxVersion(dir: string): string | null {
  const p = join(dir, 'version.h');
  if (!existsSync(p)) return null;
  const m = /#define\s+LINUX_VERSION_CODE\s+(\d+)/.exec(readFileSync(p, 'utf8'));
  if (!m) return null;
  const code = Number(m[1]);
  return `Linux ${code >> 16}.${(code >> 8) & 0xff}`;
}

interface Line {
  text: string;
  /** Comment text of the line, kept only to read ioctl annotations from. */
  comment: string;
  line: number;
}

/** Comments removed, continuation lines joined; each logical line keeps its first line number. */
function logicalLines(text: string): Line[] {
  const out: Line[] = [];
  const src = text.split(/\r?\n/);
  let inComment = false;
  let pending: Line | null = null;
  for (let i = 0; i < src.length; i++) {
    let code = '';
    let comment = '';
    const s = src[i]!;
    for (let j = 0; j < s.length; ) {
      if (inComment) {
        const end = s.indexOf('*/', j);
        comment += s.slice(j, end === -1 ? s.length : end) + ' ';
        if (end === -1) j = s.length;
        else {
          inComment = false;
          j = end + 2;
          code += ' ';
        }
      } else if (s.startsWith('/*', j)) {
        inComment = true;
        j += 2;
      } else if (s.startsWith('//', j)) {
        comment += s.slice(j + 2);
        j = s.length;
      } else {
        code += s[j];
        j++;
      }
    }
    const continued = /\\\s*$/.test(code);
    if (continued) code = code.replace(/\\\s*$/, ' ');
    if (pending) {
      pending.text += ' ' + code;
      pending.comment += ' ' + comment;
    } else pending = { text: code, comment, line: i + 1 };
    if (!continued) {
      out.push(pending);
      pending = null;
    }
  }
  if (pending) out.push(pending);
  return out;
}

const DEFINE = /^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?\s*(.*)$/;
const IOCTL = /^\(?\s*(_IOWR|_IOR|_IOW|_IO)\s*\((.*)\)\s*\)?$/;
const DOC_IOCTL = /\b([A-Z][A-Z0-9_]+)\s+-\s+(_IOWR|_IOR|_IOW|_IO)\s*\(([^)]*\)?)/g;

export function parseHeader(text: string, header: string): HeaderDefinition[] {
  const out: HeaderDefinition[] = [];
  const lines = logicalLines(text);
  const documented = new Map<string, IoctlFacts['documentedAs']>();
  // Block comments span lines: read the annotations from all comment text at once.
  const comments = lines.map((l) => l.comment).join(' ').replace(/(^|\s)\*(?=\s)/g, ' ');
  {
    for (const m of comments.matchAll(DOC_IOCTL)) {
      const args = splitArgs(m[3]!.replace(/\)\s*$/, ''));
      documented.set(m[1]!, { macro: m[2] as IoctlFacts['macro'], argument: args.length >= 3 ? args.slice(2).join(', ') : null });
    }
  }
  let enumBlock: { name: string | undefined; next: string } | null = null;
  let depth = 0;
  for (const l of lines) {
    const d = DEFINE.exec(l.text);
    if (d) {
      if (d[2]) continue; // function-like macros are not uAPI values
      const expr = d[3]!.replace(/\s+/g, ' ').trim();
      const def: HeaderDefinition = { name: d[1]!, header, line: l.line, what: 'define', expr };
      const io = IOCTL.exec(expr);
      if (io) def.ioctl = ioctlFacts(io[1] as IoctlFacts['macro'], splitArgs(io[2]!), documented.get(d[1]!) ?? null);
      out.push(def);
      continue;
    }
    const code = l.text;
    const agg = /^\s*(struct|union)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{/.exec(code);
    if (agg && depth === 0) out.push({ name: agg[2]!, header, line: l.line, what: agg[1] as 'struct' | 'union' });
    const en = /^\s*enum\s+([A-Za-z_][A-Za-z0-9_]*)?\s*\{/.exec(code);
    if (en && depth === 0) enumBlock = { name: en[1], next: '0' };
    if (enumBlock && depth >= (en ? 0 : 1)) {
      const body = en ? code.slice(code.indexOf('{') + 1) : code;
      for (const part of body.split(',')) {
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*([^}]*?))?\s*\}?\s*;?\s*$/.exec(part);
        if (!m || part.trim() === '' || /^\s*\}/.test(part)) continue;
        const expr = m[2] !== undefined ? m[2].trim() : enumBlock.next;
        const member: HeaderDefinition = { name: m[1]!, header, line: l.line, what: 'enum-member', expr };
        if (enumBlock.name) member.enumName = enumBlock.name;
        out.push(member);
        enumBlock.next = `(${m[1]!}) + 1`;
      }
    }
    for (const c of code) {
      if (c === '{') depth++;
      else if (c === '}') depth = Math.max(0, depth - 1);
    }
    if (depth === 0) enumBlock = null;
  }
  return out;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

const DIRECTION: Record<IoctlFacts['macro'], IoctlDirection> = { _IO: 'none', _IOW: 'write', _IOR: 'read', _IOWR: 'read-write' };

function ioctlFacts(macro: IoctlFacts['macro'], args: string[], documentedAs: IoctlFacts['documentedAs']): IoctlFacts {
  return {
    macro,
    direction: DIRECTION[macro],
    type: { expr: args[0] ?? '', value: null },
    nr: { expr: args[1] ?? '', value: null },
    argument: macro === '_IO' ? null : args.slice(2).join(', ').replace(/\s+/g, ' ') || null,
    request: null,
    documentedAs,
  };
}

/** Values of every define and enum member that reduces to an integer; then the ioctl numbers. */
function evaluateAll(defs: Map<string, HeaderDefinition>): void {
  const ev = new Evaluator(defs);
  for (const d of defs.values()) {
    if (d.expr === undefined) continue;
    if (d.ioctl) {
      d.ioctl.type.value = ev.value(d.ioctl.type.expr);
      d.ioctl.nr.value = ev.value(d.ioctl.nr.expr);
      d.ioctl.request = requestNumber(d.ioctl, ev);
      d.value = d.ioctl.request;
    } else d.value = ev.valueOf(d.name);
  }
}

const SCALAR_SIZE: Record<string, number> = {
  __u8: 1, __s8: 1, char: 1, __u16: 2, __s16: 2, __le16: 2, __be16: 2, short: 2,
  __u32: 4, __s32: 4, __le32: 4, __be32: 4, int: 4, 'unsigned int': 4,
  __u64: 8, __s64: 8, __le64: 8, __be64: 8, 'unsigned long long': 8, 'long long': 8,
};

/** asm-generic: dir << 30 | size << 16 | type << 8 | nr (x86, arm64, riscv, s390). */
function requestNumber(io: IoctlFacts, ev: Evaluator): number | null {
  const { type, nr } = io;
  if (type.value === null || nr.value === null) return null;
  let size = 0;
  if (io.argument !== null) {
    const arr = /^(.+?)\s*\[(.+)\]$/.exec(io.argument);
    const base = SCALAR_SIZE[(arr ? arr[1]! : io.argument).trim()];
    const count = arr ? ev.value(arr[2]!) : 1;
    if (base === undefined || count === null) return null;
    size = base * count;
  }
  const dir = { none: 0, write: 1, read: 2, 'read-write': 3 }[io.direction];
  if (size >= 1 << 14 || type.value > 0xff || nr.value > 0xff) return null;
  return ((dir << 30) >>> 0) + size * 0x10000 + type.value * 0x100 + nr.value;
}

/** A tiny C constant-expression evaluator: literals, names, + - * | & ^ << >> ~ and parentheses. */
class Evaluator {
  private readonly cache = new Map<string, number | null>();
  private readonly active = new Set<string>();
  constructor(private readonly defs: Map<string, HeaderDefinition>) {}

  valueOf(name: string): number | null {
    if (this.cache.has(name)) return this.cache.get(name)!;
    const d = this.defs.get(name);
    if (!d || d.expr === undefined || d.ioctl || this.active.has(name)) return null;
    this.active.add(name);
    const v = this.value(d.expr);
    this.active.delete(name);
    this.cache.set(name, v);
    return v;
  }

  value(expr: string): number | null {
    const tokens = expr.match(/0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*|'(?:\\.|[^'])'|[A-Za-z_][A-Za-z0-9_]*|<<|>>|[-+*|&^~()]|\S/g);
    if (!tokens) return null;
    let i = 0;
    const peek = () => tokens[i];
    const bad = Symbol('bad');
    const primary = (): number | typeof bad => {
      const t = tokens[i++];
      if (t === undefined) return bad;
      if (t === '(') {
        // A cast such as (__u64) or (unsigned int): skip it.
        if (/^(?:unsigned|signed|int|long|short|char|__[us](8|16|32|64))$/.test(peek() ?? '')) {
          while (i < tokens.length && tokens[i] !== ')') i++;
          i++;
          return unary();
        }
        const v = or();
        if (tokens[i++] !== ')') return bad;
        return v;
      }
      if (t === '~') {
        const v = unary();
        return v === bad ? bad : ~v;
      }
      if (t === '-') {
        const v = unary();
        return v === bad ? bad : -v;
      }
      if (/^\d/.test(t)) return Number.parseInt(t.replace(/[uUlL]+$/, ''), t.startsWith('0x') || t.startsWith('0X') ? 16 : /^0\d/.test(t) ? 8 : 10);
      if (t.startsWith("'")) return t === "'\\''" ? 39 : t.length === 3 ? t.charCodeAt(1) : bad;
      if (/^[A-Za-z_]/.test(t)) {
        const v = this.valueOf(t);
        return v === null ? bad : v;
      }
      return bad;
    };
    const unary = primary;
    const binary = (next: () => number | typeof bad, ops: Record<string, (a: number, b: number) => number>) => (): number | typeof bad => {
      let a = next();
      while (a !== bad && peek() !== undefined && Object.hasOwn(ops, peek()!)) {
        const op = tokens[i++]!;
        const b = next();
        if (b === bad) return bad;
        a = ops[op]!(a, b);
      }
      return a;
    };
    // BigInt-free: values here stay well inside 2^53 except 1ULL << 63, which is rare in uAPI bit numbers.
    const mul = binary(unary, { '*': (a, b) => a * b });
    const add = binary(mul, { '+': (a, b) => a + b, '-': (a, b) => a - b });
    const shift = binary(add, { '<<': (a, b) => a * 2 ** b, '>>': (a, b) => Math.floor(a / 2 ** b) });
    const and = binary(shift, { '&': (a, b) => Number(BigInt(a) & BigInt(b)) });
    const xor = binary(and, { '^': (a, b) => Number(BigInt(a) ^ BigInt(b)) });
    const or = binary(xor, { '|': (a, b) => Number(BigInt(a) | BigInt(b)) });
    const v = or();
    return v === bad || i !== tokens.length || !Number.isSafeInteger(v) ? null : v;
  }
}
