/**
 * Each client's budget of new variants a minute, as a token bucket: the whole minute's
 * transforms may come in a burst, then one every 60/N s. Misses and eager work (uploads'
 * presets, warms) draw on the same bucket.
 */
export interface TransformBudget {
  /**
   * Draws one transform for `clientId` at `now` (ms). Refused (not drawn) when less than one is
   * left, unless `force` (eager work, counted but never refused). `tokens`: what is left after.
   */
  take(clientId: string, perMinute: number, now: number, force: boolean): Promise<{ taken: boolean; tokens: number }>;
  /** The limit changed on this node: the client starts a full bucket. */
  reset(clientId: string): Promise<void>;
  /** The limit changed on another process: a shared budget was reset there already; a node's own must forget. */
  changedElsewhere(clientId: string): void;
}

/** The tokens a bucket holds at `now`, refilled since `at` at `perMinute` a minute, capped at a minute's worth. */
export const refilled = (tokens: number, at: number, now: number, perMinute: number) => Math.min(perMinute, tokens + (Math.max(0, now - at) * perMinute) / 60_000);

/** One process's buckets: the budget of a single node (SQLite), where no other node draws on it. */
export function createMemoryTransformBudget(): TransformBudget {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    async take(clientId, perMinute, now, force) {
      const bucket = buckets.get(clientId) ?? { tokens: perMinute, at: now };
      const tokens = refilled(bucket.tokens, bucket.at, now, perMinute);
      const taken = force || tokens >= 1;
      buckets.set(clientId, { tokens: taken ? tokens - 1 : tokens, at: Math.max(bucket.at, now) });
      return { taken, tokens: taken ? tokens - 1 : tokens };
    },
    async reset(clientId) {
      buckets.delete(clientId);
    },
    changedElsewhere(clientId) {
      buckets.delete(clientId);
    },
  };
}
