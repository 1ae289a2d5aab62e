// Functions defined beside a patched file. Inside a tree, a call the patch makes into a helper
// of another file of the same directory (drivers/vhost/vdpa.c into vhost.c, a vsock transport
// into virtio_transport_common.c) can be read whole, so a detector can see which locks the
// helper takes, and which functions its ops tables install (what "ops->release()" runs).
// Only the directory's .c files are read, each once per process; a definition is
// a line at column 0 that names the function before "(" and is no declaration, and its body runs
// to the next "}" at column 0.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SourceTree } from './detect.js';
import { entryOf } from '../map-entry.js';

/** A directory with more C files than this is not indexed (drivers/net): reading it costs more than it tells. */
const MAX_FILES = 64;
const MAX_FILE_BYTES = 1024 * 1024;
/** Longer bodies are cut: the locks a helper takes are near its top. */
const MAX_BODY_LINES = 400;

const DEFINITION = /^(?!static\s+const\b|extern\b|typedef\b|#)(?:[A-Za-z_][\w\s*]*[\s*])?([A-Za-z_]\w*)\s*\(/;
/** Definition lines are short; a longer one is not searched (keeps the pattern's cost per line bounded). */
const MAX_HEAD = 200;

/** ".release = virtio_transport_release," in an ops table: group 1 the member, group 2 the function. */
export const OP_ASSIGN = /^\s*\.([a-z_]\w*)\s*=\s*&?([a-z_]\w*)\s*,?\s*$/;

interface Directory {
  definitions: Map<string, string[]>;
  /** Ops member → the functions the directory's tables put there. */
  ops: Map<string, Set<string>>;
}

const byDir = new Map<string, Directory>();

function directoryOf(tree: SourceTree, path: string): Directory {
  const dir = join(tree.root, dirname(path));
  let d = byDir.get(dir);
  if (!d) byDir.set(dir, (d = definitionsIn(dir)));
  return d;
}

/** The lines of the function `name` defined in a .c file of `path`'s directory in the tree, or null. */
export function siblingDefinition(tree: SourceTree, path: string, name: string): string[] | null {
  return directoryOf(tree, path).definitions.get(name) ?? null;
}

/** The functions the ops tables of `path`'s directory assign to `member` (".release = fn"). */
export function siblingOps(tree: SourceTree, path: string, member: string): ReadonlySet<string> {
  return directoryOf(tree, path).ops.get(member) ?? new Set();
}

function definitionsIn(dir: string): Directory {
  const out = new Map<string, string[]>();
  const ops = new Map<string, Set<string>>();
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.c')).sort();
  } catch {
    return { definitions: out, ops };
  }
  if (names.length > MAX_FILES) return { definitions: out, ops };
  for (const n of names) {
    const file = join(dir, n);
    let text: string;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) continue;
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    for (const line of lines) {
      const op = line.includes('=') ? OP_ASSIGN.exec(line) : null;
      if (op) entryOf(ops, op[1]!, () => new Set()).add(op[2]!);
    }
    for (let i = 0; i < lines.length; i++) {
      const head = lines[i]!;
      const m = head.length <= MAX_HEAD && head.includes('(') ? DEFINITION.exec(head) : null;
      if (!m || out.has(m[1]!) || /;\s*$/.test(lines[i]!)) continue;
      const body: string[] = [];
      let opened = false;
      let j = i;
      for (; j < lines.length && body.length < MAX_BODY_LINES; j++) {
        const line = lines[j]!;
        body.push(line);
        if (line.startsWith('{')) opened = true;
        // A prototype split over lines ends in ";" before any "{": not a definition.
        else if (!opened && /;\s*$/.test(line)) break;
        else if (opened && line === '}') break;
      }
      if (!opened) continue;
      out.set(m[1]!, body);
      i = j;
    }
  }
  return { definitions: out, ops };
}
