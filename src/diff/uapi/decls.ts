// The C declarations one side of a hunk (or a whole header) shows: #defines, and the
// struct/union/enum blocks with their members in order, including blocks the text opens
// before it starts (known from the hunk section and the indentation of what follows).
import { tokenize, joinTokens, type Token } from './lex.js';

export type BlockKind = 'struct' | 'union' | 'enum';

export interface Member {
  /** Declarator name; '' for an anonymous nested struct/union. */
  name: string;
  /** Normalized type text ("__u32", "struct vhost_iotlb_msg", "void *"). */
  type: string;
  /** Array dimensions as written ("4", "VHOST_X_MAX", "" for a flexible array). */
  dims: string[];
  bits: string | null;
  line: number;
  /** Indentation level of the declaration's line (a tab or 8 columns each): nesting shows in it. */
  col: number;
  /** The #if branch the member sits in ("" when unconditional). */
  cond: string;
  nested?: Block;
  /** A declaration written as a macro call (__DECLARE_FLEX_ARRAY(...), __struct_group(...)). */
  macro?: string;
}

export interface Enumerator {
  name: string;
  /** The initializer as written, or null for an implicit value (previous + 1). */
  value: string | null;
  line: number;
  cond: string;
}

export interface Block {
  kind: BlockKind;
  /** Tag or typedef name; '' while anonymous. */
  tag: string;
  /** Stable key for pairing the two sides: "struct vhost_msg", "struct vhost_msg/union#0". */
  id: string;
  members: Member[];
  enumerators: Enumerator[];
  /** The opening "{" is in the text (else the block was open before the text starts). */
  opened: boolean;
  closed: boolean;
  openLine: number;
  closeLine: number;
  attrs: string[];
  parent: Block | null;
  /** For a virtual block from the hunk section: seen to be really open (a member or its "}"). */
  confirmed: boolean;
  /** A nested block opened before the text starts: struct or union is a guess. */
  guessedKind?: boolean;
}

/** Id of the nested block a hunk starts inside of (whose opening line it does not show). */
export const ENCLOSING = '…';

export interface Define {
  name: string;
  params: string | null;
  /** The value with whitespace normalized ("" for a flag-style define). */
  value: string;
  line: number;
  endLine: number;
  cond: string;
  /** The struct/union the define is written inside (VFIO puts flag values there). */
  inBlock: Block | null;
  /** The member declared just before it in that block. */
  after: Member | null;
}

export interface Typedef {
  /** The aliased type ("struct vring_used_elem", "__u64"). */
  type: string;
  attrs: string[];
}

export interface Decls {
  defines: Define[];
  blocks: Block[];
  /** "typedef T [attributes] name;" (the braced form names its block instead). */
  typedefs: Map<string, Typedef>;
}

const AGG_SECTION = /^(?:typedef\s+)?(struct|union|enum)\s+([A-Za-z_]\w*)?\s*(?:__attribute__\s*\(\(.*?\)\)\s*)?\{/;
const ATTR_WORDS = new Set(['__attribute__', '__packed', '__aligned', '__attribute', '__user', '__kernel', 'const', 'volatile', '__bitwise', '__force', 'aligned', '__randomize_layout']);
const MEMBER_MACROS = /^(__DECLARE_FLEX_ARRAY|DECLARE_FLEX_ARRAY|__struct_group|struct_group|struct_group_tagged|__VIRTIO_DECLARE_FEATURES|VIRTIO_DECLARE_FEATURES)$/;

/**
 * Parses one side. `section` is the hunk's "@@ … @@ section" text: when it names an
 * aggregate, the text may start inside that block.
 */
export function parseDecls(lines: string[], section = ''): Decls {
  const toks = tokenize(lines);
  const sec = AGG_SECTION.exec(section.trim());
  // Start inside the section's block only if the first code token does not sit at column 0
  // (a column-0 token other than "}" means the block closed before the hunk).
  const firstCode = toks.find((t) => t.kind !== 'pp');
  const inside = !!sec && (!firstCode || firstCode.col > 0 || firstCode.value === '}');
  const levels = lines.map((l) => Math.floor((/^[ \t]*/.exec(l)![0].replace(/\t/g, '        ').length) / 8));
  return new DeclParser(toks, inside ? { kind: sec![1] as BlockKind, tag: sec![2] ?? '' } : null, levels).run();
}

interface Frame {
  block: Block | null; // null for a non-aggregate brace (function body, initializer)
}

class DeclParser {
  private defines: Define[] = [];
  private typedefs = new Map<string, Typedef>();
  private blocks: Block[] = [];
  private stack: Frame[] = [];
  private buf: Token[] = [];
  private cond: string[] = [];
  /** A block whose "}" was seen: the declarators and attributes after it, up to ";". */
  private closing: { block: Block; toks: Token[] } | null = null;
  private anonCount = new Map<string, number>();

  constructor(
    private toks: Token[],
    virtualRoot: { kind: BlockKind; tag: string } | null,
    private levels: number[],
  ) {
    if (virtualRoot) {
      const b = this.newBlock(virtualRoot.kind, virtualRoot.tag, null, false, -1);
      this.stack.push({ block: b });
    }
  }

  run(): Decls {
    for (const t of this.toks) {
      if (t.kind === 'pp') {
        this.directive(t);
        continue;
      }
      if (this.closing) {
        if (t.value === ';' || t.value === '{' || t.value === '}') {
          this.finishClose();
          if (t.value === ';') continue;
        } else {
          this.closing.toks.push(t);
          continue;
        }
      }
      const top = this.stack[this.stack.length - 1];
      if (t.value === '{') {
        this.open(t);
      } else if (t.value === '}') {
        this.close(t);
      } else if (top?.block?.kind === 'enum' && t.value === ',') {
        this.enumerator();
      } else if (t.value === ';') {
        if (top?.block && top.block.kind !== 'enum') this.member();
        else if (!top && this.buf[0]?.value === 'typedef') this.typedef();
        this.buf = [];
      } else this.buf.push(t);
    }
    if (this.closing) this.finishClose();
    if (this.buf.length > 0) {
      const top = this.stack[this.stack.length - 1];
      if (top?.block?.kind === 'enum') this.enumerator();
    }
    this.unclosedNesting();
    this.assignIds();
    return { defines: this.defines, blocks: this.blocks, typedefs: this.typedefs };
  }

  private level(line: number): number {
    return this.levels[line] ?? 0;
  }

  /**
   * Members of the section's block indented deeper than its own members, with no "}" in
   * sight: the text starts inside a nested block that stays open to its end.
   */
  private unclosedNesting(): void {
    const root = this.stack[0]?.block;
    if (!root || root.opened || root.kind === 'enum') return;
    const deep = root.members.filter((m) => m.col > 1);
    if (deep.length === 0) return;
    const nested = this.newBlock('struct', '', root, false, -1);
    nested.confirmed = true;
    nested.guessedKind = true;
    nested.members = deep;
    const at = root.members.indexOf(deep[0]!);
    const rest = root.members.filter((m) => !deep.includes(m));
    rest.splice(at, 0, { name: '', type: 'struct {…}', dims: [], bits: null, line: deep[0]!.line, col: 1, cond: deep[0]!.cond, nested });
    root.members = rest;
  }

  private condKey(): string {
    return this.cond.join(' / ');
  }

  private newBlock(kind: BlockKind, tag: string, parent: Block | null, opened: boolean, line: number): Block {
    const b: Block = { kind, tag, id: '', members: [], enumerators: [], opened, closed: false, openLine: line, closeLine: -1, attrs: [], parent, confirmed: opened };
    b.id = this.blockId(b);
    this.blocks.push(b);
    return b;
  }

  private blockId(b: Block): string {
    if (b.parent) return ''; // nested ids are assigned once the whole text is read
    if (b.tag) return `${b.kind} ${b.tag}`;
    // Anonymous top-level blocks (enum { … }, typedef'd structs until their name is seen).
    const n = this.anonCount.get(b.kind) ?? 0;
    this.anonCount.set(b.kind, n + 1);
    return `${b.kind} <anonymous>#${n}`;
  }

  /**
   * Nested ids by position in the parent: ".name" for a named member, "kind tag" for a
   * tagged one, "kind#k" for the k-th anonymous one, and ENCLOSING for the block the text
   * starts inside of. Ids so stay the same on both sides of a hunk when a sibling is added.
   */
  private assignIds(): void {
    const visit = (b: Block) => {
      let anon = 0;
      for (const m of b.members) {
        if (!m.nested) continue;
        const c = m.nested;
        c.parent = b;
        c.id = `${b.id}/${c.guessedKind && !c.opened ? ENCLOSING : m.name ? '.' + m.name : c.tag ? `${c.kind} ${c.tag}` : `${c.kind}#${anon++}`}`;
        visit(c);
      }
    };
    for (const b of this.blocks) if (!b.parent) visit(b);
    let open = 0;
    for (const b of this.blocks) if (b.parent && !b.id) b.id = `${b.parent.id}/${b.kind}@${open++}`;
  }

  /** The aggregate the parser is directly inside (null inside a function body or initializer). */
  private innermostAggregate(): Block | null {
    return this.stack[this.stack.length - 1]?.block ?? null;
  }

  private directive(t: Token): void {
    const text = t.value;
    const def = /^#\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?\s*(.*)$/.exec(text);
    if (def) {
      const inBlock = this.innermostAggregate();
      const after = inBlock && inBlock.kind !== 'enum' ? (inBlock.members[inBlock.members.length - 1] ?? null) : null;
      this.defines.push({ name: def[1]!, params: def[2] ?? null, value: def[3]!.replace(/\s+/g, ' ').trim(), line: t.line, endLine: t.endLine ?? t.line, cond: this.condKey(), inBlock, after });
      return;
    }
    const c = /^#\s*(ifdef|ifndef|if|elif|else|endif)\b\s*(.*)$/.exec(text);
    if (!c) return;
    const word = c[1]!;
    if (word === 'if' || word === 'ifdef' || word === 'ifndef') this.cond.push(`${word} ${c[2]!.trim()}`);
    else if (word === 'endif') this.cond.pop();
    else if (this.cond.length > 0) this.cond[this.cond.length - 1] += ` | ${word} ${c[2]!.trim()}`.trimEnd();
    else this.cond.push(`${word} ${c[2]!.trim()}`.trimEnd()); // hunk starts inside an #if
  }

  private open(t: Token): void {
    const parent = this.innermostAggregate();
    const plain = stripAttributes(this.buf);
    const words = plain.filter((x) => x.kind === 'id');
    const kw = words.findIndex((x) => x.value === 'struct' || x.value === 'union' || x.value === 'enum');
    // "= {" is an initializer and "…) {" a function body, not a type.
    const isInit = plain.some((x) => x.value === '=' || x.value === '(');
    if (kw >= 0 && !isInit) {
      const kind = words[kw]!.value as BlockKind;
      const tag = words.slice(kw + 1).find((x) => !ATTR_WORDS.has(x.value))?.value ?? '';
      const b = this.newBlock(kind, tag, parent, true, t.line);
      b.attrs.push(...attrsIn(this.buf));
      this.stack.push({ block: b });
    } else {
      this.stack.push({ block: null });
    }
    this.buf = [];
  }

  private close(t: Token): void {
    const top = this.stack[this.stack.length - 1];
    if (top?.block?.kind === 'enum' && this.buf.length > 0) this.enumerator();
    this.buf = [];
    if (!top) return; // a "}" of something opened before the text: nothing to attach it to
    if (top.block && !top.block.opened && t.col > 0 && top.block.kind !== 'enum') {
      // An indented "}" while only the section's block is known: the text started inside a
      // nested struct/union. The members indented deeper than this brace belong to it.
      const outer = top.block;
      const level = this.level(t.line);
      const nested = this.newBlock('struct', '', outer, false, -1);
      nested.confirmed = true;
      nested.guessedKind = true;
      nested.members = outer.members.filter((m) => m.col > level);
      outer.members = outer.members.filter((m) => m.col <= level);
      outer.confirmed = true;
      nested.closed = true;
      nested.closeLine = t.line;
      this.closing = { block: nested, toks: [] };
      return;
    }
    this.stack.pop();
    if (!top.block) return;
    top.block.closed = true;
    top.block.confirmed = true;
    top.block.closeLine = t.line;
    this.closing = { block: top.block, toks: [] };
  }

  /** After "} …;": attributes, and the declarator that makes a nested block a member. */
  private finishClose(): void {
    const { block, toks } = this.closing!;
    this.closing = null;
    block.attrs.push(...attrsIn(toks));
    // "} name[4];" — the declarator has no type of its own: the block is its type.
    const declarator = declaratorsOf([{ kind: 'id', value: '__block', line: 0, col: 0 }, ...stripAttributes(toks)])[0];
    if (!block.tag && declarator && !block.parent) {
      // typedef struct { … } name_t;
      block.tag = declarator.name;
      block.id = `${block.kind} ${block.tag}`;
    }
    const parent = block.parent;
    if (parent) {
      if (parent.kind === 'enum') return;
      parent.members.push({
        name: block.parent && declarator ? declarator.name : '',
        type: `${block.kind}${block.tag ? ' ' + block.tag : ' {…}'}`,
        dims: declarator?.dims ?? [],
        bits: null,
        line: block.openLine >= 0 ? block.openLine : block.closeLine,
        col: block.closeLine >= 0 ? this.level(block.closeLine) : 1,
        cond: this.condKey(),
        nested: block,
      });
    }
  }

  private typedef(): void {
    const plain = stripAttributes(this.buf.slice(1));
    const name = plain[plain.length - 1];
    if (!name || name.kind !== 'id' || plain.length < 2 || plain.some((x) => x.value === '(' || x.value === '[')) return;
    this.typedefs.set(name.value, { type: joinTokens(plain.slice(0, -1)), attrs: attrsIn(this.buf) });
  }

  private member(): void {
    const frame = this.stack[this.stack.length - 1]!;
    const block = frame.block!;
    const toks = this.buf;
    if (toks.length === 0) return;
    block.confirmed = true;
    const first = toks[0]!;
    const cond = this.condKey();
    // Macro-declared members: __DECLARE_FLEX_ARRAY(type, name);
    if (first.kind === 'id' && MEMBER_MACROS.test(first.value) && toks[1]?.value === '(') {
      const args = splitArgs(toks.slice(2, -1));
      const name = args.length >= 2 ? joinTokens(args[args.length - 1]!) : joinTokens(toks);
      const type = args.length >= 2 ? joinTokens(args[0]!) : '';
      block.members.push({ name, type, dims: /FLEX/.test(first.value) ? [''] : [], bits: null, line: first.line, col: this.level(first.line), cond, macro: first.value });
      return;
    }
    const clean = stripAttributes(toks);
    const decls = declaratorsOf(clean);
    if (decls.length === 0) {
      block.members.push({ name: joinTokens(clean), type: '', dims: [], bits: null, line: first.line, col: this.level(first.line), cond, macro: 'unknown' });
      return;
    }
    for (const d of decls) {
      block.members.push({ name: d.name, type: d.type, dims: d.dims, bits: d.bits, line: d.line, col: this.level(first.line), cond });
    }
  }

  private enumerator(): void {
    const frame = this.stack[this.stack.length - 1]!;
    const block = frame.block!;
    const toks = this.buf;
    this.buf = [];
    if (toks.length === 0 || toks[0]!.kind !== 'id') return;
    block.confirmed = true;
    const eq = toks.findIndex((t) => t.value === '=');
    block.enumerators.push({ name: toks[0]!.value, value: eq >= 0 ? joinTokens(toks.slice(eq + 1)) : null, line: toks[0]!.line, cond: this.condKey() });
  }
}

/** "packed", "aligned(8)" from __attribute__((…)), __packed, __aligned(8). */
function attrsIn(toks: Token[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const v = toks[i]!.value;
    if (v === '__packed') out.push('packed');
    if (v === '__aligned' && toks[i + 1]?.value === '(') out.push(`aligned(${toks[i + 2]?.value ?? ''})`);
    if (v === '__attribute__' || v === '__attribute') {
      const end = matchParen(toks, i + 1);
      const inner = joinTokens(toks.slice(i + 2, end));
      if (/\bpacked\b|__packed__/.test(inner)) out.push('packed');
      const al = /\b(?:__)?aligned(?:__)?\s*\(\s*(\w+)/.exec(inner);
      if (al) out.push(`aligned(${al[1]})`);
      i = end;
    }
  }
  return out;
}

function matchParen(toks: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    if (toks[i]!.value === '(') depth++;
    else if (toks[i]!.value === ')' && --depth === 0) return i;
  }
  return toks.length - 1;
}

/** Removes __attribute__((…)), __aligned(n), __packed and similar decorations. */
export function stripAttributes(toks: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < toks.length; i++) {
    const v = toks[i]!.value;
    if ((v === '__attribute__' || v === '__attribute' || v === '__aligned') && toks[i + 1]?.value === '(') {
      i = matchParen(toks, i + 1);
      continue;
    }
    if (v === '__packed' || v === '__user' || v === '__randomize_layout') continue;
    out.push(toks[i]!);
  }
  return out;
}

function splitArgs(toks: Token[]): Token[][] {
  const args: Token[][] = [[]];
  let depth = 0;
  for (const t of toks) {
    if (t.value === '(' || t.value === '[') depth++;
    if (t.value === ')' || t.value === ']') depth--;
    if (t.value === ',' && depth === 0) args.push([]);
    else args[args.length - 1]!.push(t);
  }
  return args.filter((a) => a.length > 0);
}

interface Declarator {
  name: string;
  type: string;
  dims: string[];
  bits: string | null;
  line: number;
}

/** "__u32 a, b[4], c : 3" → declarators sharing the base type; pointers join the type. */
export function declaratorsOf(toks: Token[]): Declarator[] {
  const parts = splitArgs(toks);
  if (parts.length === 0) return [];
  const out: Declarator[] = [];
  let base: string | null = null;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    // Function pointer: type (*name)(args)
    const fp = part.findIndex((t, i) => t.value === '(' && part[i + 1]?.value === '*');
    if (fp >= 0 && part[fp + 2]?.kind === 'id') {
      base ??= joinTokens(part.slice(0, fp));
      out.push({ name: part[fp + 2]!.value, type: `${base} (*)()`, dims: [], bits: null, line: part[fp + 2]!.line });
      continue;
    }
    let end = part.length;
    let bits: string | null = null;
    const colon = part.findIndex((t) => t.value === ':');
    if (colon >= 0) {
      bits = joinTokens(part.slice(colon + 1));
      end = colon;
    }
    const dims: string[] = [];
    let j = end;
    // Trailing [..] groups.
    while (j > 0 && part[j - 1]!.value === ']') {
      let k = j - 1;
      let depth = 0;
      for (; k >= 0; k--) {
        if (part[k]!.value === ']') depth++;
        if (part[k]!.value === '[' && --depth === 0) break;
      }
      if (k < 0) break;
      dims.unshift(joinTokens(part.slice(k + 1, j - 1)));
      j = k;
    }
    const nameTok = part[j - 1];
    if (!nameTok || nameTok.kind !== 'id') {
      if (bits !== null && p === 0) {
        // Unnamed bitfield padding: "__u32 : 4".
        out.push({ name: '', type: joinTokens(part.slice(0, j)), dims, bits, line: part[0]!.line });
      }
      continue;
    }
    const before = part.slice(0, j - 1);
    const stars = before.filter((t) => t.value === '*').length;
    if (p === 0) {
      base = joinTokens(before.filter((t) => t.value !== '*'));
      if (base === '') continue; // a bare name: not a declaration
    }
    out.push({ name: nameTok.value, type: `${base}${stars ? ' ' + '*'.repeat(stars) : ''}`, dims, bits, line: nameTok.line });
  }
  return out;
}
