import { byteSize } from './byte-size';
import type { ChangeFeed } from './change-feed';
import { AppError, invalid } from './errors';
import { createMemoryTransformBudget, type TransformBudget } from './transform-budget';

/** A client's limits, set by owners and admins; null: no limit. */
export interface Quotas {
  /** Images in its library (the trash not counted). */
  maxImages: number | null;
  /** Bytes of their originals, as stored. */
  maxBytes: number | null;
  /** One upload's (or replace's) file size. */
  maxUploadBytes: number | null;
  /** New variants made a minute (every node together on PostgreSQL): delivery misses (refused past it) and eager work (held back past it). */
  maxTransformsPerMinute: number | null;
}

export type QuotaName = keyof Quotas;
export const QUOTA_NAMES: readonly QuotaName[] = ['maxImages', 'maxBytes', 'maxUploadBytes', 'maxTransformsPerMinute'];
export const NO_QUOTAS: Quotas = { maxImages: null, maxBytes: null, maxUploadBytes: null, maxTransformsPerMinute: null };

/** The largest value each limit takes: far above any real use, well inside exact integers. */
export const QUOTA_MAXIMUM: Record<QuotaName, number> = {
  maxImages: 1_000_000_000,
  maxBytes: 2 ** 50, // 1 PB
  maxUploadBytes: 2 ** 40, // 1 TB: the server's IMGAPI_MAX_UPLOAD_BYTES still applies
  maxTransformsPerMinute: 1_000_000,
};

/** What a client stores now: the numbers the image and byte limits are about. */
export interface StoredTotals {
  images: number;
  bytes: number;
}

/**
 * Checks the totals after an image write, inside its transaction (the repository computes
 * them there, serialized per client); throwing rolls the write back.
 */
export type StoredGuard = (after: StoredTotals) => void;

export interface QuotaRepository {
  /** The client's limits; all null when none were ever set. */
  get(clientId: string): Promise<Quotas>;
  set(clientId: string, quotas: Quotas, at: string): Promise<void>;
  /** Every client's limits that has any. */
  all(): Promise<Map<string, Quotas>>;
  /** Images and originals' bytes of the client (the trash not counted). */
  stored(clientId: string): Promise<StoredTotals>;
}

export const quotaExceeded = (message: string, retryAfterSeconds?: number) =>
  new AppError('quota_exceeded', message, retryAfterSeconds === undefined ? undefined : { details: { retryAfterSeconds } });

/** A patch of limits as the API and CLI take it: a key absent stays, null clears it. */
export type QuotaPatch = Partial<Record<QuotaName, number | null>>;

export function checkQuotaPatch(patch: QuotaPatch): QuotaPatch {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw invalid(`quotas must be an object of ${QUOTA_NAMES.join(', ')}`);
  // An empty change would answer 200 and be recorded as a change of limits that changed nothing.
  if (Object.keys(patch).length === 0) throw invalid(`quotas must name at least one limit: ${QUOTA_NAMES.join(', ')}`);
  for (const [key, value] of Object.entries(patch)) {
    if (!(QUOTA_NAMES as readonly string[]).includes(key)) throw invalid(`Unknown quota "${key.slice(0, 40)}": expected ${QUOTA_NAMES.join(', ')}`);
    if (value === null) continue;
    const max = QUOTA_MAXIMUM[key as QuotaName];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
      throw invalid(`quotas.${key} must be an integer from 1 to ${max}, or null for no limit`);
    }
  }
  return patch;
}

/** What writes the image: its refusal names it (a new file, a replacement, or an image back from the trash). */
export interface StoredChange {
  images: number;
  bytesBefore: number;
  bytesAfter: number;
  restoring?: boolean;
}

/** Why a write would pass the storage limit, in the terms of that write. */
function bytesMessage(maxBytes: number, stored: number, change: StoredChange): string {
  const limit = `This client's storage limit (${byteSize(maxBytes)} of originals) would be exceeded: ${byteSize(stored)} stored`;
  if (change.restoring) return `${limit}, restoring this image adds ${byteSize(change.bytesAfter)}`;
  if (change.bytesBefore > 0) return `${limit}, this file (${byteSize(change.bytesAfter)}) replaces ${byteSize(change.bytesBefore)}`;
  return `${limit}, this file adds ${byteSize(change.bytesAfter)}`;
}

/**
 * The image and byte limits of a write that adds `images` and changes the originals' bytes
 * from `bytesBefore` to `bytesAfter` (an upload: 1, 0 → size; a replace: 0, old → new size; a
 * restore: 1, 0 → its size, `restoring`), checked against the client's totals after it. A
 * replace that does not grow the bytes always passes, so a client over a lowered limit can
 * still swap files for smaller ones.
 */
export function storedGuard(quotas: Quotas, change: StoredChange): StoredGuard | undefined {
  const { maxImages, maxBytes } = quotas;
  const grows = change.bytesAfter > change.bytesBefore;
  if ((maxImages === null || change.images === 0) && (maxBytes === null || !grows)) return undefined;
  return (after) => {
    if (maxImages !== null && change.images > 0 && after.images > maxImages) {
      const what = change.restoring ? 'this image cannot be restored; delete images' : 'delete images';
      throw quotaExceeded(`This client's image limit (${maxImages.toLocaleString('en-US')}) is reached; ${what} or ask an owner or admin to raise it`);
    }
    if (maxBytes !== null && grows && after.bytes > maxBytes) {
      throw quotaExceeded(bytesMessage(maxBytes, after.bytes - (change.bytesAfter - change.bytesBefore), change));
    }
  };
}

/**
 * The per-client upload size limit, checked before the file is decoded (`what`: the file, or
 * the request body declared by its Content-Length, before it is read).
 */
export function checkUploadSize(quotas: Quotas, bytes: number, what = 'This file'): void {
  if (quotas.maxUploadBytes !== null && bytes > quotas.maxUploadBytes) {
    throw quotaExceeded(`${what} (${byteSize(bytes)}) is larger than this client's upload size limit (${byteSize(quotas.maxUploadBytes)})`);
  }
}

/**
 * Clients' limits, cached until changed here or on another node (the change feed's `client`
 * change says so), and each client's budget of transforms a minute (`budget`: shared by every
 * node on PostgreSQL, this process's own otherwise).
 */
export function createQuotaService(deps: {
  repo: QuotaRepository;
  feed: Pick<ChangeFeed, 'publish' | 'subscribe'>;
  now: () => string;
  clock?: () => number;
  budget?: TransformBudget;
}) {
  const { repo } = deps;
  const clock = deps.clock ?? Date.now;
  const budget = deps.budget ?? createMemoryTransformBudget();
  // While a shared budget cannot be reached (the database away a moment), each node counts its own:
  // the limit holds per node rather than refusing every miss or lifting it.
  const ownBudget = createMemoryTransformBudget();
  const cache = new Map<string, Promise<Quotas>>();
  // Clients whose budget this node saw run out, until when: their eager jobs wait meanwhile.
  const pacedUntil = new Map<string, number>();
  deps.feed.subscribe((change) => {
    if (change.kind === 'client') {
      cache.delete(change.clientId);
      // New limits start a new bucket: eager work held for the old one is not held for a raised or cleared one.
      pacedUntil.delete(change.clientId);
      budget.changedElsewhere(change.clientId);
    } else if (change.kind === 'external') cache.clear();
  });

  /** Draws one of the client's transforms (or, forced, counts it); notes when the bucket is empty. */
  async function draw(clientId: string, perMinute: number, force: boolean) {
    const now = clock();
    const drawn = await budget.take(clientId, perMinute, now, force).catch(() => ownBudget.take(clientId, perMinute, now, force));
    // Below one token: the next is a (1 − tokens) / rate away.
    const waitMs = ((1 - drawn.tokens) * 60_000) / perMinute;
    if (drawn.tokens < 1) pacedUntil.set(clientId, now + waitMs);
    else pacedUntil.delete(clientId);
    return { ...drawn, waitMs };
  }

  // The transforms-a-minute limit last read per client. A change seen only as 'external' (the
  // CLI on this data directory: which client is not said) shows here, when the limits are read
  // again, and starts a full bucket as a change on this node does.
  const perMinuteSeen = new Map<string, number | null>();
  function noteLimit(clientId: string, quotas: Quotas): Quotas {
    const before = perMinuteSeen.get(clientId);
    perMinuteSeen.set(clientId, quotas.maxTransformsPerMinute);
    if (before !== undefined && before !== quotas.maxTransformsPerMinute) {
      pacedUntil.delete(clientId);
      budget.changedElsewhere(clientId);
      void ownBudget.reset(clientId);
    }
    return quotas;
  }

  function of(clientId: string): Promise<Quotas> {
    let quotas = cache.get(clientId);
    if (!quotas) {
      quotas = repo.get(clientId).then((read) => noteLimit(clientId, read));
      cache.set(clientId, quotas);
      quotas.catch(() => cache.delete(clientId));
    }
    return quotas;
  }

  return {
    of,
    all: () => repo.all(),
    stored: (clientId: string) => repo.stored(clientId),

    /** Applies `patch` (already checked against the client's existence by the caller). */
    async set(clientId: string, patch: QuotaPatch): Promise<Quotas> {
      checkQuotaPatch(patch);
      const next = { ...(await repo.get(clientId)) };
      for (const name of QUOTA_NAMES) if (patch[name] !== undefined) next[name] = patch[name]!;
      await repo.set(clientId, next, deps.now());
      cache.delete(clientId);
      // The limits are stored: a bucket that cannot be reset now only keeps its tokens (capped by the new limit).
      if (patch.maxTransformsPerMinute !== undefined) await Promise.all([budget.reset(clientId).catch(() => undefined), ownBudget.reset(clientId)]);
      await deps.feed.publish({ kind: 'client', clientId });
      return next;
    },

    /**
     * An upload's early checks, before decoding: its size, and whether one more image of about
     * that size fits (the exact check runs again inside the write's transaction).
     */
    async beforeUpload(clientId: string, bytes: number, replacing?: { bytes: number }): Promise<Quotas> {
      const quotas = await of(clientId);
      checkUploadSize(quotas, bytes);
      const change = { images: replacing ? 0 : 1, bytesBefore: replacing?.bytes ?? 0, bytesAfter: bytes };
      const guard = storedGuard(quotas, change);
      if (guard) {
        const now = await repo.stored(clientId);
        guard({ images: now.images + change.images, bytes: now.bytes - change.bytesBefore + change.bytesAfter });
      }
      return quotas;
    },

    /**
     * Takes one of the client's transforms of this minute, or refuses with 403 quota_exceeded
     * and the seconds until the next. Only new variants count: hits never ask.
     */
    async admitTransform(clientId: string): Promise<void> {
      const perMinute = (await of(clientId)).maxTransformsPerMinute;
      if (perMinute === null) return;
      const drawn = await draw(clientId, perMinute, false);
      if (!drawn.taken) {
        const retryAfterSeconds = Math.max(1, Math.ceil(drawn.waitMs / 1000));
        throw quotaExceeded(
          `This client's transform limit (${perMinute.toLocaleString('en-US')} new variants per minute) is reached; cached variants are still served, retry in ${retryAfterSeconds} s`,
          retryAfterSeconds,
        );
      }
    },

    /**
     * Counts an eager transform (an upload's preset variant, a warm's) against the same bucket,
     * never refusing: the eager worker takes no job of a client in `pacedClients`, so this only
     * runs short by the few jobs claimed just before the bucket emptied.
     */
    async chargeTransform(clientId: string): Promise<void> {
      const perMinute = (await of(clientId)).maxTransformsPerMinute;
      if (perMinute !== null) await draw(clientId, perMinute, true);
    },

    /** Clients whose transforms of this minute this node saw used up: their eager jobs wait in the queue. */
    pacedClients(): string[] {
      const now = clock();
      const paced: string[] = [];
      for (const [clientId, until] of pacedUntil) {
        if (until > now) paced.push(clientId);
        else pacedUntil.delete(clientId);
      }
      return paced;
    },
  };
}

export type QuotaService = ReturnType<typeof createQuotaService>;
