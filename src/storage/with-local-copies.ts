import type { BlobStore } from '../core/ports';

/**
 * A shared store (the bucket) of which this node may hold copies in a local directory, seen
 * by a process that opens no cache tiers: writes and listings go to the shared store, and
 * deletes reach the local copies too, so a purge from a CLI command leaves none behind.
 */
export function withLocalCopies(shared: BlobStore, copies: BlobStore): BlobStore {
  return {
    put: (key, data) => shared.put(key, data),
    // Reads answer as the tiers would: a local copy counts, even if the bucket has lost the object.
    get: async (key) => (await copies.get(key)) ?? (await shared.get(key)),
    localPath: () => null,
    exists: async (key) => (await copies.exists(key)) || (await shared.exists(key)),
    async delete(key) {
      await shared.delete(key);
      await copies.delete(key);
    },
    async deletePrefix(prefix) {
      await shared.deletePrefix(prefix);
      await copies.deletePrefix(prefix);
    },
    list: () => shared.list(),
    listWithSizes: () => shared.listWithSizes(),
    sweepTemp: async (olderThanMs) => (await copies.sweepTemp(olderThanMs)) + (await shared.sweepTemp(olderThanMs)),
  };
}
