/**
 * Where a request points. Bun gives `request.url` as an absolute URL, except when the request
 * has no usable Host (HTTP/1.0 without one, an empty or malformed one): then it is the bare
 * path. Nothing here throws on either form.
 */
const pathStart = (url: string) => (url.startsWith('/') ? 0 : url.indexOf('/', url.indexOf('://') + 3));

/** The path and query, as sent. */
export function targetOf(url: string): string {
  const start = pathStart(url);
  return start < 0 ? '/' : url.slice(start);
}

/** The path, as sent (percent-encoding intact). */
export function pathOf(url: string): string {
  const target = targetOf(url);
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}

/** The origin the request came to, or null when it named no usable host. */
export function originOf(request: Request): string | null {
  if (request.url.startsWith('/')) return null;
  try {
    return new URL(request.url).origin;
  } catch {
    return null;
  }
}
