import { Elysia } from 'elysia';
import type { DeliveredVariant } from '../../core/delivery';
import type { AppContext } from '../../context';

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

function respond(variant: DeliveredVariant, request: Request): Response {
  const headers: Record<string, string> = {
    'content-type': variant.contentType,
    'cache-control': IMMUTABLE,
    etag: variant.etag,
    'last-modified': variant.lastModified.toUTCString(),
    'x-content-type-options': 'nosniff',
    'access-control-allow-origin': '*',
  };
  if (variant.varyAccept) headers.vary = 'Accept';
  if (matchesEtag(request.headers.get('if-none-match'), variant.etag)) return new Response(null, { status: 304, headers });
  // Bun omits the body of a HEAD response itself and keeps the real Content-Length.
  return new Response(variant.body as Uint8Array<ArrayBuffer>, { headers });
}

/** Public delivery (SPEC §5): signed and preset URLs, no API key. */
export const deliveryRoutes = (ctx: AppContext) => {
  const handle = async ({ request }: { request: Request }) =>
    respond(await ctx.delivery.deliver(deliveryPath(request.url), request.headers.get('accept')), request);
  return new Elysia().get('/t/*', handle).head('/t/*', handle);
};
