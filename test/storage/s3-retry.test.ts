import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import type { BlobStore } from '../../src/core/ports';
import { createS3BlobStore } from '../../src/storage/s3-blob-store';
import { parseStorageUrl } from '../../src/storage/s3-location';
import { createRetryCounter, DEFAULT_RETRY_POLICY, isTransient, withRetries, type RetryCounter, type StorageOp } from '../../src/storage/s3-retry';
import { startFaultProxy, type Fault, type FaultProxy } from '../helpers/fault-proxy';
import { startBucket, type TestBucket } from '../helpers/s3';

/** The S3 store against a real S3 server (s3rver) behind a proxy that fails chosen requests. */
let bucket: TestBucket;
let proxy: FaultProxy;
let retries: RetryCounter;
let store: BlobStore;

const bytes = (...values: number[]) => new Uint8Array(values);
// The AWS policy with a short back-off, so a test does not wait on jitter.
const quick = { baseDelayMs: 2 };

function open(options: Parameters<typeof createS3BlobStore>[2] = { retry: quick, retries }): BlobStore {
  const url = `s3://S3RVER:S3RVER@${bucket.bucket}/run-${crypto.randomUUID()}?endpoint=${encodeURIComponent(proxy.endpoint)}&region=us-east-1`;
  return createS3BlobStore(parseStorageUrl(url), 'variants', options);
}

/** What reached the proxy while `action` ran. */
async function seen<T>(action: () => Promise<T>) {
  const from = proxy.requests.length;
  const result = await action().catch((error: unknown) => ({ failed: error }));
  return { result, requests: proxy.requests.slice(from) };
}

beforeAll(async () => {
  bucket = await startBucket();
  proxy = await startFaultProxy(bucket.endpoint);
});
afterAll(async () => {
  await proxy.stop();
  await bucket.stop();
});
beforeEach(async () => {
  proxy.clear();
  retries = createRetryCounter();
  store = open();
  await store.put('acme/img1/v1/w_10', bytes(1, 2, 3));
});

const ops: { op: StorageOp; method: string; run: (store: BlobStore) => Promise<unknown>; expected: unknown }[] = [
  { op: 'put', method: 'PUT', run: (s) => s.put('acme/img1/v1/w_20', bytes(4)), expected: undefined },
  { op: 'get', method: 'GET', run: (s) => s.get('acme/img1/v1/w_10'), expected: bytes(1, 2, 3) },
  { op: 'head', method: 'HEAD', run: (s) => s.exists('acme/img1/v1/w_10'), expected: true },
  { op: 'delete', method: 'DELETE', run: (s) => s.delete('acme/img1/v1/w_10'), expected: undefined },
  { op: 'list', method: 'GET', run: (s) => s.list(), expected: ['acme/img1/v1/w_10'] },
];
const transient: Fault[] = ['internal-error', 'slow-down', 'too-many-requests', 'drop'];

describe('S3 store: transient failures are retried', () => {
  for (const fault of ['internal-error', 'slow-down', 'too-many-requests'] as const) {
    test.each(ops)(`${fault} on the first two tries of $op: the third answers`, async ({ op, method, run, expected }) => {
      proxy.failNext(2, fault, method);
      const { result, requests } = await seen(() => run(store));
      expect(result).toEqual(expected as never);
      expect(requests.map((r) => [r.method, r.fault])).toEqual([
        [method, fault],
        [method, fault],
        [method, null],
      ]);
      expect(retries.counts()[op]).toBe(2);
    });
  }

  // Bun resends a request once by itself when a kept-alive connection turns out closed, so
  // one of the two drops may never reach our retry.
  test.each(ops)('a dropped connection on the first two tries of $op: a later try answers', async ({ op, method, run, expected }) => {
    proxy.failNext(2, 'drop', method);
    const { result, requests } = await seen(() => run(store));
    expect(result).toEqual(expected as never);
    expect(requests.map((r) => [r.method, r.fault])).toEqual([
      [method, 'drop'],
      [method, 'drop'],
      [method, null],
    ]);
    expect(retries.counts()[op]).toBeGreaterThanOrEqual(1);
  });

  test('an image with many variants is deleted whole through failing deletes and a failing list', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `acme/img2/v1/w_${i + 1}.webp`);
    await Promise.all(keys.map((key) => store.put(key, bytes(1))));
    proxy.failNext(1, 'slow-down', 'GET');
    proxy.failNext(4, 'internal-error', 'DELETE');
    proxy.failNext(2, 'drop', 'DELETE');
    proxy.failNext(2, 'slow-down', 'DELETE');
    const { result, requests } = await seen(() => store.deletePrefix('acme/img2'));
    expect(result).toBeUndefined();
    expect(requests.filter((r) => r.fault)).toHaveLength(9);
    expect(await store.list()).toEqual(['acme/img1/v1/w_10']);
    // At least the injected faults; s3rver adds 500s of its own when deletes in one directory race.
    expect(retries.counts().list).toBe(1);
    expect(retries.counts().delete).toBeGreaterThanOrEqual(6);
  });

  test('the default policy (AWS: 3 tries, 100 ms base, full jitter) rides out two failures too', async () => {
    expect(DEFAULT_RETRY_POLICY).toMatchObject({ maxAttempts: 3, baseDelayMs: 100 });
    const standard = open({ retries });
    proxy.failNext(2, 'internal-error', 'PUT');
    await standard.put('acme/img3/k', bytes(9));
    proxy.failNext(2, 'slow-down', 'GET');
    expect(await standard.get('acme/img3/k')).toEqual(bytes(9));
    expect(retries.counts()).toMatchObject({ put: 2, get: 2 });
  });
});

describe('S3 store: what is not transient is not retried', () => {
  for (const fault of ['access-denied', 'bad-request'] as const) {
    test.each(ops)(`${fault} on $op: one request, then 503 unavailable naming the cause`, async ({ run, method }) => {
      proxy.failNext(1, fault, method);
      const { result, requests } = await seen(() => run(store));
      expect(requests).toHaveLength(1);
      expect((result as { failed: unknown }).failed).toMatchObject({ code: 'unavailable', status: 503 });
      expect((result as { failed: Error }).failed.message).toMatch(fault === 'access-denied' ? /AccessDenied|HTTP403/ : /InvalidRequest|HTTP400/);
      expect(Object.values(retries.counts()).every((n) => n === 0)).toBe(true);
    });
  }

  test('a missing key is one GET and null, a missing object one HEAD and false', async () => {
    expect(await seen(() => store.get('acme/none/k'))).toMatchObject({ result: null, requests: [{ method: 'GET' }] });
    expect(await seen(() => store.exists('acme/none/k'))).toMatchObject({ result: false, requests: [{ method: 'HEAD' }] });
  });
});

describe('S3 store: a persistent outage', () => {
  test.each(['internal-error', 'slow-down', 'drop'] as const)('%s on every try: gives up after 3 tries with 503 unavailable', async (fault) => {
    proxy.failNext(50, fault, 'PUT');
    const { result, requests } = await seen(() => store.put('acme/img4/k', bytes(1)));
    // Three tries; Bun itself resends a request whose kept-alive connection is dropped, so a drop
    // may reach the proxy more often.
    if (fault === 'drop') expect(requests.length).toBeGreaterThanOrEqual(3);
    else expect(requests).toHaveLength(3);
    expect((result as { failed: unknown }).failed).toMatchObject({ code: 'unavailable', status: 503, details: { retryAfterSeconds: 5 } });
    expect(retries.counts().put).toBe(2);
  });

  test('no retry starts past the total time bound', async () => {
    const slow = open({ retry: { baseDelayMs: 1e9, maxDelayMs: 1e9, maxTotalMs: 50 }, retries });
    proxy.failNext(3, 'internal-error', 'DELETE');
    const started = performance.now();
    const { requests } = await seen(() => slow.delete('acme/img1/v1/w_10'));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(requests).toHaveLength(1);
  });
});

describe('the retry policy', () => {
  test('backs off exponentially with full jitter, below the cap', async () => {
    const waits: number[] = [];
    const counter = createRetryCounter();
    const failing = async () => {
      throw Object.assign(new Error('busy'), { code: 'SlowDown' });
    };
    const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300, maxTotalMs: 10_000 };
    await expect(withRetries('get', failing, { policy, counter, random: () => 0.5, sleep: async (ms) => waits.push(ms) })).rejects.toThrow('busy');
    expect(waits).toEqual([100, 150, 150]); // half of 200, half of min(300, 400), half of min(300, 800)
    expect(counter.counts().get).toBe(3);
  });

  test('judges by HTTP status when there is one, else by the S3 or network code', () => {
    expect([500, 502, 503, 504, 429].map((status) => isTransient({ status }))).toEqual([true, true, true, true, true]);
    expect([400, 401, 403, 404, 409, 412].map((status) => isTransient({ status }))).toEqual([false, false, false, false, false, false]);
    for (const code of ['InternalError', 'SlowDown', 'ServiceUnavailable', 'RequestTimeout', 'ConnectionClosed', 'ECONNRESET']) expect(isTransient({ code })).toBe(true);
    for (const code of ['AccessDenied', 'InvalidRequest', 'NoSuchKey', 'NoSuchBucket', 'SignatureDoesNotMatch', undefined]) expect(isTransient({ code })).toBe(false);
    expect(isTransient(new TypeError('x'))).toBe(false);
  });
});
