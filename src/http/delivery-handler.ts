import type { DeliveredVariant, VariantMeta } from '../core/delivery';
import type { AppContext } from '../context';
import { methodNotAllowed } from './allowed-methods';
import { errorToResponse } from './errors';
import { refuseLongUrl } from './request-guards';
import { pathOf } from './request-target';
import type { Observability } from './observability';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** An expiring URL may be kept only for the seconds it has left, counted now, for this response. */
function cacheControl(expiresAt: number | null): string {
  if (expiresAt === null) return IMMUTABLE;
  return `public, max-age=${Math.max(0, expiresAt - Math.floor(Date.now() / 1000))}`;
}

/** The raw path after `/t/`, percent-encoding intact: the signature covers it exactly as sent. */
const deliveryPath = (url: string) => pathOf(url).slice('/t/'.length);

function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}

function headersOf(meta: VariantMeta, cache: string): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': meta.contentType,
    'cache-control': IMMUTABLE,
    etag: meta.etag,
    'last-modified': meta.lastModified,
    'x-content-type-options': 'nosniff',
    'access-control-allow-origin': '*',
    'x-cache': cache === 'miss' ? 'MISS' : 'HIT',
  };
  if (meta.varyAccept) headers.vary = 'Accept';
  if (meta.quality !== undefined) headers['x-quality'] = String(meta.quality);
  if (meta.tags) {
    headers['cache-tag'] = meta.tags.cacheTag;
    headers['surrogate-key'] = meta.tags.surrogateKey;
  }
  return headers;
}

/**
 * Responses to hits are cloned from one template per variant: a clone shares the template's
 * immutable body, where `new Response(bytes)` copies every byte on every request.
 */
const templates = new WeakMap<Uint8Array, { meta: VariantMeta; response: Response }>();

function respond(variant: DeliveredVariant, request: Request): Response {
  const response = respondImmutable(variant, request);
  if (variant.expiresAt !== null) response.headers.set('cache-control', cacheControl(variant.expiresAt));
  return response;
}

function respondImmutable(variant: DeliveredVariant, request: Request): Response {
  if (matchesEtag(request.headers.get('if-none-match'), variant.meta.etag)) {
    return new Response(null, { status: 304, headers: headersOf(variant.meta, variant.cache) });
  }
  if (variant.cache === 'miss') return new Response(variant.body as Uint8Array<ArrayBuffer>, { headers: headersOf(variant.meta, 'miss') });
  let template = templates.get(variant.body);
  if (!template || template.meta !== variant.meta) {
    const body = new Blob([variant.body as Uint8Array<ArrayBuffer>]);
    template = { meta: variant.meta, response: new Response(body, { headers: headersOf(variant.meta, variant.cache) }) };
    templates.set(variant.body, template);
  }
  // Bun omits the body of a HEAD response itself and keeps the real Content-Length.
  return template.response.clone();
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Delivery is read-only (a body is never read), and its URLs are bounded like every other. */
function refuseRequest(request: Request): Response | undefined {
  if (!READ_METHODS.has(request.method)) return methodNotAllowed(request.method, ['GET', 'HEAD']);
  return refuseLongUrl(request);
}

/**
 * Public delivery (SPEC §5), served as a native Bun route: the hot path of the service, so it
 * runs no framework hooks — authorize, look up, serve from the tiered cache or transform.
 */
export function createDeliveryHandler(
  ctx: { delivery: Pick<AppContext['delivery'], 'deliver' | 'deliverFromMemory'>; usageCounters: Pick<AppContext['usageCounters'], 'delivered'> },
  observability: Observability,
) {
  const usage = ctx.usageCounters;
  return (request: Request): Response | Promise<Response> => {
    const started = performance.now();
    const method = request.method;
    const path = deliveryPath(request.url);
    const accept = request.headers.get('accept');
    const hot = method === 'GET' || method === 'HEAD' ? ctx.delivery.deliverFromMemory(path, accept) : null;
    if (!hot) return slowPath(request, path, accept, started);
    const response = respond(hot, request);
    usage.delivered(hot.clientId, false, hot.body.byteLength, method, response.status);
    observability.record({
      id: observability.logging ? observability.requestId(request) : '',
      method,
      route: '/t/*',
      status: response.status,
      durationMs: performance.now() - started,
      kind: 'delivery_hit',
      cache: 'memory',
    });
    return response;
  };

  async function slowPath(request: Request, path: string, accept: string | null, started: number): Promise<Response> {
    const id = observability.requestId(request);
    let response: Response;
    let cache: string | undefined;
    try {
      const refused = refuseRequest(request);
      if (refused) response = refused;
      else {
        const variant = await ctx.delivery.deliver(path, accept);
        cache = variant.cache;
        response = respond(variant, request);
        usage.delivered(variant.clientId, variant.cache === 'miss', variant.body.byteLength, request.method, response.status);
      }
    } catch (error) {
      response = errorToResponse(error);
    }
    response.headers.set('x-request-id', id);
    observability.record({
      id,
      method: request.method,
      route: '/t/*',
      status: response.status,
      durationMs: performance.now() - started,
      kind: cache === 'miss' ? 'delivery_miss' : cache ? 'delivery_hit' : 'other',
      cache,
    });
    return response;
  }
}
