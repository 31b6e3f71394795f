import type { Config } from './config';
import type { Core } from './core-services';
import { createDeliveryService } from './core/delivery';
import { tuneSharpForTransforms } from './core/transform/execute';
import { createMallocTuning } from './native/malloc';
import type { TieredStorage } from './storage/open-storage';

/**
 * What serving variants needs beyond the core: the cache tiers (`storage`, the same the core
 * was opened on), the delivery service with its limiter and coalescing, libvips and malloc
 * tuning, and hearing other processes' changes so cached rows and variants drop out.
 */
export async function createDeliveryRuntime(core: Pick<Core, 'accounts' | 'repos' | 'feed' | 'hearOthers' | 'transforms'>, storage: TieredStorage, config: Config) {
  tuneSharpForTransforms();
  const malloc = createMallocTuning();
  malloc.limitArenas(2);
  await core.hearOthers();
  const reportedMissing = new Set<string>();
  const delivery = createDeliveryService({
    accounts: core.accounts,
    repos: core.repos,
    originals: storage.originals,
    variants: storage.variants,
    feed: core.feed,
    maxPixels: config.maxPixels,
    maxFrames: config.maxFrames,
    transformTimeoutSeconds: config.transformTimeoutSeconds,
    cdnTags: config.cdnTags,
    transforms: core.transforms,
    onIdle: malloc.trim,
    onOriginalMissing: (image) => {
      // Once per image version: a popular image with a lost file must not flood the log.
      const key = `${image.clientId}/${image.id}/${image.version}`;
      if (reportedMissing.has(key)) return;
      if (reportedMissing.size >= 10_000) reportedMissing.clear();
      reportedMissing.add(key);
      console.error(
        JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'original file missing: run imgapi doctor', clientId: image.clientId, imageId: image.id, version: image.version }),
      );
    },
  });
  return { delivery, variants: storage.variants };
}

export type DeliveryRuntime = Awaited<ReturnType<typeof createDeliveryRuntime>>;
