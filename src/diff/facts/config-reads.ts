// config-field-ungated: the patch adds a read of a field of a virtio device's config space
// (virtio_cread*(vdev, struct virtio_X_config, field, …), or an offsetof() into that struct handed
// to a config accessor) that the real uAPI header says exists only with a feature, in a function
// whose lines in the patch never name that feature. A copy of the struct (a parameter or a
// local `struct virtio_X_config *config` filled by get_config) counts when a field is read out of
// it as a value; a device filling its own config writes those fields and is left alone. Read
// without the feature, the field holds whatever the device has there, or lies past a smaller
// config space. The test may sit above the hunk: the finding says the check was not seen, not
// that it is absent.
import type { Fact } from '../../model/facts.js';
import { isCLike } from '../annotate.js';
import { lineFact } from './types.js';
import { bounded } from './call-changes.js';
import { detector, gated, execIn, matchesIn } from './literal-gate.js';
import type { FileDiff } from '../../model/diff.js';
import type { AnnotatedHunk } from '../annotate.js';
import { functionNameOf } from '../c-code.js';
import type { PatchScope } from '../uapi/scope.js';
import { configGates, configGatesOf } from '../uapi/config-gates.js';
import { entryOf } from '../map-entry.js';

const FIELD_READ = gated(/\b(?:virtio_cread\w*\s*\([^,()]+,\s*|offsetof\s*\(\s*)struct\s+(virtio_\w+_config)\s*,\s*([a-z_]\w*)/, ['virtio_cread', 'offsetof']);
/** Reads that test the feature themselves, and writes (about the driver's side, not the field's existence). */
const SELF_GATED = /_cread\w*_feature\b|\bvirtio_cwrite|set_config\b/;

/**
 * A copy of a config struct: `struct virtio_net_config *config` (a parameter or a local). The
 * blanks around the star are one run unless the star is there: "\s*\*?\s*" retried every split
 * of a long blank run, and hunk headers are not cut by bounded().
 */
const CONFIG_COPY = gated(/\bstruct\s+(virtio_\w+_config)\s*(?:\*\s*)?([a-z_]\w*)\s*(?=[;=,)])/g, ['_config']);

/**
 * Per function, the names that hold a copy of a config struct, from the hunk header's
 * parameters and the declarations the patch shows.
 */
function configCopies(file: FileDiff, hunks: AnnotatedHunk[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const add = (fn: string | null, matches: Iterable<RegExpMatchArray>) => {
    if (fn) for (const m of matches) entryOf(out, fn, () => new Map()).set(m[2]!, m[1]!);
  };
  for (const h of hunks) for (const l of h.lines) if (l.kind !== '-') add(l.function, matchesIn(l.code, CONFIG_COPY));
  // Hunk headers are no lines: the file's literal gate has not seen them.
  for (const h of file.hunks) if (h.section.includes('_config')) add(functionNameOf(h.section), h.section.matchAll(CONFIG_COPY.re));
  return out;
}

/**
 * The config fields a changed line reads: through an accessor (FIELD_READ), or out of a copy as
 * a value (converted with *_to_cpu() or assigned from). A device filling its config writes
 * the same fields; only reads are the driver's question.
 */
function fieldReads(code: string, copies: Map<string, string> | undefined): [string, string][] {
  const out: [string, string][] = [];
  const m = execIn(code, FIELD_READ);
  if (m) out.push([m[1]!, m[2]!]);
  for (const [name, struct] of copies ?? []) {
    if (!code.includes(name)) continue;
    for (const r of code.matchAll(accessOf(name))) {
      const before = code.slice(0, r.index);
      const open = before.lastIndexOf('(');
      // Inside a conversion's own parentheses, or right of an assignment.
      const converted = open >= 0 && /_to_cpu\s*$/.test(before.slice(Math.max(0, open - 24), open)) && !/[()]/.test(before.slice(open + 1));
      const assigned = /[^=!<>]=\s*$/.test(before.slice(-8));
      if (converted || assigned) out.push([struct, r[1]!]);
    }
  }
  return out;
}

const accesses = new Map<string, RegExp>();
/** name.field / name->field, not itself assigned to; one expression per name. */
function accessOf(name: string): RegExp {
  let re = accesses.get(name);
  if (!re) accesses.set(name, (re = new RegExp(String.raw`(?<![\w.>])${name}(?:\.|->)([a-z_]\w*)\b(?!\s*=[^=])`, 'g')));
  return re;
}

/** A value converted from the device's byte order: how a copy's field is usually read (its declaration may sit in the hunk header). */
const CONVERTED = gated(/_to_cpu\b/, ['_to_cpu']);

export const configReadFacts = detector({ files: isCLike, needs: [FIELD_READ, CONFIG_COPY, CONVERTED] }, (file, allHunks, scope?: PatchScope) => {
  if (file.role === 'uapi-header') return [];
  const hunks = bounded(allHunks);
  const copies = configCopies(file, hunks);
  // What each function's shown lines say, to look for the feature's name.
  const text = new Map<string, string>();
  /** "virtio_X_config.field" read on a removed line. */
  const before = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (!l.function) continue;
    if (l.kind !== '-') text.set(l.function, `${text.get(l.function) ?? ''}\n${l.code}`);
    else for (const [struct, field] of fieldReads(l.code, copies.get(l.function))) before.add(`${struct}.${field}`);
  }
  const out: Fact[] = [];
  const seen = new Set<string>();
  // A debugfs dump prints the raw copy as the device has it; that reads no field for use.
  const dumps = new Map<string, boolean>();
  const dumped = (fn: string) => entryOf(dumps, fn, () => /\bseq_(?:printf|puts)\b/.test(text.get(fn)!));
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind !== '+' || !l.function || SELF_GATED.test(l.code)) continue;
    const own = copies.get(l.function);
    for (const [struct, field] of fieldReads(l.code, own && !dumped(l.function) ? own : undefined)) {
      const key = `${l.function}\u0000${field}`;
      // A read the patch removes somewhere in the file has moved, not appeared.
      if (before.has(`${struct}.${field}`) || seen.has(key)) continue;
      const feature = patchGates(scope, struct).get(field) ?? configGatesOf(struct, scope?.ctx.headersDir)?.get(field);
      if (!feature || text.get(l.function)!.includes(feature)) continue;
      seen.add(key);
      out.push(
        lineFact('config-field-ungated', field, file, l, {
          detail: `${l.function}() now reads ${struct}.${field}, which exists only with ${feature} (linux/${struct.replace(/_config$/, '')}.h${patchGates(scope, struct).has(field) ? ' as this patch writes it' : ''}), and no line the patch shows of ${l.function}() tests ${feature} (a test outside those lines is not seen: not verified against the tree)`,
        }),
      );
    }
  }
  return out;
});

const patchGateCache = new WeakMap<PatchScope, Map<string, Map<string, string>>>();

/**
 * Gates the patch itself writes into a virtio uAPI header: a field added with its feature in
 * the same patch as the driver's read of it is not in the installed header yet.
 */
function patchGates(scope: PatchScope | undefined, struct: string): Map<string, string> {
  if (!scope) return new Map();
  let byStruct = patchGateCache.get(scope);
  if (!byStruct) {
    byStruct = new Map();
    patchGateCache.set(scope, byStruct);
  }
  const known = byStruct.get(struct);
  if (known) return known;
  // The new side of each hunk inside the struct, reopened so the comment rules of the real header apply.
  const gates = new Map<string, string>();
  const opening = new RegExp(String.raw`^\s*struct\s+${struct}\s*\{`);
  for (const { file, hunks } of scope.files) {
    if (file.role !== 'uapi-header' || !/virtio_\w+\.h$/.test(file.path)) continue;
    for (const h of hunks) {
      const inside = h.lines.filter((l) => l.kind !== '-' && l.aggregate === `struct ${struct}` && !opening.test(l.text)).map((l) => l.text);
      if (inside.length) for (const [f, g] of configGates(`struct ${struct} {\n${inside.join('\n')}\n};\n`, struct)) gates.set(f, g);
    }
  }
  byStruct.set(struct, gates);
  return gates;
}
