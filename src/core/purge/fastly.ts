import { chunks, trimBase, type PurgeRequest, type PurgeScope } from './types';

export const FASTLY_API = 'https://api.fastly.com';
/** Fastly purges at most 256 surrogate keys in one batch request. */
const PER_CALL = 256;

/**
 * Fastly "Purge multiple surrogate key tags": `POST /service/{service_id}/purge` with the
 * token in `Fastly-Key` and the keys, space-separated, in a `Surrogate-Key` request header.
 * Delivery responses carry the same keys in their `Surrogate-Key`, so URLs are not needed.
 */
export function fastlyPurge(target: { serviceId: string; apiToken: string; apiBase?: string }, scope: PurgeScope): PurgeRequest[] {
  const url = `${trimBase(target.apiBase ?? FASTLY_API)}/service/${encodeURIComponent(target.serviceId)}/purge`;
  return chunks(scope.tags, PER_CALL).map((keys) => ({
    method: 'POST' as const,
    url,
    headers: { 'fastly-key': target.apiToken, 'surrogate-key': keys.join(' '), accept: 'application/json' },
    body: null,
  }));
}
