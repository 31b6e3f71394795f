/** A purge target as stored: the provider and what its API needs (tokens kept retrievable to call it). */
export type PurgeTargetConfig =
  | { kind: 'cloudflare'; zoneId: string; apiToken: string; apiBase?: string }
  | { kind: 'fastly'; serviceId: string; apiToken: string; apiBase?: string }
  | { kind: 'bunny'; accessKey: string; apiBase?: string }
  | { kind: 'http'; url: string; secret?: string };

export type PurgeKind = PurgeTargetConfig['kind'];
export const PURGE_KINDS: readonly PurgeKind[] = ['cloudflare', 'fastly', 'bunny', 'http'];

/** A preset's purge events: an edit that changes what its URLs deliver (or renames it), and its deletion. */
export type PurgeEvent = 'image.replaced' | 'image.deleted' | 'image.updated' | 'preset.updated' | 'preset.deleted';

/** What one change makes stale: tags for tag-based CDNs, absolute URLs for URL-based ones. */
export interface PurgeScope {
  event: PurgeEvent;
  clientId: string;
  /** The image an image event is about; null for a preset event. */
  imageId: string | null;
  tags: string[];
  /** Absolute delivery URLs; a URL ending in `*` is a prefix (BunnyCDN's wildcard). */
  urls: string[];
}

/** One HTTP request exactly as the provider documents it. */
export interface PurgeRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** What identifies one delivery attempt (the outbox row), for signed hooks. */
export interface PurgeMessage {
  id: string;
  /** Unix seconds. */
  timestamp: number;
}

export const trimBase = (base: string) => base.replace(/\/+$/, '');

/** Splits a list into runs of at most `size` (a provider's per-call limit). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
