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
  // The name is the last identifier before the first "(" of the declaration.
  const name = firstCallName(signature, false);
  if (name === null) return null;
  if (CALLS_NOT_FUNCTIONS.has(name) || /^[A-Z][A-Z0-9_]*$/.test(name) && !/^[A-Z_]+DEFINE/.test(name)) return null;
  return name;
}

/** A character code that may continue a C identifier. */
export const isIdentChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * The first identifier followed (after optional white space) by "(", in one pass: what
 * /([A-Za-z_][A-Za-z0-9_]*)\s*\(/ finds, without its quadratic retry at every position
 * of a long identifier-only line. wholeWord: the identifier must not follow a digit (\b).
 */
export function firstCallName(text: string, wholeWord: boolean): string | null {
  let scannedTo = 0;
  for (let p = text.indexOf('('); p >= 0; p = text.indexOf('(', p + 1)) {
    let end = p;
    while (end > scannedTo && isSpace(text.charCodeAt(end - 1))) end--;
    let start = end;
    while (start > scannedTo && isIdentChar(text.charCodeAt(start - 1))) start--;
    scannedTo = p + 1;
    // Leading digits are not part of an identifier; with wholeWord they disqualify the word.
    let s = start;
    while (s < end && text.charCodeAt(s) >= 48 && text.charCodeAt(s) <= 57) s++;
    if (s === end || (wholeWord && s !== start)) continue;
    return text.slice(s, end);
  }
  return null;
}

/** A line that starts a function definition at column 0 (kernel and QEMU style). */
export function isFunctionStart(code: string): boolean {
  if (!/^[A-Za-z_]/.test(code)) return false;
  if (/^(typedef|struct|union|enum)\b[^(]*[{;]\s*$/.test(code)) return false;
  if (/;\s*$/.test(code)) return false;
  if (/^(static|extern)?\s*(const\s+)?struct\s+\w+\s+\w+\s*(\[.*\])?\s*=/.test(code)) return false;
  // A call-like "name(" with no ";" after it: look only past the last ";".
  return firstCallName(code.slice(code.lastIndexOf(';') + 1), true) !== null && !/=/.test(code.split('(')[0]!);
}

/** "struct vhost_vring_state {" / "enum vfio_device_mig_state {" at column 0. */
export function aggregateStart(code: string): { kind: 'struct' | 'union' | 'enum'; name: string } | null {
  // One way to match the blanks between keyword, name and brace (\s+(name)?\s* is quadratic).
  const m = /^(?:typedef\s+)?(struct|union|enum)(?:\s+([A-Za-z_]\w*))?\s*\{/.exec(code);
  if (!m) return null;
  return { kind: m[1] as 'struct' | 'union' | 'enum', name: m[2] ?? '' };
}
