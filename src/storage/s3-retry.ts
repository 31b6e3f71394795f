/**
 * Retrying an object store's passing failures the way AWS's SDKs do ("standard" mode): a
 * bounded number of tries with exponential back-off and full jitter, so that many nodes
 * failing at once do not come back in step. Only for idempotent requests: a GET, a HEAD, a
 * PUT of a whole object, a DELETE, a page of a LIST.
 */

export type StorageOp = 'get' | 'head' | 'put' | 'delete' | 'list';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  /** Before retry n (1, 2, …) wait a random time below min(maxDelayMs, baseDelayMs · 2^n). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No retry whose back-off would end later than this after the first try began. */
  maxTotalMs: number;
}

// AWS SDK defaults (3 tries, 100 ms base, 20 s cap); the total bound keeps a request that
// waits on the store from outliving the client that asked.
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 20_000, maxTotalMs: 10_000 };

/** How many retries each kind of request needed since start, for /metrics. */
export interface RetryCounter {
  record(op: StorageOp): void;
  counts(): Record<StorageOp, number>;
}

export function createRetryCounter(): RetryCounter {
  const counts: Record<StorageOp, number> = { get: 0, head: 0, put: 0, delete: 0, list: 0 };
  return {
    record: (op) => {
      counts[op]++;
    },
    counts: () => ({ ...counts }),
  };
}

// S3 error codes AWS documents as worth another try: server faults, throttling (whatever code a
// 429 carries on S3-compatible services), timeouts (RequestTimeout is a 400, and still passing).
const TRANSIENT_CODES = new Set([
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'RequestTimeout',
  'RequestTimeoutException',
  'PriorRequestNotComplete',
  // Bun.S3Client: a reply without an S3 error body (a gateway's HTML 502, an empty 503).
  'UnknownError',
  // The connection failing: Bun.S3Client's names and fetch's.
  'ConnectionClosed',
  'ConnectionRefused',
  'ConnectionReset',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'Timeout',
  'TimeoutError',
]);

/**
 * True for failures another try may cure. An error with an HTTP `status` is judged by it
 * (5xx but 501, and 429: any other 4xx says the request itself is wrong); one without, by its code.
 */
export function isTransient(error: unknown): boolean {
  const { status, code } = (error ?? {}) as { status?: unknown; code?: unknown };
  // 501 Not Implemented is an answer about the request, not a passing state.
  if (typeof status === 'number') return status === 429 || (status >= 500 && status !== 501);
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

export interface RetryOptions {
  policy: RetryPolicy;
  counter: RetryCounter;
  /** In [0, 1); Math.random unless a caller needs the back-off fixed. */
  random?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

/** The result of `attempt`, tried again on transient failures; the last failure otherwise. */
export async function withRetries<T>(op: StorageOp, attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, counter, random = Math.random, sleep = Bun.sleep } = options;
  const started = performance.now();
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= policy.maxAttempts || !isTransient(error)) throw error;
      const delay = random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** tries);
      if (performance.now() - started + delay > policy.maxTotalMs) throw error;
      await sleep(delay);
      counter.record(op);
    }
  }
}
