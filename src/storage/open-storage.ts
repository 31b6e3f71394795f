import { join } from 'node:path';
import type { BlobStore } from '../core/ports';
import { createTieredStore, type TieredStore } from '../core/tiered-store';
import { createFsBlobStore } from './fs-blob-store';
import { createS3BlobStore } from './s3-blob-store';
import { describeLocation, type S3Location } from './s3-location';
import { createRetryCounter, type RetryCounter } from './s3-retry';
import { withLocalCopies } from './with-local-copies';

export interface StorageOptions {
  dataDir: string;
  storage: S3Location | null;
  cacheMaxBytes: number;
  memoryCacheMaxBytes: number;
  originalsCacheMaxBytes: number;
}

export interface Storage {
  description: string;
  originals: BlobStore;
  variants: BlobStore;
  /** Throws unless the store answers: a write on disk; with a bucket, a read (health checks every few seconds must not cost PUTs). */
  probe(): Promise<void>;
  /** Requests to the bucket retried after a passing failure, per kind (none on disk). */
  retries: Pick<RetryCounter, 'counts'>;
}

export interface TieredStorage extends Storage {
  variants: TieredStore;
}

/** Where each kind of blob lives: in the data directory, or in a bucket with local copies. */
function layout(options: StorageOptions) {
  const local = (area: string) => createFsBlobStore({ root: join(options.dataDir, area) });
  const retries = createRetryCounter();
  if (!options.storage) {
    const originals = local('originals');
    return {
      description: `files in ${options.dataDir}`,
      retries,
      shared: null,
      originals,
      variants: local('cache'),
      probe: () => originals.put('health', new Uint8Array([1])),
    };
  }
  const location = options.storage;
  const shared = { originals: createS3BlobStore(location, 'originals', { retries }), variants: createS3BlobStore(location, 'variants', { retries }) };
  return {
    description: describeLocation(location),
    retries,
    shared,
    originals: local('cache/originals'),
    variants: local('cache/variants'),
    probe: async () => {
      await shared.originals.exists('health');
    },
  };
}

/**
 * Originals and variants as plain stores, for processes that only write and purge (CLI
 * commands): nothing is listed or indexed at open. With a bucket, purges reach this node's
 * local copies too.
 */
export function openStorage(options: StorageOptions): Storage {
  const { description, shared, originals, variants, probe, retries } = layout(options);
  if (!shared) return { description, originals, variants, probe, retries };
  return { description, originals: withLocalCopies(shared.originals, originals), variants: withLocalCopies(shared.variants, variants), probe, retries };
}

/**
 * The same stores with this node's memory and disk in front, for the delivery runtime. Each
 * tier rebuilds its index by listing its directory. With a bucket, originals are cached
 * locally too (their keys are new for every version, so a local copy never goes stale) so
 * misses need not download them.
 */
export function openTieredStorage(options: StorageOptions): TieredStorage {
  const { description, shared, originals, variants, probe, retries } = layout(options);
  const variantTiers = { maxDiskBytes: options.cacheMaxBytes, maxMemoryBytes: options.memoryCacheMaxBytes, maxMemoryItemBytes: 1024 * 1024, tagged: true };
  if (!shared) return { description, originals, variants: createTieredStore(variants, variantTiers), probe, retries };
  return {
    description,
    originals: createTieredStore(originals, { maxDiskBytes: options.originalsCacheMaxBytes, maxMemoryBytes: 0, maxMemoryItemBytes: 0, shared: shared.originals }),
    variants: createTieredStore(variants, { ...variantTiers, shared: shared.variants }),
    probe,
    retries,
  };
}
