/**
 * A least-recently-used map bounded by total weight (bytes, or 1 per entry). A Map keeps
 * insertion order, so re-inserting on access makes its first key the least recently used.
 * Re-inserting costs a delete and a set, so a hit only moves an entry that has drifted into
 * the older half: hot keys are served with one lookup, and still never reach the eviction end.
 */
export function createLru<V>(options: { maxWeight: number; weigh?: (value: V) => number; onEvict?: (key: string, value: V) => void }) {
  const entries = new Map<string, { value: V; weight: number; stamp: number }>();
  const weigh = options.weigh ?? (() => 1);
  let total = 0;
  let clock = 0;

  function remove(key: string): boolean {
    const entry = entries.get(key);
    if (!entry) return false;
    entries.delete(key);
    total -= entry.weight;
    return true;
  }

  return {
    get(key: string): V | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (clock - entry.stamp > entries.size / 2) {
        entry.stamp = ++clock;
        entries.delete(key);
        entries.set(key, entry);
      }
      return entry.value;
    },
    has: (key: string) => entries.has(key),
    /** Adds or replaces; evicts least recently used entries until the total fits. */
    set(key: string, value: V): void {
      const weight = weigh(value);
      remove(key);
      if (weight > options.maxWeight) return;
      entries.set(key, { value, weight, stamp: ++clock });
      total += weight;
      while (total > options.maxWeight) {
        const [oldest, entry] = entries.entries().next().value!;
        entries.delete(oldest);
        total -= entry.weight;
        options.onEvict?.(oldest, entry.value);
      }
    },
    delete: remove,
    /** Removes every key for which `matches` is true. */
    deleteWhere(matches: (key: string) => boolean): void {
      for (const key of [...entries.keys()]) if (matches(key)) remove(key);
    },
    get size() {
      return entries.size;
    },
    get weight() {
      return total;
    },
  };
}

export type Lru<V> = ReturnType<typeof createLru<V>>;
