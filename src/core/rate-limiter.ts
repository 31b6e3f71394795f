import { AppError } from './errors';

/**
 * Token buckets, one per key: `perMinute` requests a minute on average, bursts up to that many.
 * Idle buckets are dropped, so memory follows the number of active callers.
 */
export function createRateLimiter(options: { perMinute: number; clock?: () => number }) {
  const clock = options.clock ?? Date.now;
  const capacity = options.perMinute;
  const refillPerMs = options.perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  function sweep(now: number) {
    if (buckets.size < 10_000) return;
    for (const [key, bucket] of buckets) if (bucket.tokens + (now - bucket.at) * refillPerMs >= capacity) buckets.delete(key);
  }

  return {
    /** Takes one token for `key`, or throws 429 rate_limited with the seconds until the next one. */
    take(key: string): void {
      const now = clock();
      const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
      bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * refillPerMs);
      bucket.at = now;
      if (bucket.tokens < 1) {
        buckets.set(key, bucket);
        const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
        throw new AppError('rate_limited', `Too many requests; retry in ${retryAfterSeconds} s`, { details: { retryAfterSeconds } });
      }
      bucket.tokens -= 1;
      buckets.set(key, bucket);
      sweep(now);
    },
  };
}
