// Which facts claim something about a layout or a request number (an offset moves, a size
// grows, a number changes). Such a claim is an error only when a compiler confirmed it; the
// hand evaluator's reading of a hunk is a heuristic and says why it was not verified.
import type { Fact } from '../../model/facts.js';

const LAYOUT_NUMBER_KINDS = new Set<string>([
  'struct-member-inserted',
  'struct-member-removed',
  'struct-member-changed',
  'struct-member-appended',
  'struct-implicit-padding',
  'struct-reserved-used',
  'ioctl-changed',
  'ioctl-number-reused',
]);

/** A source break ("no longer compiles") or a removed declaration is about names, not numbers. */
export function claimsLayoutOrNumber(f: Fact): boolean {
  if (!LAYOUT_NUMBER_KINDS.has(f.kind) || !f.compat) return false;
  if (/no longer compiles/.test(f.compat.reason)) return false;
  if (f.kind === 'struct-member-removed' && /is removed from the header/.test(f.detail ?? '')) return false;
  return true;
}

/** Marks every layout/number claim not confirmed by a compiler with the reason it was not. */
export function markUnverified(facts: Fact[], why: string): void {
  for (const f of facts) if (!f.verified && !f.unverified && claimsLayoutOrNumber(f)) f.unverified = why;
}
