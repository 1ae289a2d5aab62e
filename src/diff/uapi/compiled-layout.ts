// Layouts and request numbers as the compiler sees them: the changed uAPI headers of one side
// of a patch are compiled (gcc -c, x86_64 and, when a multilib is installed, i386) into an
// object whose one data section holds sizeof/alignof/offsetof of every struct and the value
// of every ioctl request macro asked for. The values are read from the object, never run.
// Results are cached under the user cache dir by the headers' blob ids.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, renameSync, existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { elfSection } from './elf-section.js';

export type CompiledAbi = 'x86_64' | 'i386';

export interface CompiledStruct {
  size: number;
  align: number;
  /** member name → [offset, size]; members the compiler could not place (bit-fields) are absent. */
  members: Record<string, [number, number]>;
}

export interface CompiledSide {
  abi: CompiledAbi;
  /** "struct tag" / "union tag" → layout, for those that compiled. */
  structs: Record<string, CompiledStruct>;
  /** ioctl request macro → value (decimal string: JSON has no bigint). */
  macros: Record<string, string>;
  /** Queries the compiler rejected (the type or macro is not defined on this side). */
  rejected: number;
}

export interface LayoutQuery {
  /** "struct tag" → member names (top level and through anonymous members). */
  structs: Map<string, string[]>;
  macros: string[];
}

export interface HeaderSide {
  /** Include name: "linux/vfio.h". */
  name: string;
  text: string;
}

export interface CompileRequest {
  headers: HeaderSide[];
  /** Other headers to include for macros (from the tree, unchanged). */
  extraIncludes: string[];
  /** -I directories after the patched headers (the tree's include/uapi, arch uapi). */
  includeDirs: string[];
  query: LayoutQuery;
}

export interface Compiler {
  gcc: string;
  abis: CompiledAbi[];
  /** Why an ABI is missing ("no 32-bit multilib"). */
  missing: string[];
}

let detected: Compiler | null | undefined;

// Loaded on use: a review without a tree never pays for crypto or os.
const createHash = (alg: string) => (process.getBuiltinModule('node:crypto') as typeof import('node:crypto')).createHash(alg);
const os = () => process.getBuiltinModule('node:os') as typeof import('node:os');

/** gcc on PATH, and whether it can build i386 objects against libc headers (gcc-multilib). */
export function findCompiler(): Compiler | null {
  if (detected !== undefined) return detected;
  const gcc = process.env['PATCH_REVIEW_CC'] || 'gcc';
  // Probing runs the compiler twice: the answer is kept per compiler binary (path and mtime).
  const bin = onPath(gcc);
  if (!bin) return (detected = null);
  const key = createHash('sha256').update(`${bin.path}\0${bin.mtime}`).digest('hex').slice(0, 24);
  try {
    return (detected = JSON.parse(readFileSync(join(cacheDir(), `compiler-${key}.json`), 'utf8')) as Compiler);
  } catch {
    /* not probed yet */
  }
  detected = probeCompiler(gcc);
  if (detected) writeJson(join(cacheDir(), `compiler-${key}.json`), detected);
  return detected;
}

function onPath(cmd: string): { path: string; mtime: number } | null {
  const dirs = cmd.includes('/') ? [''] : (process.env['PATH'] ?? '').split(':').filter(Boolean);
  for (const d of dirs) {
    const p = d ? join(d, cmd) : cmd;
    try {
      const st = statSync(p);
      if (st.isFile()) return { path: p, mtime: st.mtimeMs };
    } catch {
      /* next */
    }
  }
  return null;
}

function probeCompiler(gcc: string): Compiler | null {
  const cp = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const probe = (flags: string[]) => {
    const r = cp.spawnSync(gcc, [...flags, '-x', 'c', '-fsyntax-only', '-'], { input: '#include <stddef.h>\n#include <stdint.h>\nint x;\n', stdio: ['pipe', 'ignore', 'ignore'], timeout: 20_000 });
    return r.status === 0;
  };
  if (!probe(['-m64'])) return null;
  const abis: CompiledAbi[] = ['x86_64'];
  const missing: string[] = [];
  if (probe(['-m32'])) abis.push('i386');
  else missing.push('i386 (no 32-bit multilib: install gcc-multilib)');
  return { gcc, abis, missing };
}

/** For tests: forget the probed compiler (PATCH_REVIEW_CC changed). */
export function resetCompiler(): void {
  detected = undefined;
}

/** git's blob id of a text: the same key a header has in any git tree. */
export function blobId(text: string): string {
  const buf = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');
}

function cacheDir(): string {
  return join(process.env['XDG_CACHE_HOME'] || join(process.env['HOME'] || os().homedir(), '.cache'), 'patch-review', 'layouts');
}

const FORMAT = 2;

function cacheKey(req: CompileRequest, abi: CompiledAbi, cc: Compiler): string {
  const h = createHash('sha256').update(`v${FORMAT}\0${cc.gcc}\0${abi}\0`);
  for (const x of req.headers) h.update(`${x.name}\0${blobId(x.text)}\0`);
  h.update(req.extraIncludes.join('\0')).update('\0').update(req.includeDirs.join('\0')).update('\0');
  for (const [k, ms] of [...req.query.structs].sort()) h.update(`${k}:${ms.join(',')}\0`);
  h.update([...req.query.macros].sort().join(','));
  return h.digest('hex').slice(0, 40);
}

function readCache(key: string): CompiledSide | null {
  try {
    return JSON.parse(readFileSync(join(cacheDir(), `${key}.json`), 'utf8')) as CompiledSide;
  } catch {
    return null;
  }
}

/** A temporary file and a rename: a concurrent reader sees the old entry or the new one, never half. */
function writeCache(key: string, side: CompiledSide): void {
  writeJson(join(cacheDir(), `${key}.json`), side);
}

function writeJson(file: string, value: unknown): void {
  const dir = dirname(file);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(value));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true }); // a read-only cache only costs speed
  }
}

const IDENT = /^[A-Za-z_]\w*$/;

/** The generated program: one query per line, so a line the compiler rejects can be dropped. */
function program(req: CompileRequest, queries: Query[]): string {
  const lines = ['#include <stddef.h>'];
  for (const h of req.headers) lines.push(`#include <${h.name}>`);
  for (const x of req.extraIncludes) lines.push(`#include <${x}>`);
  lines.push('__attribute__((used, section(".prvals"))) static const unsigned long long pr_vals[] = {');
  const first = lines.length;
  queries.forEach((q, i) => {
    q.line = first + i + 1;
    lines.push(`${q.expr}, /* ${i} */`);
  });
  lines.push('0ULL };');
  return lines.join('\n') + '\n';
}

interface Query {
  kind: 'size' | 'align' | 'offset' | 'msize' | 'macro';
  key: string;
  member?: string;
  expr: string;
  line: number;
}

function queriesOf(q: LayoutQuery): Query[] {
  const out: Query[] = [];
  for (const [key, members] of q.structs) {
    if (!/^(struct|union) \w+$/.test(key)) continue;
    out.push({ kind: 'size', key, expr: `sizeof(${key})`, line: 0 });
    out.push({ kind: 'align', key, expr: `__alignof__(${key})`, line: 0 });
    for (const m of members) {
      if (!IDENT.test(m)) continue;
      out.push({ kind: 'offset', key, member: m, expr: `offsetof(${key}, ${m})`, line: 0 });
      out.push({ kind: 'msize', key, member: m, expr: `sizeof(((${key} *)0)->${m})`, line: 0 });
    }
  }
  for (const m of q.macros) if (IDENT.test(m)) out.push({ kind: 'macro', key: m, expr: `(unsigned long long)(${m})`, line: 0 });
  return out;
}

/**
 * Compiles one side of the patch for each ABI the compiler has; null for an ABI whose
 * headers do not compile at all. Lines the compiler rejects are dropped and the rest is
 * compiled again (at most three rounds), so one unknown type does not lose every value.
 */
export function compileLayouts(req: CompileRequest, cc: Compiler): Map<CompiledAbi, CompiledSide | null> {
  const out = new Map<CompiledAbi, CompiledSide | null>();
  const todo: CompiledAbi[] = [];
  const keys = new Map<CompiledAbi, string>();
  for (const abi of cc.abis) {
    const key = cacheKey(req, abi, cc);
    keys.set(abi, key);
    const hit = readCache(key);
    if (hit) out.set(abi, hit);
    else todo.push(abi);
  }
  if (todo.length === 0) return out;
  const work = mkdtempSync(join(os().tmpdir(), 'patch-review-layout-'));
  try {
    const inc = join(work, 'include');
    // What headers_install does to a kernel tree's uapi headers: the compiler.h includes go
    // (stubs here) and the sparse annotations are defined away (-D below).
    mkdirSync(join(work, 'stub', 'linux'), { recursive: true });
    writeFileSync(join(work, 'stub', 'linux', 'compiler_types.h'), '');
    writeFileSync(join(work, 'stub', 'linux', 'compiler.h'), '');
    for (const h of req.headers) {
      if (h.name.includes('..')) continue;
      mkdirSync(dirname(join(inc, h.name)), { recursive: true });
      writeFileSync(join(inc, h.name), h.text);
    }
    let queries = new Map(todo.map((abi) => [abi, queriesOf(req.query)]));
    const rejected = new Map(todo.map((abi) => [abi, 0]));
    let pending = [...todo];
    for (let round = 0; round < 3 && pending.length > 0; round++) {
      const results = runCompilers(pending, work, inc, req, queries, cc);
      const next: CompiledAbi[] = [];
      for (const abi of pending) {
        const r = results.get(abi)!;
        const qs = queries.get(abi)!;
        if (r.obj) {
          const side = readValues(abi, r.obj, qs, rejected.get(abi)!);
          out.set(abi, side);
          if (side) writeCache(keys.get(abi)!, side);
          continue;
        }
        const bad = new Set(r.errorLines);
        const keep = qs.filter((q) => !bad.has(q.line));
        if (bad.size === 0 || keep.length === qs.length || keep.length === 0) {
          out.set(abi, null); // the headers themselves do not compile
          continue;
        }
        rejected.set(abi, rejected.get(abi)! + (qs.length - keep.length));
        queries.set(abi, keep);
        next.push(abi);
      }
      pending = next;
    }
    for (const abi of pending) out.set(abi, null);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

/** Both ABIs compile at once (one shell, compilers in parallel): the machine's cores, one wait. */
function runCompilers(abis: CompiledAbi[], work: string, inc: string, req: CompileRequest, queries: Map<CompiledAbi, Query[]>, cc: Compiler): Map<CompiledAbi, { obj: Buffer | null; errorLines: number[] }> {
  const cp = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const cmds: string[] = [];
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  for (const abi of abis) {
    const src = join(work, `${abi}.c`);
    writeFileSync(src, program(req, queries.get(abi)!));
    const args = [cc.gcc, abi === 'i386' ? '-m32' : '-m64', '-c', '-w', '-std=gnu11', '-fno-diagnostics-color', '-I', inc, ...req.includeDirs.flatMap((d) => ['-I', d]), '-D__user=', '-D__force=', '-D__iomem=', '-D__attribute_const__=', '-idirafter', join(work, 'stub'), '-idirafter', '/usr/include/x86_64-linux-gnu', '-o', join(work, `${abi}.o`), src];
    cmds.push(`${args.map(q).join(' ')} 2> ${q(join(work, `${abi}.err`))} &`);
  }
  cmds.push('wait');
  cp.spawnSync('sh', ['-c', cmds.join('\n')], { stdio: 'ignore', timeout: 60_000 });
  const out = new Map<CompiledAbi, { obj: Buffer | null; errorLines: number[] }>();
  for (const abi of abis) {
    const o = join(work, `${abi}.o`);
    const obj = existsSync(o) ? readFileSync(o) : null;
    let err = '';
    try {
      err = readFileSync(join(work, `${abi}.err`), 'utf8');
    } catch {
      /* no diagnostics */
    }
    const src = join(work, `${abi}.c`);
    // An error inside a macro (an _IOW of a type this side lacks) is reported in the header,
    // with a note "in expansion of macro" at our line: both kinds point at the query to drop.
    const lines = [...err.matchAll(/^(.*?):(\d+):\d+: (?:error|note):/gm)].filter((m) => m[1] === src).map((m) => Number(m[2]));
    out.set(abi, { obj, errorLines: lines });
  }
  return out;
}

function readValues(abi: CompiledAbi, obj: Buffer, qs: Query[], rejected: number): CompiledSide | null {
  const data = elfSection(obj, '.prvals');
  if (!data || data.length < (qs.length + 1) * 8) return null;
  const side: CompiledSide = { abi, structs: {}, macros: {}, rejected };
  const struct = (k: string) => (side.structs[k] ??= { size: -1, align: -1, members: {} });
  qs.forEach((q, i) => {
    const v = data.readBigUInt64LE(i * 8);
    if (q.kind === 'macro') side.macros[q.key] = v.toString();
    else if (q.kind === 'size') struct(q.key).size = Number(v);
    else if (q.kind === 'align') struct(q.key).align = Number(v);
    else if (q.kind === 'offset') (struct(q.key).members[q.member!] ??= [0, 0])[0] = Number(v);
    else (struct(q.key).members[q.member!] ??= [0, 0])[1] = Number(v);
  });
  // A struct whose sizeof was rejected is not on this side at all.
  for (const [k, s] of Object.entries(side.structs)) if (s.size < 0) delete side.structs[k];
  return side;
}
