// The compiled import graph of dist/src (a short script rather than a tool: the compiled
// modules are plain ES modules whose import lines tsc writes one per statement).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ROOT } from '../helpers.js';

export const COMPILED = join(ROOT, 'dist', 'src');

export interface Edge {
  /** A module path relative to dist/src ("engine/index.js"), or a package / node: specifier. */
  to: string;
  dynamic: boolean;
}

const IMPORT = /^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
}

/** Every compiled module and what it imports (relative specifiers resolved). */
export function importGraph(): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of modules(COMPILED)) {
    const edges: Edge[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      const to = spec.startsWith('.') ? relative(COMPILED, resolve(dirname(file), spec)).split(sep).join('/') : spec;
      edges.push({ to, dynamic: m[2] !== undefined });
    }
    graph.set(relative(COMPILED, file).split(sep).join('/'), edges);
  }
  return graph;
}

/** The top-level folder of src/ a module is in ("engine"); modules at the top are their own. */
export function folderOf(module: string): string {
  return module.split('/')[0]!;
}

/** Folder → folders it imports (statically or not), each with one module edge as the example. */
export function folderGraph(graph: Map<string, Edge[]>): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [from, edges] of graph) {
    for (const e of edges) {
      if (!graph.has(e.to)) continue; // a package or node: module
      const a = folderOf(from);
      const b = folderOf(e.to);
      if (a === b) continue;
      if (!out.has(a)) out.set(a, new Map());
      if (!out.get(a)!.has(b)) out.get(a)!.set(b, `${from} -> ${e.to}`);
    }
  }
  return out;
}

/** The cycles between folders: each as the list of folders around it, with example edges. */
export function folderCycles(folders: Map<string, Map<string, string>>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const path: string[] = [];
  const visit = (f: string) => {
    const at = path.indexOf(f);
    if (at >= 0) {
      const cycle = path.slice(at);
      const key = [...cycle].sort().join(' ');
      if (!seen.has(key)) {
        seen.add(key);
        cycles.push(cycle.map((c, i) => folders.get(c)!.get(cycle[(i + 1) % cycle.length]!)!));
      }
      return;
    }
    if (path.length > 20) return;
    path.push(f);
    for (const next of folders.get(f)?.keys() ?? []) visit(next);
    path.pop();
  };
  for (const f of folders.keys()) visit(f);
  return cycles;
}

/** Modules and external specifiers reachable from `start` through static imports only. */
export function staticClosure(graph: Map<string, Edge[]>, start: string): { modules: Set<string>; external: Set<string> } {
  const modules = new Set([start]);
  const external = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    for (const e of graph.get(queue.pop()!) ?? []) {
      if (e.dynamic) continue;
      if (!graph.has(e.to)) external.add(e.to);
      else if (!modules.has(e.to)) {
        modules.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return { modules, external };
}
