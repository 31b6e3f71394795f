import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface TestBucket {
  /** An IMGAPI_STORAGE_URL for the bucket, with `prefix`. */
  storageUrl(prefix?: string): string;
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

/** A real S3-protocol server (s3rver) on a loopback port, with one empty bucket. */
export async function startBucket(bucket = 'media'): Promise<TestBucket> {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    bucket,
    // s3rver's default credentials (it does not check signatures; real services do).
    storageUrl: (prefix = 'imgapi') => `s3://S3RVER:S3RVER@${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1`,
    /** Idempotent: a test may stop the server to see how nodes take it. */
    stop() {
      stopped ??= server.close().then(() => rmSync(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
