import type { DeliveredVariant } from '../core/delivery';
import type { AppContext } from '../context';
import { errorToResponse } from './errors';
import type { Observability } from './observability';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The raw path after `/t/`, percent-encoding intact: the signature covers it exactly as sent. */
function deliveryPath(url: string): string {
  const start = url.indexOf('/t/', url.indexOf('://') + 3) + 3;
  const query = url.indexOf('?', start);
  return query < 0 ? url.slice(start) : url.slice(start, query);
}

function matchesEtag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const value = tag.trim();
    return value === '*' || value === etag || value === `W/${etag}`;
  });
}

function respond(variant: DeliveredVariant, request: Request, requestId: string): Response {
  const headers: Record<string, string> = {
    'content-type': variant.contentType,
    'cache-control': IMMUTABLE,
    etag: variant.etag,
    'last-modified': variant.lastModified,
    'x-content-type-options': 'nosniff',
    'access-control-allow-origin': '*',
    'x-cache': variant.cache === 'miss' ? 'MISS' : 'HIT',
    'x-request-id': requestId,
  };
  if (variant.varyAccept) headers.vary = 'Accept';
  if (matchesEtag(request.headers.get('if-none-match'), variant.etag)) return new Response(null, { status: 304, headers });
  // Bun omits the body of a HEAD response itself and keeps the real Content-Length.
  return new Response(variant.body as Uint8Array<ArrayBuffer>, { headers });
}

/**
 * Public delivery (SPEC §5), served as a native Bun route: the hot path of the service, so it
 * runs no framework hooks — authorize, look up, serve from the tiered cache or transform.
 */
export function createDeliveryHandler(ctx: AppContext, observability: Observability) {
  return async (request: Request): Promise<Response> => {
    const started = performance.now();
    const id = observability.requestId(request);
    let response: Response;
    let cache: string | undefined;
    try {
      const variant = await ctx.delivery.deliver(deliveryPath(request.url), request.headers.get('accept'));
      cache = variant.cache;
      response = respond(variant, request, id);
    } catch (error) {
      response = errorToResponse(error);
      response.headers.set('x-request-id', id);
    }
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
  };
}
