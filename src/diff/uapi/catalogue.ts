// The catalogue of the existing uAPI, built from real headers (the installed
// /usr/include/linux, or a --headers DIR): every ioctl with its resolved (type, nr, direction),
// the constants that resolve them, and struct definitions. Built lazily and cached per
// directory, so only a review that needs it pays for it.
import { readFileSync } from 'node:fs';
import { resolve as resolvePath, relative } from 'node:path';
import { walkHeaderFiles } from './header-files.js';
import { parseDecls, type Block, type Typedef } from './decls.js';
import { evalExpr, type Resolve } from './expr.js';
import { parseIoctl, resolveIoctl, type IoctlDef } from './ioctl.js';

import { DEFAULT_HEADERS_DIR } from '../../io/paths.js';

export interface CatalogueIoctl extends IoctlDef {
  /** Header path relative to the catalogue directory. */
  file: string;
  typeValue: bigint | null;
  nrValue: bigint | null;
}

export interface UapiCatalogue {
  dir: string;
  ioctls: CatalogueIoctl[];
  byName: Map<string, CatalogueIoctl>;
  /** Constant names → their value text (defines) or value (enumerators). */
  resolve: Resolve;
  /** "struct tag" / "union tag" → its definition. */
  structs: Map<string, Block>;
  /** "enum tag" → its definition. */
  enums: Map<string, Block>;
  typedefs: Map<string, Typedef>;
  /** "struct tag" → names of the ioctls that take it as their argument. */
  ioctlArgs: Map<string, string[]>;
  /** "struct tag" → the blocks (struct or union) that contain it as a member. */
  containers: Map<string, Block[]>;
  files: number;
}

/** Bounds the reading: a wrong --headers (say, /) must not read a whole disk. */
const MAX_BYTES = 96 * 1024 * 1024;

const cache = new Map<string, UapiCatalogue>();

export function loadUapiCatalogue(dir: string = DEFAULT_HEADERS_DIR): UapiCatalogue {
  const root = resolvePath(dir);
  const hit = cache.get(root);
  if (hit) return hit;
  const cat = buildCatalogue(root, walkHeaderFiles(root));
  cache.set(root, cat);
  return cat;
}

/** Whether the catalogue of a directory has been built in this process (reviews that add no ioctl never build one). */
export function isCatalogueLoaded(dir: string = DEFAULT_HEADERS_DIR): boolean {
  return cache.has(resolvePath(dir));
}

/** Headers that define ioctls: parsed first, since most reviews need only their numbers. */
const HAS_IOCTL = /\b(?:_IO|_IOR|_IOW|_IOWR|_IOC|DRM_IO|DRM_IOR|DRM_IOW|DRM_IOWR)\s*\(/;

interface Parsed {
  defines: Map<string, string>;
  enumValues: Map<string, bigint | string>;
  structs: Map<string, Block>;
  enums: Map<string, Block>;
  typedefs: Map<string, Typedef>;
  pending: { def: IoctlDef; file: string }[];
}

function emptyParsed(): Parsed {
  return { defines: new Map(), enumValues: new Map(), structs: new Map(), enums: new Map(), typedefs: new Map(), pending: [] };
}

function parseInto(into: Parsed, file: string, text: string): void {
  const decls = parseDecls(text.split('\n'));
  for (const d of decls.defines) {
    if (d.params !== null) continue;
    if (!into.defines.has(d.name)) into.defines.set(d.name, d.value);
    const io = parseIoctl(d.name, d.value);
    if (io) into.pending.push({ def: io, file });
  }
  for (const [name, td] of decls.typedefs) if (!into.typedefs.has(name)) into.typedefs.set(name, td);
  for (const b of decls.blocks) {
    if (b.kind === 'enum') {
      if (b.tag && !into.enums.has(`enum ${b.tag}`)) into.enums.set(`enum ${b.tag}`, b);
      // Implicit values count on from the previous enumerator.
      let prev: string | null = null;
      for (const e of b.enumerators) {
        const v = e.value ?? (prev === null ? '0' : `(${prev}) + 1`);
        if (!into.enumValues.has(e.name)) into.enumValues.set(e.name, v);
        prev = e.name;
      }
    } else if (b.tag && !b.parent && b.closed && !into.structs.has(`${b.kind} ${b.tag}`)) {
      into.structs.set(`${b.kind} ${b.tag}`, b);
    }
  }
}

/**
 * Builds a catalogue from header texts (exported for tests that bring their own headers).
 * The ioctl numbers come from the headers that define ioctls; every other header is parsed
 * only when a struct, enum or typedef is first asked for.
 */
export function buildCatalogue(root: string, paths: string[], read: (p: string) => string = (p) => readFileSync(p, 'latin1')): UapiCatalogue {
  const first = emptyParsed();
  // Headers without ioctls: only their paths are kept (re-read if ever needed), since holding
  // their text would cost every process that builds a catalogue megabytes it rarely uses.
  const later: { file: string; path: string }[] = [];
  let bytes = 0;
  let files = 0;
  for (const p of paths) {
    let text: string;
    try {
      text = read(p);
    } catch {
      continue;
    }
    bytes += text.length;
    if (bytes > MAX_BYTES) break;
    files++;
    const file = relative(root, p) || p;
    if (HAS_IOCTL.test(text)) parseInto(first, file, text);
    else later.push({ file, path: p });
  }
  // The few ioctls whose magic lives in a header without ioctls stay unresolved: resolving
  // them would parse everything.
  const ioctlResolve = makeResolver((name) => first.defines.get(name) ?? first.enumValues.get(name) ?? null);
  const resolve = makeResolver((name) => first.defines.get(name) ?? first.enumValues.get(name) ?? null, (name) => full().resolve(name));
  const ioctls: CatalogueIoctl[] = [];
  const ioctlArgs = new Map<string, string[]>();
  for (const { def, file } of first.pending) {
    const r = resolveIoctl(def, ioctlResolve);
    ioctls.push({ ...def, file, typeValue: r.type, nrValue: r.nr });
    if (def.arg && /^(struct|union) \w+$/.test(def.arg)) {
      const list = ioctlArgs.get(def.arg) ?? [];
      list.push(def.name);
      ioctlArgs.set(def.arg, list);
    }
  }
  // Everything else, on first use.
  let rest: { parsed: Parsed; containers: Map<string, Block[]>; resolve: Resolve } | null = null;
  const full = () => {
    if (rest) return rest;
    const parsed = emptyParsed();
    for (const [k, v] of first.defines) parsed.defines.set(k, v);
    for (const [k, v] of first.enumValues) parsed.enumValues.set(k, v);
    for (const [k, v] of first.structs) parsed.structs.set(k, v);
    for (const [k, v] of first.enums) parsed.enums.set(k, v);
    for (const [k, v] of first.typedefs) parsed.typedefs.set(k, v);
    for (const { file, path } of later.splice(0)) {
      let text: string;
      try {
        text = read(path);
      } catch {
        continue;
      }
      parseInto(parsed, file, text);
    }
    const containers = new Map<string, Block[]>();
    for (const b of [...parsed.structs.values()]) collectContainers(b, containers);
    rest = { parsed, containers, resolve: makeResolver((name) => parsed.defines.get(name) ?? parsed.enumValues.get(name) ?? null) };
    return rest;
  };
  return {
    dir: root,
    ioctls,
    byName: new Map(ioctls.map((i) => [i.name, i])),
    resolve,
    ioctlArgs,
    files,
    get structs() {
      return full().parsed.structs;
    },
    get enums() {
      return full().parsed.enums;
    },
    get typedefs() {
      return full().parsed.typedefs;
    },
    get containers() {
      return full().containers;
    },
  };
}

function collectContainers(b: Block, into: Map<string, Block[]>): void {
  for (const m of b.members) {
    if (m.nested) collectContainers(m.nested, into);
    else if (/^(struct|union) \w+$/.test(m.type)) {
      const list = into.get(m.type) ?? [];
      list.push(b);
      into.set(m.type, list);
    }
  }
}

/**
 * A resolver over named values (expression text or a number), with memoization and a guard
 * against names defined in terms of themselves.
 */
export function makeResolver(lookup: (name: string) => string | bigint | null, fallback?: Resolve): Resolve {
  const memo = new Map<string, bigint | null>();
  const busy = new Set<string>();
  const resolve: Resolve = (name) => {
    if (memo.has(name)) return memo.get(name)!;
    const v = lookup(name);
    let out: bigint | null = null;
    if (typeof v === 'bigint') out = v;
    else if (v !== null && !busy.has(name)) {
      busy.add(name);
      out = evalExpr(v, resolve);
      busy.delete(name);
    }
    if (out === null && fallback) out = fallback(name);
    memo.set(name, out);
    return out;
  };
  return resolve;
}
