// ioctl request definitions: _IO/_IOR/_IOW/_IOWR(type, nr, argtype), _IOC(dir, type, nr,
// size) and DRM_IO*(nr, argtype), split into the parts that make the request number.
import { tokenizeText, joinTokens, type Token } from './lex.js';
import { evalExpr, type Resolve } from './expr.js';
import { scalarType } from './layout.js';

export type IoctlDir = 'none' | 'write' | 'read' | 'read-write';

export interface IoctlDef {
  name: string;
  /** The type (magic) expression as written: "VHOST_VIRTIO", "';'". */
  type: string;
  nr: string;
  dir: IoctlDir;
  /** The argument type as written ("struct vhost_vring_state", "__u64"), or null for _IO. */
  arg: string | null;
}

const MACROS: Record<string, IoctlDir> = { _IO: 'none', _IOW: 'write', _IOR: 'read', _IOWR: 'read-write', DRM_IO: 'none', DRM_IOW: 'write', DRM_IOR: 'read', DRM_IOWR: 'read-write' };
/** DRM ioctls use the 'd' magic implicitly. */
const DRM_TYPE = "'d'";

export const IOCTL_VALUE = /\b(?:_IO|_IOR|_IOW|_IOWR|_IOC|DRM_IO|DRM_IOR|DRM_IOW|DRM_IOWR)\s*\(/;

export function parseIoctl(name: string, value: string): IoctlDef | null {
  if (!IOCTL_VALUE.test(value)) return null; // most defines: no need to tokenize
  const toks = tokenizeText(value);
  const i = toks.findIndex((t, k) => t.kind === 'id' && (Object.hasOwn(MACROS, t.value) || t.value === '_IOC') && toks[k + 1]?.value === '(');
  if (i < 0) return null;
  const macro = toks[i]!.value;
  const args = splitTopArgs(toks, i + 1);
  if (!args) return null;
  const text = args.map(joinTokens);
  if (macro === '_IOC') {
    if (text.length !== 4) return null;
    const d = text[0]!;
    const dir: IoctlDir = /_IOC_READ/.test(d) && /_IOC_WRITE/.test(d) ? 'read-write' : /_IOC_READ/.test(d) ? 'read' : /_IOC_WRITE/.test(d) ? 'write' : 'none';
    return { name, type: text[1]!, nr: text[2]!, dir, arg: text[3]! };
  }
  const dir = MACROS[macro]!;
  if (macro.startsWith('DRM_')) {
    if (text.length !== (dir === 'none' ? 1 : 2)) return null;
    return { name, type: DRM_TYPE, nr: text[0]!, dir, arg: dir === 'none' ? null : text[1]! };
  }
  if (text.length !== (dir === 'none' ? 2 : 3)) return null;
  return { name, type: text[0]!, nr: text[1]!, dir, arg: dir === 'none' ? null : text[2]! };
}

function splitTopArgs(toks: Token[], open: number): Token[][] | null {
  if (toks[open]?.value !== '(') return null;
  const args: Token[][] = [[]];
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    const v = toks[i]!.value;
    if (v === '(') {
      if (depth++ === 0) continue;
    } else if (v === ')') {
      if (--depth === 0) return args.filter((a) => a.length > 0);
    } else if (v === ',' && depth === 1) {
      args.push([]);
      continue;
    }
    args[args.length - 1]!.push(toks[i]!);
  }
  return null;
}

export interface ResolvedIoctl {
  type: bigint | null;
  nr: bigint | null;
}

export function resolveIoctl(d: IoctlDef, resolve: Resolve): ResolvedIoctl {
  return { type: evalExpr(d.type, resolve), nr: evalExpr(d.nr, resolve) };
}

/** Argument size on x86_64 when it is a scalar type; null otherwise. */
export function argScalarSize(arg: string | null): number | null {
  if (arg === null) return 0;
  return scalarType(arg, 'lp64')?.size ?? null;
}

/** "VHOST_GET_X" and "VHOST_SET_X": a getter/setter pair that shares a number by convention. */
export function isGetSetPair(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/(^|_)(GET|SET)(_|$)/, '$1#$3');
  return a !== b && norm(a) === norm(b);
}

export function describeIoctl(d: IoctlDef): string {
  const macro = d.dir === 'none' ? '_IO' : d.dir === 'write' ? '_IOW' : d.dir === 'read' ? '_IOR' : '_IOWR';
  return `${macro}(${d.type}, ${d.nr}${d.arg ? ', ' + d.arg : ''})`;
}
