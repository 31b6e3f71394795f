import { AppError } from './errors';

const FREE_FAILURES = 5;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
// Failures older than this are forgiven.
const WINDOW_MS = 15 * 60_000;

interface Failures {
  count: number;
  lastAt: number;
}

/**
 * Slows password guessing: after 5 failures for one key (a username, or a client address)
 * further attempts are refused with 429 for 30 s, doubling with each failure up to 15 min.
 */
export function createLoginThrottle(clock: () => number = Date.now) {
  const failures = new Map<string, Failures>();

  const current = (key: string): Failures | undefined => {
    const entry = failures.get(key);
    if (entry && clock() - entry.lastAt > WINDOW_MS) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  };

  const lockMs = (count: number) => (count < FREE_FAILURES ? 0 : Math.min(BASE_LOCK_MS * 2 ** (count - FREE_FAILURES), MAX_LOCK_MS));

  return {
    /** Throws rate_limited (with retryAfterSeconds) while any of the keys is locked. */
    check(keys: readonly string[]): void {
      for (const key of keys) {
        const entry = current(key);
        if (!entry) continue;
        const remaining = entry.lastAt + lockMs(entry.count) - clock();
        if (remaining > 0) {
          const retryAfterSeconds = Math.ceil(remaining / 1000);
          throw new AppError('rate_limited', `Too many failed logins; try again in ${retryAfterSeconds} s`, {
            details: { retryAfterSeconds },
          });
        }
      }
    },
    failed(keys: readonly string[]): void {
      for (const key of keys) {
        const entry = current(key) ?? { count: 0, lastAt: 0 };
        failures.set(key, { count: entry.count + 1, lastAt: clock() });
      }
    },
    succeeded(keys: readonly string[]): void {
      for (const key of keys) failures.delete(key);
    },
  };
}
