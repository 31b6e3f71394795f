import { trimBase, type PurgeRequest, type PurgeScope } from './types';

export const BUNNY_API = 'https://api.bunny.net';

/**
 * BunnyCDN "Purge URL": `POST /purge?url=<the URL, encoded>` with the account API key in
 * `AccessKey`, one URL per call and no body. Bunny purges by URL only; a URL ending in `*`
 * purges everything under it (how a preset's URLs go at once).
 */
export function bunnyPurge(target: { accessKey: string; apiBase?: string }, scope: PurgeScope): PurgeRequest[] {
  const base = trimBase(target.apiBase ?? BUNNY_API);
  return scope.urls.map((url) => ({
    method: 'POST' as const,
    url: `${base}/purge?url=${encodeURIComponent(url)}`,
    headers: { accesskey: target.accessKey },
    body: null,
  }));
}
