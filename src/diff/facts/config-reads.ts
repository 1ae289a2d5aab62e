// config-field-ungated: the patch adds a read of a field of a virtio device's config space
// (virtio_cread*(vdev, struct virtio_X_config, field, …), or an offsetof() into that struct handed
// to a config accessor) that the real uAPI header says exists only with a feature, in a function
// whose lines in the patch never name that feature. Read without it, the field holds whatever
// the device has there, or lies past a smaller config space. The test may sit above the hunk:
// the finding says the check was not seen, not that it is absent.
import type { Fact } from '../../model/facts.js';
import { isCLike } from '../annotate.js';
import { lineFact } from './types.js';
import { bounded } from './call-changes.js';
import { detector, gated, execIn } from './literal-gate.js';
import type { PatchScope } from '../uapi/scope.js';
import { configGates, configGatesOf } from '../uapi/config-gates.js';

const FIELD_READ = gated(/\b(?:virtio_cread\w*\s*\([^,()]+,\s*|offsetof\s*\(\s*)struct\s+(virtio_\w+_config)\s*,\s*([a-z_]\w*)/, ['virtio_cread', 'offsetof']);
/** Reads that test the feature themselves, and writes (about the driver's side, not the field's existence). */
const SELF_GATED = /_cread\w*_feature\b|\bvirtio_cwrite|set_config\b/;

export const configReadFacts = detector({ files: isCLike, needs: [FIELD_READ] }, (file, allHunks, scope?: PatchScope) => {
  if (file.role === 'uapi-header') return [];
  const hunks = bounded(allHunks);
  // What each function's shown lines say, to look for the feature's name.
  const text = new Map<string, string>();
  /** "virtio_X_config.field" read on a removed line. */
  const before = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (!l.function) continue;
    if (l.kind !== '-') text.set(l.function, `${text.get(l.function) ?? ''}\n${l.code}`);
    const m = l.kind === '-' ? execIn(l.code, FIELD_READ) : null;
    if (m) before.add(`${m[1]}.${m[2]}`);
  }
  const out: Fact[] = [];
  const seen = new Set<string>();
  for (const h of hunks) for (const l of h.lines) {
    if (l.kind !== '+' || !l.function) continue;
    const m = execIn(l.code, FIELD_READ);
    if (!m || SELF_GATED.test(l.code)) continue;
    const [, struct, field] = m as unknown as [string, string, string];
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
