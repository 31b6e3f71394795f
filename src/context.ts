import type { Config } from './config';
import { createCore } from './core-services';
import { createOutboxDispatcher } from './core/outbox/dispatcher';
import { createRateLimiter } from './core/rate-limiter';
import { createTrashSweeper } from './core/trash-sweeper';
import { createAuditPruner } from './core/audit/audit-pruner';
import { createSessionService } from './core/sessions';
import { createDeliveryRuntime } from './delivery-runtime';
import { openTieredStorage } from './storage/open-storage';

/**
 * The composition root of a server: the core opened on the cache tiers, the delivery runtime
 * over them, and what only HTTP uses (dashboard sessions, the API rate limit). Nothing here
 * listens or prints. A CLI command opens `createCore` alone.
 */
export async function createContext(config: Config) {
  const storage = openTieredStorage(config);
  const core = await createCore(config, storage);
  let runtime;
  try {
    runtime = await createDeliveryRuntime(core, storage, config);
  } catch (error) {
    await core.close();
    throw error;
  }
  const { accounts, folders, images, archive, presets, purgeTargets, urls, doctor, webhooks } = core;
  // Every node works off the outbox (webhooks, purges); a row is claimed by one node at a time.
  const outbox = createOutboxDispatcher({ repo: core.repos.outbox, retryBaseMs: config.outboxRetryBaseMs, leaseMs: config.outboxLeaseMs, maxAgeMs: config.webhookDisableAfterMs + 3_600_000 });
  for (const [kind, send] of Object.entries(core.outboxSenders)) outbox.register(kind, send);
  outbox.start();
  const trashSweeper = createTrashSweeper({ trash: core.trash, intervalMs: config.trashSweepMs });
  if (core.trash.enabled) trashSweeper.start();
  const auditPruner = createAuditPruner({ audit: core.audit, intervalMs: config.auditPruneMs });
  auditPruner.start();

  return {
    config,
    backends: core.backends,
    accounts,
    quotas: core.quotas,
    users: core.users,
    /** The audit log: what the API's use cases record, what `GET /api/v1/audit` reads. */
    audit: core.audit,
    sessions: createSessionService({ repos: core.repos, verifyPassword: accounts.verifyUser, now: () => new Date().toISOString() }),
    folders,
    images,
    archive,
    trash: core.trash,
    downloads: core.downloads,
    presets,
    purgeTargets,
    webhooks,
    outbox,
    /** The outbox rows themselves (what /metrics counts as pending). */
    outboxRows: core.repos.outbox,
    urls,
    usage: core.usage,
    /** Counted on every delivery, a map increment (`delivery-handler.ts`). */
    usageCounters: core.usageCounters,
    delivery: runtime.delivery,
    variants: runtime.variants,
    storageRetries: storage.retries,
    doctor,
    rateLimits: config.rateLimitPerMinute > 0 ? createRateLimiter({ perMinute: config.rateLimitPerMinute }) : { take: () => {} },
    healthy: core.healthy,
    /** The eager queue: what the image object and `preset warm` report, what the worker of this node did. */
    eager: core.eager,
    eagerJobs: core.repos.eagerJobs,
    eagerWorker: runtime.eager,
    async close(): Promise<void> {
      await trashSweeper.stop();
      await auditPruner.stop();
      await outbox.stop();
      await runtime.stop();
      await core.close();
    },
  };
}

export type AppContext = Awaited<ReturnType<typeof createContext>>;
