import { chunks, type PurgeKind, type PurgeScope } from './types';

/**
 * What one outbox row may carry. A row's calls are made one after another within its outbox
 * lease, so a large change (a folder delete) becomes several rows instead of one row that
 * outlives its lease or a list cut short: at most 30 URLs (30 Bunny calls, one Cloudflare
 * `files` call) and 30 tags (one Cloudflare `tags` call, one Fastly call) a row. Such a row
 * usually takes well under a second; one whose calls each take most of their 10 s could
 * outlast the lease (IMGAPI_OUTBOX_LEASE_MS, 65 s by default) and be sent again by another
 * node, which a purge (idempotent) tolerates.
 */
export const URLS_PER_ROW = 30;
export const TAGS_PER_ROW = 30;

/** What each kind purges by: a row for a kind carries only that, so none is sent with nothing to do. */
const PURGED_BY: Record<PurgeKind, { tags: boolean; urls: boolean }> = {
  cloudflare: { tags: true, urls: true },
  fastly: { tags: true, urls: false },
  bunny: { tags: false, urls: true },
  http: { tags: true, urls: true },
};

/** The scope one target is sent, as bounded parts (at least one: a scope with nothing still logs its attempt). */
export function splitScope(kind: PurgeKind, scope: PurgeScope): PurgeScope[] {
  const uses = PURGED_BY[kind];
  const tags = uses.tags ? chunks(scope.tags, TAGS_PER_ROW) : [];
  const urls = uses.urls ? chunks(scope.urls, URLS_PER_ROW) : [];
  const parts = Math.max(tags.length, urls.length, 1);
  return Array.from({ length: parts }, (_, i) => ({ ...scope, tags: tags[i] ?? [], urls: urls[i] ?? [] }));
}
