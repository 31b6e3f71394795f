import { Elysia } from 'elysia';
import type { AppContext } from '../../context';
import type { Observability } from '../observability';

function metric(name: string, type: 'counter' | 'gauge', help: string, value: number, labels = ''): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}${labels ? `{${labels}}` : ''} ${value}`];
}

/** Prometheus text exposition: requests, latencies, transforms, cache tiers, the process. */
/** What /metrics reads: counters of delivery, of the variant tiers and of storage retries. */
export interface MetricSources {
  delivery: Pick<AppContext['delivery'], 'stats' | 'load'>;
  variants: Pick<AppContext['variants'], 'stats' | 'tiers'>;
  storageRetries: AppContext['storageRetries'];
  /** Eager variants: the queue (all nodes) and what this node's worker did. */
  eagerJobs?: Pick<AppContext['eagerJobs'], 'totals'>;
  eagerWorker?: Pick<AppContext['eagerWorker'], 'stats'>;
  /** The outbox (webhook deliveries, CDN purges) every node shares. */
  outboxRows?: Pick<AppContext['outboxRows'], 'pending'>;
}

export const metricsRoutes = (ctx: MetricSources, observability: Observability) =>
  new Elysia().get('/metrics', async () => {
    const queue = ctx.eagerJobs ? await ctx.eagerJobs.totals() : null;
    const outboxPending = ctx.outboxRows ? await ctx.outboxRows.pending() : null;
    const worked = ctx.eagerWorker?.stats;
    const { transforms, coalesced, originalsMissing } = ctx.delivery.stats;
    const load = ctx.delivery.load();
    const cache = ctx.variants.stats;
    const tiers = ctx.variants.tiers();
    const retries = Object.entries(ctx.storageRetries.counts());
    const hits = cache.memoryHits + cache.diskHits + cache.sharedHits;
    const lookups = hits + cache.misses;
    const body = [
      ...observability.render(),
      ...metric('imgapi_variant_transforms_total', 'counter', 'Variants computed (cache misses that ran a transform).', transforms),
      ...metric('imgapi_variant_coalesced_total', 'counter', 'Requests that joined a transform already in flight.', coalesced),
      ...metric(
        'imgapi_signature_previous_secret_total',
        'counter',
        'Signed deliveries whose signature verified only with the previous secret (during a rotation grace period).',
        ctx.delivery.stats.previousSecret,
      ),
      ...metric('imgapi_originals_missing_total', 'counter', 'Deliveries whose original file was gone from the store (see imgapi doctor).', originalsMissing),
      ...metric('imgapi_transforms_active', 'gauge', 'Transforms running now.', load.active),
      ...metric('imgapi_transforms_queued', 'gauge', 'Transforms waiting for a slot.', load.queued),
      '# HELP imgapi_variant_cache_hits_total Variant lookups answered by a cache tier.',
      '# TYPE imgapi_variant_cache_hits_total counter',
      `imgapi_variant_cache_hits_total{tier="memory"} ${cache.memoryHits}`,
      `imgapi_variant_cache_hits_total{tier="disk"} ${cache.diskHits}`,
      `imgapi_variant_cache_hits_total{tier="shared"} ${cache.sharedHits}`,
      ...metric('imgapi_variant_cache_misses_total', 'counter', 'Variant lookups found in no tier.', cache.misses),
      ...metric('imgapi_variant_cache_hit_ratio', 'gauge', 'Hits over lookups since start.', lookups ? hits / lookups : 0),
      '# HELP imgapi_variant_cache_bytes Bytes held in each cache tier.',
      '# TYPE imgapi_variant_cache_bytes gauge',
      `imgapi_variant_cache_bytes{tier="memory"} ${tiers.memoryBytes}`,
      `imgapi_variant_cache_bytes{tier="disk"} ${tiers.diskBytes}`,
      '# HELP imgapi_variant_cache_entries Variants held in each cache tier.',
      '# TYPE imgapi_variant_cache_entries gauge',
      `imgapi_variant_cache_entries{tier="memory"} ${tiers.memoryEntries}`,
      `imgapi_variant_cache_entries{tier="disk"} ${tiers.diskEntries}`,
      '# HELP imgapi_variant_cache_evictions_total Variants evicted from each tier (least recently used).',
      '# TYPE imgapi_variant_cache_evictions_total counter',
      `imgapi_variant_cache_evictions_total{tier="memory"} ${cache.memoryEvictions}`,
      `imgapi_variant_cache_evictions_total{tier="disk"} ${cache.diskEvictions}`,
      '# HELP imgapi_storage_retries_total Object store requests retried after a passing failure (5xx, 429, timeout, dropped connection).',
      '# TYPE imgapi_storage_retries_total counter',
      ...retries.map(([op, count]) => `imgapi_storage_retries_total{op="${op}"} ${count}`),
      ...(queue
        ? [
            '# HELP imgapi_eager_jobs Eager variants in the persisted queue (every node), by state.',
            '# TYPE imgapi_eager_jobs gauge',
            ...(['pending', 'running', 'done', 'failed'] as const).map((state) => `imgapi_eager_jobs{state="${state}"} ${queue[state]}`),
          ]
        : []),
      ...(worked
        ? [
            '# HELP imgapi_eager_variants_total Eager variants this node worked off, by outcome (retried: back in the queue after a passing failure).',
            '# TYPE imgapi_eager_variants_total counter',
            ...(['done', 'failed', 'retried'] as const).map((outcome) => `imgapi_eager_variants_total{outcome="${outcome}"} ${worked[outcome]}`),
          ]
        : []),
      ...(outboxPending === null
        ? []
        : metric('imgapi_outbox_pending', 'gauge', 'Outbox rows (webhook deliveries, CDN purges) not yet sent, on every node, retries waiting included.', outboxPending)),
      ...metric('process_resident_memory_bytes', 'gauge', 'Resident set size.', process.memoryUsage.rss()),
    ].join('\n');
    return new Response(`${body}\n`, { headers: { 'content-type': 'text/plain; version=0.0.4', 'cache-control': 'no-store' } });
  });
