// Walks each hunk once and annotates every line with what the fact producers need:
// its code (comments/literals blanked), the enclosing function, aggregate and #define,
// and the feature mask it belongs to.
import type { FileDiff, DiffLine } from '../model/diff.js';
import { codeOf, functionNameOf, isFunctionStart, aggregateStart, type LexState } from './c-code.js';

export interface AnnotatedLine extends DiffLine {
  code: string;
  function: string | null;
  /** "struct vhost_vring_state", "enum vfio_device_mig_state", or null. */
  aggregate: string | null;
  /** Name of the #define whose (continued) body this line is in. */
  define: string | null;
  /** A *FEATURES* mask being built on this line (define, enum member or "|=" target). */
  mask: string | null;
  /** In an ioctl handler, the request whose `case` this line is under (VHOST_SET_VRING_BASE). */
  ioctlCase: string | null;
  /** The new-side line a reviewer reads at: its own, or for a removed line the one that follows it. */
  anchor: number;
}

export interface AnnotatedHunk {
  lines: AnnotatedLine[];
}

const C_LIKE = /\.(c|h|cc|cpp|rs|inc)$/;
export const isCLike = (path: string) => C_LIKE.test(path);

const MASK_START = /(?:#\s*define\s+|^\s*)([A-Za-z_]\w*FEATURES\w*)\b\s*(?:=|\\|\(|$|[A-Z(])/;
/** Only a switch in an ioctl handler is a switch on the request. */
const CASE = /^\s*case\s+([A-Z][A-Z0-9_]*)\s*:/;
const OR_ASSIGN = /\b((?:[A-Za-z_][\w.>-]*)?features\w*)\s*\|=/i;

export function annotateFile(file: FileDiff): AnnotatedHunk[] {
  const cLike = isCLike(file.path);
  return file.hunks.map((hunk) => {
    let fn: string | null = cLike ? functionNameOf(hunk.section) : null;
    const agg0 = cLike ? aggregateStart(hunk.section) : null;
    let aggregate: string | null = agg0 ? `${agg0.kind} ${agg0.name}`.trim() : null;
    if (agg0) fn = null;
    let define: string | null = null;
    let mask: string | null = null;
    let maskDepthEndsAtSemicolon = false;
    let ioctlCase: string | null = null;
    let caseFn: string | null = fn;
    const state: Record<'old' | 'new', LexState> = { old: { inBlockComment: false }, new: { inBlockComment: false } };
    const lines: AnnotatedLine[] = [];
    for (const l of hunk.lines) {
      let code = l.text;
      if (cLike) {
        const side = l.kind === '-' ? 'old' : 'new';
        const r = codeOf(l.text, state[side]);
        code = r.code;
        state[side] = r.state;
        if (l.kind === ' ') state.old = r.state;
      }
      if (cLike) {
        // Scope changes happen at column 0 in kernel/QEMU style; cheap character tests first.
        const c0 = code.charCodeAt(0);
        const atColumn0 = (c0 >= 65 && c0 <= 90) || (c0 >= 97 && c0 <= 122) || c0 === 95;
        if (atColumn0) {
          if (isFunctionStart(code)) {
            const name = functionNameOf(code);
            if (name) {
              fn = name;
              aggregate = null;
            }
          } else {
            const agg = aggregateStart(code);
            if (agg) {
              aggregate = `${agg.kind} ${agg.name}`.trim();
              fn = null;
            }
          }
        }
        const def = code.includes('#') ? /^\s*#\s*define\s+([A-Za-z_]\w*)/.exec(code) : null;
        if (def) define = def[1]!;
        if (!mask && code.includes('FEATURES')) {
          const ms = MASK_START.exec(code);
          if (ms && !/\bif\b|\breturn\b/.test(code)) {
            mask = ms[1]!;
            maskDepthEndsAtSemicolon = !def;
          }
        }
        if (!mask && code.includes('|=')) {
          const or = OR_ASSIGN.exec(code);
          if (or) {
            mask = or[1]!;
            maskDepthEndsAtSemicolon = true;
          }
        }
      }
      if (fn !== caseFn) {
        caseFn = fn;
        ioctlCase = null;
      }
      if (fn && code.includes('case') && /ioctl/i.test(fn)) {
        const c = CASE.exec(code);
        if (c) ioctlCase = c[1]!;
      }
      // Spelled out rather than spread: this runs for every line of every patch.
      lines.push({ kind: l.kind, text: l.text, oldLine: l.oldLine, newLine: l.newLine, code, function: fn, aggregate, define, mask, ioctlCase, anchor: 0 });
      if (cLike) {
        // Close scopes after the line that ends them.
        if (code.charCodeAt(0) === 125 /* } */) {
          fn = null;
          aggregate = null;
        }
        if (define && !/\\\s*$/.test(l.text)) define = null;
        if (mask) {
          if (maskDepthEndsAtSemicolon ? /[;,]\s*$|\}\s*;?\s*$/.test(code) : !/\\\s*$/.test(l.text)) mask = null;
        }
      }
    }
    // A removal sits just before the next line the new file has (or after the hunk's last one).
    let next = hunk.newStart + hunk.newLines;
    for (let i = lines.length - 1; i >= 0; i--) {
      const l = lines[i]!;
      if (l.newLine !== null) next = l.newLine;
      l.anchor = l.newLine ?? Math.max(1, next);
    }
    return { lines };
  });
}
