import { join } from 'node:path';
import type { BlobStore } from '../core/ports';
import { createTieredVariantStore, type TieredVariantStore } from '../core/tiered-variant-store';
import { createFsBlobStore } from './fs-blob-store';
import { createS3BlobStore } from './s3-blob-store';
import { describeLocation, type S3Location } from './s3-location';

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
  variants: TieredVariantStore;
  /** Throws unless the store answers: a write on disk; with a bucket, a read (health checks every few seconds must not cost PUTs). */
  probe(): Promise<void>;
}

/**
 * Originals and variants: in the data directory, or in a bucket shared by every node with
 * this node's memory and disk as tiers in front. Originals are cached locally too (their keys
 * are new for every version, so a local copy never goes stale) so misses need not download them.
 */
export function openStorage(options: StorageOptions): Storage {
  const variantTiers = { maxDiskBytes: options.cacheMaxBytes, maxMemoryBytes: options.memoryCacheMaxBytes, maxMemoryItemBytes: 1024 * 1024 };
  const local = (area: string) => createFsBlobStore({ root: join(options.dataDir, area) });
  if (!options.storage) {
    const originals = local('originals');
    return {
      description: `files in ${options.dataDir}`,
      originals,
      variants: createTieredVariantStore(local('cache'), variantTiers),
      probe: () => originals.put('health', new Uint8Array([1])),
    };
  }
  const location = options.storage;
  const sharedOriginals = createS3BlobStore(location, 'originals');
  return {
    description: describeLocation(location),
    originals: createTieredVariantStore(local('cache/originals'), {
      maxDiskBytes: options.originalsCacheMaxBytes,
      maxMemoryBytes: 0,
      maxMemoryItemBytes: 0,
      shared: sharedOriginals,
    }),
    variants: createTieredVariantStore(local('cache/variants'), { ...variantTiers, shared: createS3BlobStore(location, 'variants') }),
    probe: async () => {
      await sharedOriginals.exists('health');
    },
  };
}
