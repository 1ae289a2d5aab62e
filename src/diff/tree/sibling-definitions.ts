// Functions defined beside a patched file. Inside a tree, a call the patch makes into a helper
// of another file of the same directory (drivers/vhost/vdpa.c into vhost.c, a vsock transport
// into virtio_transport_common.c) can be read whole, so a detector can see which locks the
// helper takes. Only the directory's .c files are read, each once per process; a definition is
// a line at column 0 that names the function before "(" and is no declaration, and its body runs
// to the next "}" at column 0.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SourceTree } from './detect.js';

/** A directory with more C files than this is not indexed (drivers/net): reading it costs more than it tells. */
const MAX_FILES = 64;
const MAX_FILE_BYTES = 1024 * 1024;
/** Longer bodies are cut: the locks a helper takes are near its top. */
const MAX_BODY_LINES = 400;

const DEFINITION = /^(?!static\s+const\b|extern\b|typedef\b|#)(?:[A-Za-z_][\w\s*]*[\s*])?([A-Za-z_]\w*)\s*\(/;
/** Definition lines are short; a longer one is not searched (keeps the pattern's cost per line bounded). */
const MAX_HEAD = 200;

const byDir = new Map<string, Map<string, string[]>>();

/** The lines of the function `name` defined in a .c file of `path`'s directory in the tree, or null. */
export function siblingDefinition(tree: SourceTree, path: string, name: string): string[] | null {
  const dir = join(tree.root, dirname(path));
  let defs = byDir.get(dir);
  if (!defs) byDir.set(dir, (defs = definitionsIn(dir)));
  return defs.get(name) ?? null;
}

function definitionsIn(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.c')).sort();
  } catch {
    return out;
  }
  if (names.length > MAX_FILES) return out;
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
  return out;
}
