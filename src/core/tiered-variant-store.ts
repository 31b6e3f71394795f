import { createLru } from './lru';
import type { BlobStore } from './ports';

export interface TierOptions {
  /** Disk budget (IMGAPI_CACHE_MAX_BYTES): least recently used variants are deleted beyond it. */
  maxDiskBytes: number;
  /** Memory budget for hot variants, served without touching the disk. */
  maxMemoryBytes: number;
  /** Larger variants stay on disk only. */
  maxMemoryItemBytes: number;
}

/**
 * The variant cache: a bounded in-memory tier in front of a bounded store, both least
 * recently used. It is itself a BlobStore, so purges by the image services reach every tier.
 * The disk index is rebuilt from the store at start (oldest files first), so the budget
 * survives restarts.
 */
export function createTieredVariantStore(inner: BlobStore, options: TierOptions) {
  const stats = { memoryHits: 0, diskHits: 0, misses: 0, memoryEvictions: 0, diskEvictions: 0 };
  const memory = createLru<Uint8Array>({
    maxWeight: options.maxMemoryBytes,
    weigh: (body) => body.byteLength,
    onEvict: () => stats.memoryEvictions++,
  });
  // While the index is being rebuilt from a listing, remember what went away meanwhile, so the
  // listing (a snapshot) does not bring back entries for files already deleted.
  let rebuilding = true;
  const goneKeys = new Set<string>();
  const gonePrefixes: string[] = [];
  const forget = (key: string) => rebuilding && goneKeys.add(key);
  // Deletions started by evictions; the put that caused them waits for them, so the budget
  // holds on disk by the time a response goes out.
  let evicting: Promise<void>[] = [];

  const disk = createLru<number>({
    maxWeight: options.maxDiskBytes,
    weigh: (size) => size,
    onEvict: (key) => {
      stats.diskEvictions++;
      memory.delete(key);
      forget(key);
      evicting.push(inner.delete(key).catch(() => {}));
    },
  });

  const ready = inner.listWithSizes().then((files) => {
    for (const file of files.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      if (disk.has(file.key) || goneKeys.has(file.key) || gonePrefixes.some((p) => file.key.startsWith(`${p}/`))) continue;
      disk.set(file.key, file.size);
    }
    rebuilding = false;
    goneKeys.clear();
    gonePrefixes.length = 0;
  });

  const remember = (key: string, body: Uint8Array) => {
    if (body.byteLength <= options.maxMemoryItemBytes) memory.set(key, body);
  };
  const under = (prefix: string) => (key: string) => key.startsWith(`${prefix}/`);

  const store: BlobStore & {
    lookup(key: string): Promise<{ body: Uint8Array; tier: 'memory' | 'disk' } | null>;
    peekMemory(key: string): Uint8Array | undefined;
    ready: Promise<void>;
    stats: typeof stats;
    tiers(): { memoryBytes: number; memoryEntries: number; diskBytes: number; diskEntries: number };
  } = {
    ready,
    stats,

    peekMemory: (key) => memory.get(key),

    async lookup(key) {
      const hot = memory.get(key);
      if (hot) {
        stats.memoryHits++;
        return { body: hot, tier: 'memory' };
      }
      const body = await inner.get(key);
      if (!body) {
        stats.misses++;
        disk.delete(key);
        return null;
      }
      stats.diskHits++;
      if (disk.get(key) === undefined) disk.set(key, body.byteLength);
      remember(key, body);
      return { body, tier: 'disk' };
    },

    async get(key) {
      return (await store.lookup(key))?.body ?? null;
    },

    async put(key, data) {
      await inner.put(key, data);
      disk.set(key, data.byteLength);
      remember(key, data);
      const pending = evicting;
      evicting = [];
      await Promise.all(pending);
    },

    localPath: (key) => inner.localPath(key),
    exists: (key) => (memory.has(key) ? Promise.resolve(true) : inner.exists(key)),

    async delete(key) {
      memory.delete(key);
      disk.delete(key);
      forget(key);
      await inner.delete(key);
    },

    async deletePrefix(prefix) {
      if (rebuilding) gonePrefixes.push(prefix);
      memory.deleteWhere(under(prefix));
      disk.deleteWhere(under(prefix));
      await inner.deletePrefix(prefix);
    },

    list: () => inner.list(),
    listWithSizes: () => inner.listWithSizes(),
    sweepTemp: (olderThanMs) => inner.sweepTemp(olderThanMs),

    tiers: () => ({ memoryBytes: memory.weight, memoryEntries: memory.size, diskBytes: disk.weight, diskEntries: disk.size }),
  };
  return store;
}

export type TieredVariantStore = ReturnType<typeof createTieredVariantStore>;
