import { AppError } from '../core/errors';
import { LIMITS } from '../core/limits';
import { errorResponse } from './errors';

const UPLOAD_ROUTE = /^\/api\/v1\/images(\/[^/?]+)?$/;

/** Where the path starts in `request.url` (Bun gives an absolute URL). */
const pathStart = (url: string) => url.indexOf('/', url.indexOf('://') + 3);

/** Multipart uploads and replaces may be large; every other body is JSON-sized. */
function isUpload(method: string, url: string): boolean {
  const start = pathStart(url);
  const query = url.indexOf('?', start);
  const match = UPLOAD_ROUTE.exec(query < 0 ? url.slice(start) : url.slice(start, query));
  return match !== null && ((method === 'POST' && !match[1]) || (method === 'PUT' && match[1] !== undefined));
}

/** Requests refused from their first line and headers alone, before routing or reading a body. */
export function refuseEarly(request: Request, maxUploadBytes: number, multipartOverhead: number): Response | undefined {
  const url = request.url;
  if (url.length - pathStart(url) > LIMITS.urlPathBytes) {
    return errorResponse(414, 'uri_too_long', `The URL path and query are longer than ${LIMITS.urlPathBytes} bytes`);
  }
  const declared = request.headers.get('content-length');
  if (declared === null) return undefined;
  const upload = isUpload(request.method, url);
  const limit = upload ? maxUploadBytes : LIMITS.jsonBodyBytes;
  if (Number(declared) > limit + (upload ? multipartOverhead : 0)) return errorResponse(413, 'too_large', `Request body is larger than the limit of ${limit} bytes`);
  return undefined;
}

async function readBounded(request: Request, limit: number): Promise<string> {
  const reader = request.body!.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new AppError('too_large', `Request body is larger than the limit of ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The body of a JSON route sent without Content-Length (chunked) cannot be refused from its
 * header: it is read only up to the route's limit, then parsed. Undefined: the body has a
 * declared (already checked) length or belongs to an upload, so the usual parsers take it.
 */
export async function parseUndeclaredBody(request: Request, contentType: string): Promise<unknown> {
  if (!request.body || request.headers.has('content-length') || isUpload(request.method, request.url)) return undefined;
  const text = await readBounded(request, LIMITS.jsonBodyBytes);
  if (contentType.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (!contentType.startsWith('application/json')) throw new AppError('unsupported_media_type', 'Send the request body as application/json');
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_input', 'Malformed request body');
  }
}
