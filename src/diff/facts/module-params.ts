// module-param-added: module_param*(name, …) on an added line. A module parameter selects
// behaviour host-wide, for every device and every process, instead of per device by
// negotiation: userspace can neither request it nor tell which behaviour it got.
// module-param-default-changed: the initial value of an existing parameter's variable (or of
// the #define it is initialised from) rewritten: every host that never set the parameter gets
// the other behaviour on upgrade, without asking.
import type { Fact } from '../../model/facts.js';
import { changedLines, lineFact, type FileFactProducer } from './types.js';
import { compat } from '../uapi/compat.js';
import { paramDefaultFacts } from './param-defaults.js';

const PARAM_NAME = /\bmodule_param(_named|_cb|_array|_unsafe)?\s*\(\s*([A-Za-z_]\w*)([^)]*)/;
const DESC = /\bMODULE_PARM_DESC\s*\(\s*([A-Za-z_]\w*)\s*,\s*"([^"]*)"/;
/** Words that say the parameter picks between an old and a new behaviour. */
const COMPAT_WORDS = /compat|legacy|old|quirk|workaround|enable|disable|allow|mode|strict|force|fallback/i;

export const moduleParamFacts: FileFactProducer = (file, hunks) => {
  const descs = new Map<string, string>();
  for (const h of hunks) {
    for (const l of h.lines) {
      if (l.kind === '-') continue;
      // The description is a string literal, blanked in l.code: read it from the text.
      const d = DESC.exec(l.text);
      if (d) descs.set(d[1]!, d[2]!);
    }
  }
  const out: Fact[] = [];
  for (const l of changedLines(hunks)) {
    if (l.kind !== '+') continue;
    const m = PARAM_NAME.exec(l.code);
    if (!m) continue;
    const name = m[2]!;
    // module_param(name, type, perm), module_param_named(name, var, type, perm); _cb has no type.
    const args = m[3]!.split(',').map((a) => a.trim());
    const type = m[1] === '_named' ? args[2] : m[1] === '_cb' ? undefined : args[1];
    const desc = descs.get(name);
    const selects = COMPAT_WORDS.test(name) || (desc !== undefined && COMPAT_WORDS.test(desc)) || type === 'bool';
    out.push(
      lineFact('module-param-added', name, file, l, {
        detail: `new module parameter "${name}"${type ? ` (${type})` : ''}${desc ? `: ${desc}` : ''}`,
        compat: compat(
          'behaviour-change',
          selects
            ? 'it switches behaviour for every device on the host; userspace cannot request it per device or detect which behaviour it got'
            : 'a host-wide knob changes what every process sees, outside any negotiation',
        ),
      }),
    );
  }
  return out.concat(paramDefaultFacts(file, hunks));
};
