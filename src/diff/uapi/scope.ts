// What the uAPI producers know about the whole patch beyond one file: the struct and define
// definitions on each side of every uAPI header it touches, and the catalogue of the existing
// uAPI, loaded only when a producer asks for it.
import type { FileDiff } from '../../model/diff.js';
import type { AnnotatedHunk } from '../annotate.js';
import type { Block, Define, Typedef } from './decls.js';
import { fileDecls } from './hunk-decls.js';
import { loadUapiCatalogue, makeResolver, type UapiCatalogue } from './catalogue.js';
import { parseIoctl } from './ioctl.js';
import type { Resolve } from './expr.js';
import type { VhostUserIndex, VirtioSpecIndex } from '../../spec/types.js';
import type { SourceTree } from '../tree/detect.js';

/** Options of one analysis run (the CLI's --headers DIR ends up here). */
export interface DiffContext {
  /** Directory of real uAPI headers for the ioctl catalogue; default /usr/include/linux. */
  headersDir?: string;
  /** The user's spec indexes (--spec-index): the spec-derived checks run only when present. */
  spec?: { virtio?: VirtioSpecIndex; vhostUser?: VhostUserIndex };
  /** The source tree the patch applies to (--tree, or found from the working directory): whole files and compiled layouts. */
  tree?: SourceTree;
}

export interface AnnotatedFile {
  file: FileDiff;
  hunks: AnnotatedHunk[];
}

export interface PatchScope {
  ctx: DiffContext;
  files: AnnotatedFile[];
  /** The catalogue of existing headers (built on first call, cached per directory). */
  catalogue(): UapiCatalogue;
  /** Complete struct/union definitions on the new side of the patch's uAPI headers, by "struct tag". */
  newStructs: Map<string, Block>;
  /** Struct/union tags defined on each side anywhere in the patch's uAPI headers. */
  newTags: Set<string>;
  oldTags: Set<string>;
  /** Typedefs on either side of the patch's uAPI headers. */
  typedefs: Map<string, Typedef>;
  /** "struct tag" → ioctls in the patch (either side) that take it as argument. */
  ioctlArgs: Map<string, string[]>;
  /** #defines on the new side of every uAPI header in the patch (first seen wins), with their file. */
  newDefines: Map<string, { def: Define; file: string }>;
  /** Constants on the new side of the patch's uAPI headers; falls back to the catalogue. */
  newResolve: Resolve;
  /** The same, without the catalogue: never loads it. */
  newResolveLocal: Resolve;
}

export function patchScope(files: AnnotatedFile[], ctx: DiffContext = {}): PatchScope {
  const newStructs = new Map<string, Block>();
  const newTags = new Set<string>();
  const oldTags = new Set<string>();
  const ioctlArgs = new Map<string, string[]>();
  const typedefs = new Map<string, Typedef>();
  const newDefs = new Map<string, { def: Define; file: string }>();
  const newEnums = new Map<string, string>();
  for (const { file, hunks } of files) {
    if (file.role !== 'uapi-header' || file.binary) continue;
    for (const v of fileDecls(file, hunks)) {
      for (const [side, tags] of [[v.old, oldTags], [v.new, newTags]] as const) {
        for (const [name, td] of side.decls.typedefs) if (!typedefs.has(name)) typedefs.set(name, td);
        for (const b of side.decls.blocks) if (b.tag && !b.parent && b.kind !== 'enum' && (b.opened || b.confirmed)) tags.add(`${b.kind} ${b.tag}`);
        for (const d of side.decls.defines) {
          const io = parseIoctl(d.name, d.value);
          if (io?.arg && /^(struct|union) \w+$/.test(io.arg)) {
            const list = ioctlArgs.get(io.arg) ?? [];
            if (!list.includes(d.name)) list.push(d.name);
            ioctlArgs.set(io.arg, list);
          }
        }
      }
      for (const b of v.new.decls.blocks) {
        if (b.tag && !b.parent && b.opened && b.closed && b.kind !== 'enum') newStructs.set(`${b.kind} ${b.tag}`, b);
        if (b.kind === 'enum') {
          let prev: string | null = null;
          for (const e of b.enumerators) {
            // Without the enum's start, the first visible implicit value is unknown.
            const val: string | null = e.value ?? (prev === null ? (b.opened ? '0' : null) : `(${prev}) + 1`);
            if (val !== null && !newEnums.has(e.name)) newEnums.set(e.name, val);
            prev = val === null ? null : e.name;
          }
        }
      }
      for (const d of v.new.decls.defines) if (!newDefs.has(d.name) && d.params === null) newDefs.set(d.name, { def: d, file: file.path });
    }
  }
  let cat: UapiCatalogue | null = null;
  const catalogue = () => (cat ??= loadUapiCatalogue(ctx.headersDir));
  const local = (n: string) => newDefs.get(n)?.def.value ?? newEnums.get(n) ?? null;
  return {
    ctx,
    files,
    catalogue,
    newStructs,
    newTags,
    oldTags,
    ioctlArgs,
    typedefs,
    newDefines: newDefs,
    newResolve: makeResolver(local, (n) => catalogue().resolve(n)),
    newResolveLocal: makeResolver(local),
  };
}
