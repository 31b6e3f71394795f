import { Elysia } from 'elysia';
import type { AppContext } from '../../context';

function metric(name: string, type: 'counter' | 'gauge', help: string, value: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`;
}

/** Prometheus text exposition of the delivery path and the process. */
export const metricsRoutes = (ctx: AppContext) =>
  new Elysia().get('/metrics', () => {
    const { stats } = ctx.delivery;
    const load = ctx.delivery.load();
    const body = [
      metric('imgapi_variant_transforms_total', 'counter', 'Variants computed (cache misses).', stats.transforms),
      metric('imgapi_variant_cache_hits_total', 'counter', 'Variants served from the disk cache.', stats.hits),
      metric('imgapi_transforms_active', 'gauge', 'Transforms running now.', load.active),
      metric('imgapi_transforms_queued', 'gauge', 'Transforms waiting for a slot.', load.queued),
      metric('process_resident_memory_bytes', 'gauge', 'Resident set size.', process.memoryUsage.rss()),
    ].join('');
    return new Response(body, { headers: { 'content-type': 'text/plain; version=0.0.4', 'cache-control': 'no-store' } });
  });
