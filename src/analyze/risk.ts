// Which facts say a function does something risky, and for which review concern. A generic
// knowledge match (the entry's function changed) rises from note to the entry's severity only
// when the same function carries such a fact of the entry's category.
import type { Fact, FactKind } from '../model/facts.js';
import type { Category } from '../model/finding.js';

export const RISK_CATEGORIES: Partial<Record<FactKind, Category[]>> = {
  'lock-added': ['ordering-race'],
  'lock-removed': ['ordering-race'],
  'lock-moved': ['ordering-race'],
  'barrier-changed': ['ordering-race'],
  'rcu-changed': ['ordering-race', 'reset-and-mapping-lifecycle'],
  'work-changed': ['ordering-race'],
  'ordering-question': ['ordering-race'],
  'wait-while-holding': ['ordering-race'],
  'untrusted-value-unchecked': ['untrusted-userspace-security'],
  'user-copy-length': ['untrusted-userspace-security'],
  'ref-unbalanced': ['reset-and-mapping-lifecycle'],
  'object-freed': ['reset-and-mapping-lifecycle'],
  'mapping-lifecycle-changed': ['reset-and-mapping-lifecycle'],
  'status-sequence-changed': ['reset-and-mapping-lifecycle', 'spec-conformance'],
  'config-field-ungated': ['config-space'],
  'config-access-early': ['config-space', 'spec-conformance', 'feature-negotiation'],
  'features-written': ['feature-negotiation'],
  'mask-bit-added': ['feature-negotiation'],
  'mask-bit-removed': ['feature-negotiation'],
  'error-return-added': ['behaviour-change-visible-to-userspace'],
  'input-check-changed': ['behaviour-change-visible-to-userspace'],
  'socket-semantics-changed': ['behaviour-change-visible-to-userspace'],
  'socket-state-changed': ['behaviour-change-visible-to-userspace'],
  'socket-credit-changed': ['ordering-race'],
  'socket-transport-changed': ['ordering-race'],
  'packet-ownership-changed': ['reset-and-mapping-lifecycle'],
  'packet-used-after-release': ['reset-and-mapping-lifecycle'],
  'transport-read-unlocked': ['ordering-race'],
  'socket-state-skipped': ['behaviour-change-visible-to-userspace'],
  'vnet-header-field-changed': ['untrusted-userspace-security', 'behaviour-change-visible-to-userspace'],
  'netlink-policy-changed': ['uapi-abi', 'behaviour-change-visible-to-userspace'],
  'netlink-command-changed': ['uapi-abi'],
  'netlink-reply-changed': ['behaviour-change-visible-to-userspace', 'config-space'],
  'netlink-attr-parsed': ['behaviour-change-visible-to-userspace', 'feature-negotiation'],
  'wait-added': ['untrusted-userspace-security', 'behaviour-change-visible-to-userspace'],
};

/** file + function → the risky facts in it. */
export type RiskIndex = Map<string, Fact[]>;

const keyOf = (file: string | null, fn: string | undefined) => `${file ?? ''}\u0000${fn ?? ''}`;

export function riskIndex(facts: Fact[], limit = facts.length): RiskIndex {
  const index: RiskIndex = new Map();
  for (let i = 0; i < limit; i++) {
    const f = facts[i]!;
    if (!RISK_CATEGORIES[f.kind] || !f.function) continue;
    const k = keyOf(f.file, f.function);
    const list = index.get(k);
    if (list) list.push(f);
    else index.set(k, [f]);
  }
  return index;
}

/** The risky facts of `category` in the function a generic fact is about. */
export function risksFor(index: RiskIndex, f: Fact, category: Category): Fact[] {
  const fn = f.kind === 'function-changed' ? f.symbol : f.function;
  if (!fn) return [];
  const list = index.get(keyOf(f.file, fn));
  if (!list) return [];
  return list.filter((r) => RISK_CATEGORIES[r.kind]!.includes(category));
}
