import { S3Client } from 'bun';
import { AppError } from '../core/errors';
import type { BlobStore } from '../core/ports';
import { checkBlobKey } from './blob-key';
import type { S3Location } from './s3-location';
import { createRetryCounter, DEFAULT_RETRY_POLICY, withRetries, type RetryCounter, type RetryPolicy, type StorageOp } from './s3-retry';

// Deletes of a prefix go out this many at a time: quick, without a burst the service throttles.
const DELETE_PARALLELISM = 16;
// How long the presigned URL behind `exists` stays valid: it is used at once.
const PRESIGN_SECONDS = 60;

const codeOf = (error: unknown) => (error as { code?: string })?.code;

export interface S3BlobStoreOptions {
  /** How passing failures are retried; the AWS SDKs' policy by default. */
  retry?: Partial<RetryPolicy>;
  /** Where retries are counted (one counter may serve several stores). */
  retries?: RetryCounter;
}

/**
 * Blobs as objects in an S3-compatible bucket, under `location.prefix/<area>`. A PUT is atomic
 * (readers see the old object or the new one), so no temp objects are needed; keys are
 * version-scoped and write-once in meaning, so two nodes writing the same key write the same thing.
 */
export function createS3BlobStore(location: S3Location, area: string, options: S3BlobStoreOptions = {}): BlobStore {
  const retry = { policy: { ...DEFAULT_RETRY_POLICY, ...options.retry }, counter: options.retries ?? createRetryCounter() };
  const client = new S3Client({
    bucket: location.bucket,
    endpoint: location.endpoint,
    region: location.region,
    accessKeyId: location.accessKeyId,
    secretAccessKey: location.secretAccessKey,
    virtualHostedStyle: location.virtualHostedStyle,
  });
  const root = [location.prefix, area].filter(Boolean).join('/');
  const full = (key: string) => `${root}/${checkBlobKey(key)}`;

  /** The bucket failing (down, refusing our credentials, gone) is a 503 that says so, not a 500. */
  async function call<T>(op: StorageOp, operation: () => Promise<T>): Promise<T> {
    try {
      return await withRetries(op, operation, retry);
    } catch (error) {
      if (error instanceof AppError) throw error;
      const code = codeOf(error) ?? 'error';
      throw new AppError('unavailable', `The object store failed (${code}): ${(error as Error).message}`, { cause: error, details: { retryAfterSeconds: 5 } });
    }
  }

  const HEAD_TIMEOUT_MS = 10_000;
  // Bun.S3Client reports every failed HEAD as "UnknownError", a 403 like a 503; a presigned
  // HEAD through fetch shows the status, so only what may pass is retried.
  async function head(path: string): Promise<boolean> {
    // A HEAD that hangs must not hold a request forever: it fails (503 unavailable) instead.
    const response = await fetch(client.presign(path, { method: 'HEAD', expiresIn: PRESIGN_SECONDS }), { method: 'HEAD', signal: AbortSignal.timeout(HEAD_TIMEOUT_MS) });
    if (response.ok) return true;
    if (response.status === 404) return false;
    throw Object.assign(new Error(`HEAD answered ${response.status} ${response.statusText}`), { code: `HTTP${response.status}`, status: response.status });
  }

  async function listUnder(prefix: string): Promise<{ key: string; size: number; mtimeMs: number }[]> {
    const found: { key: string; size: number; mtimeMs: number }[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await call('list', () => client.list({ prefix, continuationToken }));
      for (const object of page.contents ?? []) {
        found.push({
          key: object.key.slice(root.length + 1),
          size: object.size ?? 0,
          mtimeMs: object.lastModified ? Date.parse(object.lastModified) : 0,
        });
      }
      continuationToken = page.isTruncated ? page.nextContinuationToken : undefined;
    } while (continuationToken);
    return found;
  }

  return {
    async put(key, data) {
      const path = full(key);
      await call('put', () => client.write(path, data));
    },
    async get(key) {
      const path = full(key);
      return call('get', async () => {
        try {
          return await client.file(path).bytes();
        } catch (error) {
          if (codeOf(error) === 'NoSuchKey') return null;
          throw error;
        }
      });
    },
    localPath: () => null,
    exists(key) {
      const path = full(key);
      return call('head', () => head(path));
    },
    async delete(key) {
      const path = full(key);
      await call('delete', () => client.delete(path));
    },
    async deletePrefix(prefix) {
      const keys = (await listUnder(`${full(prefix)}/`)).map((object) => object.key);
      for (let i = 0; i < keys.length; i += DELETE_PARALLELISM) {
        await Promise.all(keys.slice(i, i + DELETE_PARALLELISM).map((key) => call('delete', () => client.delete(full(key)))));
      }
    },
    async list() {
      return (await listUnder(`${root}/`)).map((object) => object.key);
    },
    listWithSizes: () => listUnder(`${root}/`),
    sweepTemp: async () => 0,
  };
}
