import type { Config } from './config';
import type { Core } from './core-services';
import { createDeliveryService } from './core/delivery';
import { createEagerWorker } from './core/eager-worker';
import { tuneSharpForTransforms } from './core/transform/execute';
import { createMallocTuning } from './native/malloc';
import type { TieredStorage } from './storage/open-storage';

/**
 * What serving variants needs beyond the core: the cache tiers (`storage`, the same the core
 * was opened on), the delivery service with its limiter and coalescing, libvips and malloc
 * tuning, and hearing other processes' changes so cached rows and variants drop out.
 */
export async function createDeliveryRuntime(
  core: Pick<Core, 'accounts' | 'repos' | 'feed' | 'hearOthers' | 'transforms' | 'onEagerEnqueued' | 'usageCounters' | 'quotas'>,
  storage: TieredStorage,
  config: Config,
) {
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
    quotas: core.quotas,
    onIdle: malloc.trim,
    usage: core.usageCounters,
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
  // Eager variants through delivery's own path, in the limiter's lower lane: the same key and blob a URL gets.
  const eager = createEagerWorker({
    jobs: core.repos.eagerJobs,
    transforms: core.transforms,
    concurrency: Math.min(config.eagerConcurrency, core.transforms.backgroundSlots),
    compute: async (job) => {
      await delivery.deliver(job.path, job.accept || null, { inSlot: true });
    },
    // Eager work counts against the client's transforms a minute: past it, its jobs wait.
    paced: () => core.quotas.pacedClients(),
  });
  if (config.eagerConcurrency > 0 && core.transforms.backgroundSlots === 0) {
    console.error(
      JSON.stringify({
        time: new Date().toISOString(),
        level: 'warn',
        msg: 'eager variants are not computed on this node: IMGAPI_CONCURRENCY=1 keeps its only transform slot for misses (raise IMGAPI_CONCURRENCY, or let another node compute them)',
      }),
    );
  }
  const stopHearingEnqueues = core.onEagerEnqueued(eager.wake);
  eager.start();
  return {
    delivery,
    variants: storage.variants,
    eager,
    async stop(): Promise<void> {
      stopHearingEnqueues();
      await eager.stop();
    },
  };
}

export type DeliveryRuntime = Awaited<ReturnType<typeof createDeliveryRuntime>>;
