// feature-op-declared: an ops structure in a kernel header gains a feature negotiation callback
// (get_features, set_driver_features, set_mdev_feature…). Such a callback is a negotiation
// contract between a core and its parent drivers: which side offers, which side acks, and
// whether a setter can refuse. A setter that takes no features argument cannot be told what
// was acked.
import type { Fact } from '../../model/facts.js';
import { lineFact, type FileFactProducer } from './types.js';
import { bounded } from './call-changes.js';

/** "u64 (*get_mdev_features)(struct mdev_device *mdev);" */
const MEMBER = /\(\s*\*\s*(\w*features?\w*)\s*\)\s*\(([^)]*)\)?/;

export const featureOpFacts: FileFactProducer = (file, allHunks) => {
  if (file.role === 'uapi-header' || !file.path.endsWith('.h')) return [];
  const out: Fact[] = [];
  const flawed: Fact[] = [];
  for (const h of bounded(allHunks)) for (const l of h.lines) {
    if (l.kind !== '+' || !l.code.includes('feature')) continue;
    const m = MEMBER.exec(l.code);
    if (!m || !l.aggregate || !/_ops$|_config$|_callbacks$/.test(l.aggregate)) continue;
    const name = m[1]!;
    const args = m[2] ?? '';
    const setter = /^set_/.test(name);
    const problem = setter && !/feature|u64|u32|unsigned/.test(args) ? ` and takes no features argument, so the driver is never told which features were acked` : ': a new step in feature negotiation between the core and its parent drivers';
    (problem.startsWith(' and') ? flawed : out).push(lineFact('feature-op-declared', name, file, l, { detail: `${name}() is a new callback in ${l.aggregate}${problem}` }));
  }
  // A setter that cannot be told the features leads: it is the concrete flaw.
  return [...flawed, ...out];
};
