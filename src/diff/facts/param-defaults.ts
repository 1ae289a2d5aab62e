// module-param-default-changed: a module parameter that already exists keeps its name but its
// variable starts from another value ("static int experimental_zcopytx = 1;" → "= 0;"), or the
// #define that initialises it changes. Hosts that never set the parameter, which is nearly all
// of them, get the other behaviour on upgrade: existing users are moved without opting in.
// A new parameter (its module_param line only added) is module-param-added, not a default change.
import type { Fact } from '../../model/facts.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import { isCLike } from '../annotate.js';
import { lineFact } from './types.js';
import { bounded } from './call-changes.js';
import { compat } from '../uapi/compat.js';
import { detector, gated } from './literal-gate.js';
import { entryOf } from '../map-entry.js';

/**
 * module_param(var, …), module_param_unsafe(var, …), module_param_named(name, var, …),
 * module_param_cb(name, ops, &var, …): group 1 the variant, group 2 the arguments up to the type.
 */
const PARAM = gated(/\bmodule_param(_named|_cb|_unsafe|_named_unsafe)?\s*\(([^;]*)/, ['module_param']);
/** "static bool a = true, b;" : group 1 the declarators after the type (split in code). */
const DECL = /^\s*(?:static\s+)?(?:const\s+)?(?:unsigned\s+|signed\s+)?(?:bool|int|uint|short|ushort|long|ulong|u8|u16|u32|u64|s8|s16|s32|s64|unsigned|char\s*\*)\s+([a-z_][^;]*);\s*$/;
const IDENT = /^[a-z_]\w*$/;
const DEFINE = /^\s*#\s*define\s+([A-Z_][A-Z0-9_]*)\s+(\S.*)$/;
const NAME = /^[A-Z_][A-Z0-9_]*$/;

/** A value as C reads it: "0", "false" and no initializer are all zero. */
function normal(v: string | undefined): string {
  const s = (v ?? '0').replace(/\s+/g, '').replace(/^\((.*)\)$/, '$1');
  if (s === 'false' || s === 'NULL') return '0';
  if (s === 'true') return '1';
  return s.replace(/^(\d+)[uUlL]+$/, '$1');
}

/** The variable a module_param* call names, from its argument text. */
function paramVariable(variant: string | undefined, args: string): string | undefined {
  const a = args.split(',').map((x) => x.trim());
  const v = variant === '_cb' ? a[2] : variant?.startsWith('_named') ? a[1] : a[0];
  const m = /^&?\s*([a-z_]\w*)$/.exec(v ?? '');
  return m?.[1];
}

/** Per name, the value each side of the patch declares it with, and the added line that sets it. */
type Sides = Map<string, { old?: string; new?: string; at?: AnnotatedLine }>;

function declarations(lines: AnnotatedLine[], into: Sides, defines: Sides): void {
  for (const l of lines) {
    // A context line is both sides, and no change of its own.
    const put = (map: Sides, name: string, value: string) => {
      const e = entryOf(map, name, () => ({}));
      if (l.kind !== '+') e.old = value;
      if (l.kind !== '-') e.new = value;
      if (l.kind === '+') e.at = l;
    };
    const d = DEFINE.exec(l.code);
    if (d) {
      put(defines, d[1]!, d[2]!.trim());
      continue;
    }
    const m = DECL.exec(l.code);
    // A call in the declarators is a prototype or a computed start value: not read.
    if (!m || m[1]!.includes('(')) continue;
    for (const part of m[1]!.split(',')) {
      const eq = part.indexOf('=');
      const name = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (IDENT.test(name)) put(into, name, eq < 0 ? '0' : part.slice(eq + 1).trim());
    }
  }
}

export const paramDefaultFacts = detector({ files: isCLike, needs: [PARAM] }, (file, allHunks) => {
  const hunks: AnnotatedHunk[] = bounded(allHunks);
  // Parameters whose module_param line the old side had: they existed before the patch.
  const existing = new Map<string, string>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind === '+' || !l.code.includes('module_param')) continue;
    const m = PARAM.re.exec(l.code);
    const v = m && paramVariable(m[1], m[2]!);
    if (v) existing.set(v, m[1]?.startsWith('_named') || m[1] === '_cb' ? m[2]!.split(',')[0]!.trim() : v);
  }
  if (existing.size === 0) return [];
  const vars: Sides = new Map();
  const defines: Sides = new Map();
  for (const h of hunks) declarations(h.lines, vars, defines);
  const out: Fact[] = [];
  const report = (param: string, from: string, to: string, at: AnnotatedLine, via?: string) =>
    out.push(
      lineFact('module-param-default-changed', param, file, at, {
        detail: `changes the default of module parameter "${param}" from ${from} to ${to}${via ? ` (through ${via})` : ''}: every host that never set it switches behaviour on upgrade, and a VMM cannot ask for the old one (whether users notice is not verified)`,
        compat: compat('behaviour-change', 'every host that never set the parameter gets the new behaviour on upgrade, without asking for it'),
      }),
    );
  for (const [v, param] of existing) {
    const e = vars.get(v);
    if (e?.old === undefined || e.new === undefined) continue;
    if (e.at && normal(e.old) !== normal(e.new)) {
      report(param, e.old, e.new, e.at);
      continue;
    }
    // Same initializer naming a #define whose value the patch changes.
    const name = e.new.trim();
    const d = NAME.test(name) ? defines.get(name) : undefined;
    if (d?.at && d.old !== undefined && d.new !== undefined && normal(d.old) !== normal(d.new)) report(param, d.old, d.new, d.at, name);
  }
  return out;
});
