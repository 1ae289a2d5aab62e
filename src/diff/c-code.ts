// C-aware view of diff lines: comments and string/char literals blanked out, so identifiers
// in a comment ("we no longer offer VIRTIO_F_ACCESS_PLATFORM") are never taken for code.

export interface LexState {
  inBlockComment: boolean;
}

/** A comment, a literal, or a line that may continue a block comment ("* text"). */
const NEEDS_LEXING = /[/"']|^\s*\*/;

/**
 * Returns the line with comments and literals replaced by spaces (same length), and the
 * state to carry to the next line of the same side.
 */
export function codeOf(line: string, state: LexState): { code: string; state: LexState } {
  let inBlock = state.inBlockComment;
  // Most lines have no comment or literal at all: they are their own code (this runs for
  // every line of every patch).
  if (!inBlock && !NEEDS_LEXING.test(line)) return { code: line, state };
  // Kernel style continuation of a block comment the hunk started inside of.
  if (!inBlock && /^\s*\*(?!\/)(\s|$)/.test(line) && !/^\s*\*\s*\w+\s*[=;(]/.test(line)) {
    return { code: ' '.repeat(line.length), state: { inBlockComment: !line.includes('*/') } };
  }
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const n = line[i + 1];
    if (inBlock) {
      if (c === '*' && n === '/') {
        inBlock = false;
        out += '  ';
        i++;
      } else out += ' ';
      continue;
    }
    if (c === '/' && n === '*') {
      inBlock = true;
      out += '  ';
      i++;
      continue;
    }
    if (c === '/' && n === '/') {
      out += ' '.repeat(line.length - i);
      break;
    }
    if (c === '"' || c === "'") {
      // Literal: blank to the closing quote (escapes honoured); unterminated runs to end of line.
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
      const end = Math.min(j, line.length - 1);
      out += c + ' '.repeat(Math.max(0, end - i - 1)) + (j < line.length ? c : '');
      i = end;
      continue;
    }
    out += c;
  }
  return { code: out, state: { inBlockComment: inBlock } };
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

const C_KEYWORDS = new Set(
  'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while bool true false NULL define include ifdef ifndef endif elif undef pragma defined u8 u16 u32 u64 s8 s16 s32 s64 __u8 __u16 __u32 __u64 __s8 __s16 __s32 __s64 __le16 __le32 __le64 __be16 __be32 __be64 size_t ssize_t err ret i j k'.split(
    ' ',
  ),
);

/** Identifiers worth a fact: not keywords, not single letters, not numbers. */
export function identifiersIn(code: string): string[] {
  const found: string[] = [];
  IDENT.lastIndex = 0;
  for (let m = IDENT.exec(code); m; m = IDENT.exec(code)) {
    const id = m[0];
    if (id.length < 2 || C_KEYWORDS.has(id)) continue;
    // Skip hex/number suffix fragments like "ULL" in 1ULL: those start with a digit before them.
    const before = m.index > 0 ? code.charCodeAt(m.index - 1) : 0;
    if (before >= 48 && before <= 57) continue;
    found.push(id);
  }
  return found;
}

const CALLS_NOT_FUNCTIONS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'defined', 'typeof', '__attribute__', 'likely', 'unlikely']);

/** "static long vhost_vdpa_ioctl(struct file *f," → "vhost_vdpa_ioctl". */
export function functionNameOf(signature: string): string | null {
  const m = /([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(signature);
  if (!m) return null;
  // The name is the last identifier before the first "(" of the declaration.
  const name = m[1]!;
  if (CALLS_NOT_FUNCTIONS.has(name) || /^[A-Z][A-Z0-9_]*$/.test(name) && !/^[A-Z_]+DEFINE/.test(name)) return null;
  return name;
}

/** A line that starts a function definition at column 0 (kernel and QEMU style). */
export function isFunctionStart(code: string): boolean {
  if (!/^[A-Za-z_]/.test(code)) return false;
  if (/^(typedef|struct|union|enum)\b[^(]*[{;]\s*$/.test(code)) return false;
  if (/;\s*$/.test(code)) return false;
  if (/^(static|extern)?\s*(const\s+)?struct\s+\w+\s+\w+\s*(\[.*\])?\s*=/.test(code)) return false;
  return /\b[A-Za-z_]\w*\s*\([^;]*$/.test(code) && !/=/.test(code.split('(')[0]!);
}

/** "struct vhost_vring_state {" / "enum vfio_device_mig_state {" at column 0. */
export function aggregateStart(code: string): { kind: 'struct' | 'union' | 'enum'; name: string } | null {
  const m = /^(?:typedef\s+)?(struct|union|enum)\s+([A-Za-z_]\w*)?\s*\{/.exec(code);
  if (!m) return null;
  return { kind: m[1] as 'struct' | 'union' | 'enum', name: m[2] ?? '' };
}
