import { byteSize } from '../core/byte-size';
import { LIMITS } from '../core/limits';
import { readCookie, SESSION_COOKIE } from './auth';
import { errorResponse } from './errors';
import { pathOf, targetOf } from './request-target';

// Elysia routes `/api/v1/images/` like `/api/v1/images`: the trailing slash is allowed here too.
const UPLOAD_ROUTE = /^\/api\/v1\/images(\/[^/]+)?\/?$/;

/** Multipart uploads and replaces may be large; every other body is JSON-sized. */
export function isUpload(method: string, url: string): boolean {
  const match = UPLOAD_ROUTE.exec(pathOf(url));
  return match !== null && ((method === 'POST' && !match[1]) || (method === 'PUT' && match[1] !== undefined));
}

export function refuseLongUrl(request: Request): Response | undefined {
  if (targetOf(request.url).length <= LIMITS.urlPathBytes) return undefined;
  return errorResponse(414, 'uri_too_long', `The URL path and query are longer than ${LIMITS.urlPathBytes} bytes`);
}

/**
 * Requests refused from their first line and headers alone, before routing or reading a body:
 * an over-long URL, a multipart body sent to a route that takes JSON, a body declared larger
 * than its route allows, or a body of a JSON route whose size is not declared (chunked),
 * which could only be refused after reading it.
 */
export function refuseEarly(request: Request, maxUploadBytes: number, multipartOverhead: number): Response | undefined {
  const longUrl = refuseLongUrl(request);
  if (longUrl) return longUrl;
  const upload = isUpload(request.method, request.url);
  // Multipart is for files: on any other route Elysia would turn its fields into the JSON
  // body's (a `quotas` field's text parsed as an object), a second way in no client needs.
  if (!upload && /^multipart\//i.test(request.headers.get('content-type') ?? '')) {
    return errorResponse(415, 'unsupported_media_type', 'This route takes a JSON body (Content-Type: application/json); multipart/form-data is for uploads and replaces only');
  }
  // Elysia reads a body before the route's authentication runs: an anonymous 50 MB upload
  // is refused from its headers instead (the credentials themselves are checked as usual).
  if (upload && !request.headers.has('x-api-key') && !readCookie(request.headers.get('cookie'), SESSION_COOKIE)) {
    return errorResponse(401, 'unauthorized', 'Missing X-Api-Key header');
  }
  const limit = upload ? maxUploadBytes : LIMITS.jsonBodyBytes;
  const declared = request.headers.get('content-length');
  if (declared === null) {
    if (request.body && !upload) return errorResponse(411, 'length_required', 'Send the request body with a Content-Length (at most 1 MB)');
    return undefined;
  }
  if (Number(declared) > limit + (upload ? multipartOverhead : 0)) return errorResponse(413, 'too_large', `Request body is larger than the limit of ${byteSize(limit)}`);
  return undefined;
}
