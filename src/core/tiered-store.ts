import { createLru } from './lru';
import type { BlobStore } from './ports';
import { splitTags, withTags, type BlobTags } from './tagged-blob';

export interface TierOptions {
  /** Disk budget (IMGAPI_CACHE_MAX_BYTES): least recently used variants are deleted beyond it. */
  maxDiskBytes: number;
  /** Memory budget for hot variants, served without touching the disk. */
  maxMemoryBytes: number;
  /** Larger variants stay on disk only. */
  maxMemoryItemBytes: number;
  /**
   * The store shared by every node (S3), behind this node's tiers: written first on a put,
   * read (and copied into the local tiers) when they miss, purged with them.
   */
  shared?: BlobStore;
  /**
   * Blobs may carry tags in a trailer (`tagged-blob.ts`), split off when read: variants do;
   * originals, whose bytes a user chose, never.
   */
  tagged?: boolean;
}

export type Tier = 'memory' | 'disk' | 'shared';

interface Entry {
  readonly body: Uint8Array;
  readonly tags: BlobTags | null;
}

/**
 * The variant cache: a bounded in-memory tier in front of a bounded store, both least
 * recently used, optionally in front of a shared store. It is itself a BlobStore, so purges
 * by the image services reach every tier. The disk index is rebuilt from the store at start
 * (oldest files first), so the budget survives restarts. With a bucket, a node also keeps its
 * copies of originals in one (no memory tier): their keys are write-once, so copies never go stale.
 */
export function createTieredStore(inner: BlobStore, options: TierOptions) {
  const { shared } = options;
  const stats = { memoryHits: 0, diskHits: 0, sharedHits: 0, misses: 0, memoryEvictions: 0, diskEvictions: 0 };
  const memory = createLru<Entry>({
    maxWeight: options.maxMemoryBytes,
    weigh: (entry) => entry.body.byteLength,
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

  const entryOf = (stored: Uint8Array): Entry => (options.tagged ? splitTags(stored) : { body: stored, tags: null });
  const remember = (key: string, entry: Entry) => {
    if (entry.body.byteLength <= options.maxMemoryItemBytes) memory.set(key, entry);
  };
  /** `stored` is the bytes as written (with their trailer), `entry` what they hold. */
  const putLocal = async (key: string, stored: Uint8Array, entry: Entry) => {
    await inner.put(key, stored);
    disk.set(key, stored.byteLength);
    remember(key, entry);
    const pending = evicting;
    evicting = [];
    await Promise.all(pending);
  };
  const under = (prefix: string) => (key: string) => key.startsWith(`${prefix}/`);

  const store: BlobStore & {
    put(key: string, data: Uint8Array, tags?: BlobTags): Promise<void>;
    lookup(key: string): Promise<{ body: Uint8Array; tags: BlobTags | null; tier: Tier } | null>;
    peekMemory(key: string): Uint8Array | undefined;
    ready: Promise<void>;
    stats: typeof stats;
    tiers(): { memoryBytes: number; memoryEntries: number; diskBytes: number; diskEntries: number };
  } = {
    ready,
    stats,

    peekMemory: (key) => memory.get(key)?.body,

    async lookup(key) {
      const hot = memory.get(key);
      if (hot) {
        stats.memoryHits++;
        return { ...hot, tier: 'memory' };
      }
      const stored = await inner.get(key);
      if (stored) {
        stats.diskHits++;
        if (disk.get(key) === undefined) disk.set(key, stored.byteLength);
        const entry = entryOf(stored);
        remember(key, entry);
        return { ...entry, tier: 'disk' };
      }
      disk.delete(key);
      const fromShared = shared && (await shared.get(key));
      if (!fromShared) {
        stats.misses++;
        return null;
      }
      stats.sharedHits++;
      const entry = entryOf(fromShared);
      // A full local disk must not fail a request the shared store can answer.
      await putLocal(key, fromShared, entry).catch(() => remember(key, entry));
      return { ...entry, tier: 'shared' };
    },

    async get(key) {
      return (await store.lookup(key))?.body ?? null;
    },

    async put(key: string, data: Uint8Array, tags?: BlobTags) {
      if (tags && !options.tagged) throw new Error('This store keeps no tags');
      const stored = tags ? withTags(data, tags) : data;
      // The shared copy first: once a node has answered with a variant, every node can find it.
      await shared?.put(key, stored);
      await putLocal(key, stored, { body: data, tags: tags ?? null });
    },

    /** A local file only when this node holds it (with a shared store, it may not). */
    localPath: (key) => (shared && !disk.has(key) ? null : inner.localPath(key)),
    exists: async (key) => memory.has(key) || (await inner.exists(key)) || (shared !== undefined && (await shared.exists(key))),

    async delete(key) {
      memory.delete(key);
      disk.delete(key);
      forget(key);
      await shared?.delete(key);
      await inner.delete(key);
    },

    async deletePrefix(prefix) {
      if (rebuilding) gonePrefixes.push(prefix);
      memory.deleteWhere(under(prefix));
      disk.deleteWhere(under(prefix));
      await shared?.deletePrefix(prefix);
      await inner.deletePrefix(prefix);
    },

    // What is stored is the shared store's contents when there is one; this node's tiers are copies.
    list: () => (shared ?? inner).list(),
    listWithSizes: () => (shared ?? inner).listWithSizes(),
    sweepTemp: async (olderThanMs) => (await inner.sweepTemp(olderThanMs)) + ((await shared?.sweepTemp(olderThanMs)) ?? 0),

    tiers: () => ({ memoryBytes: memory.weight, memoryEntries: memory.size, diskBytes: disk.weight, diskEntries: disk.size }),
  };
  return store;
}

export type TieredStore = ReturnType<typeof createTieredStore>;
