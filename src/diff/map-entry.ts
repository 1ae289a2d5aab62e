// The entry a keyed table holds for a key, made the first time it is asked for: the grouping
// ("calls by function") and memo tables of the detectors, spelt once.

/** A Map or a WeakMap. */
interface Table<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

/**
 * The value under `key`; when there is none yet, `make()` is stored there and returned (it runs
 * once per key). The table alone gives the type, so `() => []` or `() => ({})` make what it holds.
 */
export function entryOf<K, V>(table: Table<K, V>, key: K, make: () => NoInfer<V>): V {
  let value = table.get(key);
  if (value === undefined) table.set(key, (value = make()));
  return value;
}
