import { afterAll, beforeAll, expect, test } from 'bun:test';
import { createS3BlobStore } from '../../src/storage/s3-blob-store';
import { parseStorageUrl } from '../../src/storage/s3-location';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { jpeg } from '../helpers/fixtures';
import { startBucket, type TestBucket } from '../helpers/s3';
import { startServer, type TestServer } from '../helpers/server';

/**
 * A server (SQLite, blobs in a bucket) whose object store fails now and then: the store
 * behind a proxy that answers 500, 503 or drops the connection for chosen requests.
 */
let bucket: TestBucket;
let proxy: FaultProxy;
let server: TestServer;

const storageUrl = (endpoint: string) => `s3://S3RVER:S3RVER@media/e2e?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1`;

beforeAll(async () => {
  bucket = await startBucket();
  proxy = await startFaultProxy(bucket.endpoint);
  server = await startServer({ IMGAPI_STORAGE_URL: storageUrl(proxy.endpoint) });
});
afterAll(async () => {
  await server?.stop();
  await proxy?.stop();
  await bucket?.stop();
});

test('deleting an image with many variants answers 204 through failing deletes, and /metrics counts the retries', async () => {
  const { status, json } = await server.upload(await jpeg(400, 300), 'photo.jpg');
  expect(status).toBe(201);
  const id: string = json.id;
  for (const width of [40, 60, 80, 100, 120, 140]) {
    const signed = await server.api('POST', '/sign', { imageId: id, transform: `w_${width},f_webp` });
    expect(signed.status).toBe(200);
    expect((await fetch(signed.json.url)).status).toBe(200);
  }
  // Read past the proxy: what the bucket really holds.
  const variants = createS3BlobStore(parseStorageUrl(storageUrl(bucket.endpoint)), 'variants');
  const originals = createS3BlobStore(parseStorageUrl(storageUrl(bucket.endpoint)), 'originals');
  expect((await variants.list()).filter((key) => key.includes(id)).length).toBeGreaterThanOrEqual(6);

  // Two failures for the original's one DELETE; four spread over the variants' parallel ones.
  proxy.failNext(1, 'internal-error', 'DELETE', '/originals/');
  proxy.failNext(1, 'slow-down', 'DELETE', '/originals/');
  proxy.failNext(2, 'internal-error', 'DELETE', '/variants/');
  proxy.failNext(1, 'drop', 'DELETE', '/variants/');
  proxy.failNext(1, 'slow-down', 'DELETE', '/variants/');
  const deleted = await server.api('DELETE', `/images/${id}?permanent=true`);
  expect(deleted.status).toBe(204);
  expect(proxy.requests.filter((r) => r.fault)).toHaveLength(6);
  expect((await variants.list()).filter((key) => key.includes(id))).toEqual([]);
  expect((await originals.list()).filter((key) => key.includes(id))).toEqual([]);

  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(metrics).toContain('# TYPE imgapi_storage_retries_total counter');
  expect(metrics).toContain('# HELP imgapi_storage_retries_total ');
  expect(Number(/^imgapi_storage_retries_total\{op="delete"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(5);
  expect(metrics).toMatch(/^imgapi_storage_retries_total\{op="put"\} \d+$/m);
});
