import { mkdirSync } from 'node:fs';
import type { Config } from './config';
import { createAccountService } from './core/accounts';
import { createUserService } from './core/users';
import { createChangeFeed } from './core/change-feed';
import { createDoctor } from './core/doctor';
import { createDownloads } from './core/download';
import { createEagerVariants } from './core/eager-variants';
import { createFolderService } from './core/folders';
import { createImageService } from './core/images';
import { createImageArchive } from './core/image-archive';
import { createLimiter } from './core/limiter';
import { createQuotaService } from './core/quotas';
import { createPlaceholderBackfill } from './core/placeholder-backfill';
import { createPresetService } from './core/presets';
import { createTrash, trashRetentionMs } from './core/trash';
import { changeOutbox } from './core/outbox/change-events';
import type { OutboxSender } from './core/outbox/dispatcher';
import { createPurgeTargetService } from './core/purge/purge-targets';
import { guardedSender } from './core/purge/requests';
import { checkTargetForRegistration } from './core/outbound/ssrf-guard';
import { restrictSharpLoaders } from './core/transform/execute';
import { createUrlSigner } from './core/url-signer';
import { auditRetentionMs, createAuditLog } from './core/audit/audit-log';
import { createUsageCounters } from './core/usage-counters';
import { createUsageFlusher } from './core/usage-flusher';
import { createUsageReports } from './core/usage-report';
import { createVariantBytes } from './core/variant-bytes';
import { createWebhookService, webhookSubscriber } from './core/webhooks/webhooks';
import { presentEventData } from './api/webhook-events';
import { openMetadata } from './db/open-metadata';
import { openStorage, type Storage } from './storage/open-storage';

/**
 * The core services on the metadata database and the blob stores: what every command needs,
 * and nothing that runs by itself. No timer, poller or LISTEN connection is started and no
 * store is listed; changes made here are still published, so running servers forget them.
 * `storage` is where writes and purges go: the plain stores by default, the delivery
 * runtime's tiers when a server opens the core (so purges reach its memory and disk index).
 */
export async function createCore(config: Config, storage: Storage = openStorage(config)) {
  restrictSharpLoaders();
  mkdirSync(config.dataDir, { recursive: true });
  const metadata = await openMetadata(config);
  const { repos } = metadata;
  const stores = { originals: storage.originals, variants: storage.variants };
  const feed = createChangeFeed();
  feed.publishTo(metadata.bus);
  // Listing totals are remembered per client; what other nodes change must reset them too.
  feed.subscribe((change) => {
    if (change.kind === 'image') metadata.counts.changed(change.clientId);
    else if (change.kind === 'external') metadata.counts.changedAll();
  });
  const now = () => new Date().toISOString();
  const limits = {
    maxUploadBytes: config.maxUploadBytes,
    maxPixels: config.maxPixels,
    maxFrames: config.maxFrames,
    transformTimeoutSeconds: config.transformTimeoutSeconds,
  };
  // One set of transform slots for the process: uploads that decode (HEIC) and delivery misses share it.
  // Eager work takes at most IMGAPI_EAGER_CONCURRENCY of them and never the last free one.
  const transforms = createLimiter(config.concurrency, config.queueMax, { backgroundSlots: config.eagerConcurrency, order: config.transformQueue });

  const accounts = createAccountService({ repos, feed, now });
  /** Each client's limits (owners and admins set them); uploads and misses over one are refused. */
  const quotas = createQuotaService({ repo: repos.quotas, feed, now, budget: repos.transformBudget });
  /** Every management change, recorded by the API's use cases and the trash's expiry job. */
  const audit = createAuditLog({ repo: repos.audit, now, retentionMs: auditRetentionMs(config.auditDays) });
  /** Webhooks and purge targets: private addresses refused unless IMGAPI_WEBHOOK_ALLOW_PRIVATE=1. */
  const outboundPolicy = { allowPrivate: config.webhookAllowPrivate };
  const purgeTargets = createPurgeTargetService({
    repo: repos.purgeTargets,
    presets: repos.presets,
    outbox: repos.outbox,
    checkTarget: async (url) => void (await checkTargetForRegistration(url, outboundPolicy)),
    send: guardedSender(outboundPolicy),
    publicBase: config.publicUrl,
    now: () => new Date(),
  });
  /** What each change writes to the outbox in its own transaction. */
  const outbox = changeOutbox([purgeTargets.subscriber, webhookSubscriber]);
  const folders = createFolderService({ repos, stores, feed, now, maxFolders: config.maxFolders, outbox, trash: { stamp: () => trash.stamp() } });
  const trash = createTrash({ repos, feed, folders, stores, now, retentionMs: trashRetentionMs(config.trashDays), outbox, audit, quotas });
  const enqueued = new Set<() => void>();
  // Traffic counted in memory, written by the flusher: every few seconds on a server (started
  // by its context), once at close for a command.
  const usageCounters = createUsageCounters();
  const usageFlusher = createUsageFlusher({ counters: usageCounters, repo: repos.usage, intervalMs: config.usageFlushMs });
  const images = createImageService({ repos, folders, stores, feed, limits, transforms, now, eager: { jobsFor: (image) => eager.jobsFor(image), committed: (write) => eager.committed(write) }, outbox, trash, usage: usageCounters, quotas });
  const eager = createEagerVariants({ repos, images, now, onEnqueued: () => enqueued.forEach((listener) => listener()) });
  const presets = createPresetService({ repos, feed, now, outbox, warm: (clientId, preset) => eager.warm(clientId, preset) });
  const webhooks = createWebhookService({
    repos,
    policy: outboundPolicy,
    disableAfterMs: config.webhookDisableAfterMs,
    present: presentEventData({ accounts, eager, base: config.publicUrl ?? '' }),
  });
  let stopHearing: (() => Promise<void>) | null = null;

  return {
    config,
    /** Where metadata and blobs live, for the start-up line and `doctor`. */
    backends: { metadata: metadata.description, storage: storage.description },
    // The delivery runtime reads rows and hears changes through these; commands use the services.
    repos,
    feed,
    transforms,
    accounts,
    quotas,
    /** Dashboard users: roles, granted clients, invitations and password resets. */
    users: createUserService({ repos, now }),
    audit,
    folders,
    images,
    /** ZIPs of several images' originals, streamed. */
    archive: createImageArchive({ images, originals: stores.originals }),
    presets,
    purgeTargets,
    /** Deleted images kept IMGAPI_TRASH_DAYS; each server runs its expiry job (`trash-sweeper.ts`). */
    trash,
    /** Signed downloads of originals (the image object's downloadUrl). */
    downloads: createDownloads({ accounts, repos, originals: stores.originals }),
    /** Outbox senders by kind, registered on each server's dispatcher. */
    outboxSenders: { ...purgeTargets.senders, ...webhooks.senders } as Record<string, OutboxSender>,
    /** Per-client webhook endpoints (issue 16 §5), delivered through the outbox. */
    webhooks,
    /** Eager variants: the persisted queue uploads, replaces and `preset warm` add to. */
    eager,
    /** Calls `listener` when this process queued eager jobs (the worker wakes); returns a stop function. */
    onEagerEnqueued(listener: () => void): () => void {
      enqueued.add(listener);
      return () => enqueued.delete(listener);
    },
    urls: createUrlSigner({ accounts, images, presets }),
    /** Each client's usage: what it stores and its traffic per day (`GET /usage`, `imgapi usage`). */
    usage: createUsageReports({
      repo: repos.usage,
      flush: usageFlusher.flush,
      // Listing the variant store costs I/O: at most once a minute, only when asked.
      variantBytes: createVariantBytes({ variants: stores.variants, maxAgeMs: 60_000 }).ofClient,
    }),
    /** Deliveries, transforms and uploads counted in memory; `usageFlusher` writes them. */
    usageCounters,
    usageFlusher,
    doctor: createDoctor({ repos, stores }),
    backfill: createPlaceholderBackfill({ repos, originals: stores.originals, limits, concurrency: config.concurrency }),
    /**
     * Makes other processes' changes reach this one's caches (SQLite: a poller; PostgreSQL: a
     * LISTEN connection) until `close()`. For processes that live on: `serve`, `watch`; their
     * usage counts are written every IMGAPI_USAGE_FLUSH_MS too, not only at close.
     */
    async hearOthers(): Promise<void> {
      stopHearing ??= await feed.hear(metadata.bus);
      usageFlusher.start();
    },
    /** True when the database and the originals store answer. */
    async healthy(): Promise<boolean> {
      try {
        await metadata.ping();
        await storage.probe();
        return true;
      } catch {
        return false;
      }
    },
    async close(): Promise<void> {
      await stopHearing?.().catch(() => {});
      await usageFlusher.stop();
      await metadata.close();
    },
  };
}

export type Core = Awaited<ReturnType<typeof createCore>>;
