import { t } from 'elysia';

/** SPEC §6: every error, from every route, has this one shape. */
export const ErrorBody = t.Object(
  { error: t.Object({ code: t.String({ description: 'Stable machine-readable code, e.g. not_found' }), message: t.String() }) },
  { title: 'Error' },
);

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: the message names the bad field or segment',
  401: 'Missing, unknown or revoked API key (or no session)',
  403: 'Forbidden; or `quota_exceeded`: over one of the client’s quotas (the message names it), nothing stored',
  404: 'Not found (another client’s ids too)',
  410: 'A signed URL past its exp_ (expired)',
  405: 'The path does not answer this method (see Allow)',
  409: 'Conflict: a name that exists, a limit reached, a concurrent change',
  413: 'The body is larger than its limit',
  414: 'The URL is longer than 8 KB',
  415: 'Not a supported image',
  416: 'The Range header starts past the end of the file',
  422: 'The image is refused by a limit (pixels, sides, frames)',
  429: 'Rate limited (see Retry-After)',
  503: 'Overloaded, or the database or bucket unreachable (see Retry-After)',
  507: 'The server is out of disk space; nothing was stored',
};

// The same schema with a description of when each status happens (TypeBox schemas are plain objects).
const errorResponse = (status: number): typeof ErrorBody => ({ ...ErrorBody, description: DESCRIPTIONS[status] });

/** Error responses of a route, documented with the error schema: exactly the statuses given. */
export function errors<const S extends number>(...statuses: S[]) {
  return Object.fromEntries([...new Set(statuses)].sort().map((status) => [status, errorResponse(status)])) as Record<S, typeof ErrorBody>;
}

/** What any `/api/v1` route can answer (input, key, method, sizes, rate limit, unavailable), plus its own. */
export const apiErrors = <const S extends number>(...statuses: S[]) =>
  errors<400 | 401 | 405 | 413 | 414 | 429 | 503 | S>(400, 401, 405, 413, 414, 429, 503, ...statuses);
