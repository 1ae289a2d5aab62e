// Integer constant expressions as they appear in uAPI headers (define values, enum
// initializers, ioctl numbers, array sizes): evaluated with BigInt, names resolved through a
// callback, and null whenever something is not a known constant.
import { tokenizeText, type Token } from './lex.js';

/** Resolves a name to its value, or null when unknown. */
export type Resolve = (name: string) => bigint | null;

const BIT_MACROS = new Set(['BIT', 'BIT_ULL', '_BITUL', '_BITULL', '__BIT', 'BIT_U32', 'BIT_U64']);
const TYPE_WORDS = /^(unsigned|signed|int|long|short|char|__u8|__u16|__u32|__u64|__s8|__s16|__s32|__s64|u8|u16|u32|u64|uint8_t|uint16_t|uint32_t|uint64_t|int8_t|int16_t|int32_t|int64_t|__le16|__le32|__le64|__be16|__be32|__be64|size_t)$/;
/** Bounds recursion through mutually defined names. */
const MAX_DEPTH = 24;

export function evalExpr(text: string, resolve: Resolve = () => null, depth = 0): bigint | null {
  if (depth > MAX_DEPTH) return null;
  const toks = tokenizeText(text);
  if (toks.length === 0) return null;
  const p = new Parser(toks, resolve, depth);
  try {
    const v = p.ternary();
    return p.done() ? v : null;
  } catch {
    return null;
  }
}

export function parseIntLiteral(s: string): bigint | null {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)[uUlL]*$/.exec(s);
  if (!m) return null;
  const n = m[1]!;
  if (/^0[xX]/.test(n)) return BigInt(n);
  if (n.length > 1 && n.startsWith('0')) return BigInt('0o' + n.slice(1));
  return BigInt(n);
}

function charLiteral(s: string): bigint | null {
  const m = /^'(\\?.)'$/.exec(s);
  if (!m) return null;
  const c = m[1]!;
  if (c.length === 1) return BigInt(c.charCodeAt(0));
  const esc: Record<string, number> = { '\\n': 10, '\\t': 9, '\\0': 0, "\\'": 39, '\\\\': 92 };
  return esc[c] !== undefined ? BigInt(esc[c]!) : null;
}

class Parser {
  private i = 0;
  constructor(
    private toks: Token[],
    private resolve: Resolve,
    private depth: number,
  ) {}
  done(): boolean {
    return this.i >= this.toks.length;
  }
  private peek(): string | undefined {
    return this.toks[this.i]?.value;
  }
  private take(v?: string): Token {
    const t = this.toks[this.i];
    if (!t || (v !== undefined && t.value !== v)) throw new Error('syntax');
    this.i++;
    return t;
  }
  ternary(): bigint | null {
    const c = this.binary(0);
    if (this.peek() !== '?') return c;
    this.take('?');
    const a = this.ternary();
    this.take(':');
    const b = this.ternary();
    return c === null ? null : c !== 0n ? a : b;
  }
  private static PREC: Record<string, number> = { '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10 };
  private binary(min: number): bigint | null {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      const prec = op !== undefined ? Parser.PREC[op] : undefined;
      if (prec === undefined || prec <= min) return left;
      this.take();
      const right = this.binary(prec);
      left = left === null || right === null ? null : apply(op!, left, right);
    }
  }
  private unary(): bigint | null {
    const t = this.peek();
    if (t === '-' || t === '~' || t === '!' || t === '+') {
      this.take();
      const v = this.unary();
      if (v === null) return null;
      return t === '-' ? -v : t === '~' ? ~v : t === '!' ? (v === 0n ? 1n : 0n) : v;
    }
    return this.primary();
  }
  private primary(): bigint | null {
    const t = this.take();
    if (t.value === '(') {
      // A cast: "(unsigned long)" or "(__u64)" in front of an operand.
      const save = this.i;
      let isCast = true;
      let words = 0;
      while (this.peek() !== ')' && this.peek() !== undefined) {
        const w = this.take().value;
        if (!TYPE_WORDS.test(w) && w !== '*') isCast = false;
        words++;
      }
      if (isCast && words > 0 && this.peek() === ')') {
        this.take(')');
        return this.unary();
      }
      this.i = save;
      const v = this.ternary();
      this.take(')');
      return v;
    }
    if (t.kind === 'num') return parseIntLiteral(t.value);
    if (t.kind === 'str') return charLiteral(t.value);
    if (t.kind === 'id') {
      if (this.peek() === '(') {
        this.take('(');
        const args: bigint[] = [];
        let unknown = false;
        if (this.peek() !== ')') {
          for (;;) {
            const v = this.ternary();
            if (v === null) unknown = true;
            else args.push(v);
            if (this.peek() === ',') this.take(',');
            else break;
          }
        }
        this.take(')');
        if (unknown) return null;
        if (BIT_MACROS.has(t.value) && args.length === 1) return 1n << args[0]!;
        if (t.value === '_AC' || t.value === '_UL' || t.value === '_ULL') return args[0] ?? null;
        if ((t.value === 'GENMASK' || t.value === 'GENMASK_ULL') && args.length === 2) {
          const [h, l] = args as [bigint, bigint];
          return ((1n << (h - l + 1n)) - 1n) << l;
        }
        return null;
      }
      return this.depth > MAX_DEPTH ? null : this.resolve(t.value);
    }
    throw new Error('syntax');
  }
}

function apply(op: string, a: bigint, b: bigint): bigint | null {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0n ? null : a / b;
    case '%':
      return b === 0n ? null : a % b;
    case '<<':
      return b < 0n || b > 128n ? null : a << b;
    case '>>':
      return b < 0n || b > 128n ? null : a >> b;
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '&&':
      return a !== 0n && b !== 0n ? 1n : 0n;
    case '||':
      return a !== 0n || b !== 0n ? 1n : 0n;
    case '==':
      return a === b ? 1n : 0n;
    case '!=':
      return a !== b ? 1n : 0n;
    case '<':
      return a < b ? 1n : 0n;
    case '>':
      return a > b ? 1n : 0n;
    case '<=':
      return a <= b ? 1n : 0n;
    case '>=':
      return a >= b ? 1n : 0n;
  }
  return null;
}

/** Whether v is a single set bit (a flag mask). */
export function isSingleBit(v: bigint): boolean {
  return v > 0n && (v & (v - 1n)) === 0n;
}
