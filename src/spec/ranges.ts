// The reserved range a feature bit falls in. Its own module so the patch checks (loaded with
// every review) do not pull in the spec indexer.
import type { ReservedRange } from './types.js';

export function rangeFor(ranges: readonly ReservedRange[], bit: number): ReservedRange | undefined {
  return ranges.find((r) => bit >= r.from && (r.to === null || bit <= r.to));
}
