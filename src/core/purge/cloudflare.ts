import { chunks, trimBase, type PurgeRequest, type PurgeScope } from './types';

export const CLOUDFLARE_API = 'https://api.cloudflare.com/client/v4';
/** Cloudflare takes at most 30 URLs (and 30 tags) per call on every plan. */
const PER_CALL = 30;

/**
 * Cloudflare "Purge Cached Content": `POST /zones/{zone_id}/purge_cache` with an API token as
 * a Bearer and a JSON body of either `{ "tags": [...] }` or `{ "files": [...] }` (one kind per
 * call, so tags and URLs go in separate calls).
 */
export function cloudflarePurge(target: { zoneId: string; apiToken: string; apiBase?: string }, scope: PurgeScope): PurgeRequest[] {
  const url = `${trimBase(target.apiBase ?? CLOUDFLARE_API)}/zones/${encodeURIComponent(target.zoneId)}/purge_cache`;
  const headers = { authorization: `Bearer ${target.apiToken}`, 'content-type': 'application/json' };
  const files = scope.urls.filter((u) => !u.endsWith('*'));
  return [
    ...chunks(scope.tags, PER_CALL).map((tags) => ({ method: 'POST' as const, url, headers, body: JSON.stringify({ tags }) })),
    ...chunks(files, PER_CALL).map((files) => ({ method: 'POST' as const, url, headers, body: JSON.stringify({ files }) })),
  ];
}
