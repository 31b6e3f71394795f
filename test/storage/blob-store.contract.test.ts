import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from '../../src/core/ports';
import { createFsBlobStore } from '../../src/storage/fs-blob-store';
import { createS3BlobStore } from '../../src/storage/s3-blob-store';
import { parseStorageUrl } from '../../src/storage/s3-location';
import { startBucket, type TestBucket } from '../helpers/s3';

/** What the core relies on from a blob store, against the filesystem and a real S3 server. */
interface Backend {
  name: string;
  open(): Promise<{ store: BlobStore; neighbour: BlobStore; close(): Promise<void> }>;
}

let bucket: TestBucket;
beforeAll(async () => {
  bucket = await startBucket();
});
afterAll(() => bucket.stop());

const backends: Backend[] = [
  {
    name: 'filesystem',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'imgapi-blobs-'));
      return {
        store: createFsBlobStore({ root: join(dir, 'originals') }),
        neighbour: createFsBlobStore({ root: join(dir, 'cache') }),
        close: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'S3 (Bun.S3Client against s3rver)',
    async open() {
      const location = parseStorageUrl(bucket.storageUrl(`run-${crypto.randomUUID()}`));
      return { store: createS3BlobStore(location, 'originals'), neighbour: createS3BlobStore(location, 'variants'), close: async () => {} };
    },
  },
];

const bytes = (...values: number[]) => new Uint8Array(values);

describe.each(backends)('blob store on $name', (backend) => {
  let store: BlobStore;
  let neighbour: BlobStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, neighbour, close } = await backend.open());
  });
  afterAll(() => close());

  test('put then get returns the same bytes; a missing key is null, not an error', async () => {
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    await store.put('acme/img1/k1', bytes(1, 2, 3));
    await store.put('acme/img1/big', big);
    expect(await store.get('acme/img1/k1')).toEqual(bytes(1, 2, 3));
    expect(await store.get('acme/img1/big')).toEqual(big);
    expect(await store.get('acme/img1/none')).toBeNull();
    expect(await store.exists('acme/img1/k1')).toBe(true);
    expect(await store.exists('acme/img1/none')).toBe(false);
  });

  test('a second put of a key replaces it whole', async () => {
    await store.put('acme/img2/k', bytes(9, 9, 9, 9));
    await store.put('acme/img2/k', bytes(7));
    expect(await store.get('acme/img2/k')).toEqual(bytes(7));
  });

  // What two nodes missing on one variant do: the key names one rendering, so they write the
  // same bytes. (Different bytes at once would need the service's atomic PUT, which AWS S3, R2
  // and MinIO give and s3rver does not.)
  test('concurrent puts of one key with the same bytes leave that object whole', async () => {
    const body = new Uint8Array(512 * 1024).map((_, i) => (i * 7) % 256);
    await Promise.all(Array.from({ length: 4 }, () => store.put('acme/img3/v1/w_10', body)));
    expect(await store.get('acme/img3/v1/w_10')).toEqual(body);
  });

  test('list and listWithSizes see every key of this store and none of its neighbour', async () => {
    await neighbour.put('acme/img1/v1/w_100.webp', bytes(5, 5));
    const keys = await store.list();
    expect(keys.sort()).toEqual(['acme/img1/big', 'acme/img1/k1', 'acme/img2/k', 'acme/img3/v1/w_10']);
    const sizes = Object.fromEntries((await store.listWithSizes()).map((f) => [f.key, f.size]));
    expect(sizes['acme/img1/k1']).toBe(3);
    expect(sizes['acme/img2/k']).toBe(1);
    expect(await neighbour.list()).toEqual(['acme/img1/v1/w_100.webp']);
  });

  test('delete and deletePrefix remove exactly what they name', async () => {
    await store.put('acme/img10/a', bytes(1));
    await store.put('acme/img1x/a', bytes(1)); // shares the text prefix "acme/img1", not the key prefix
    await store.delete('acme/img1/k1');
    await store.delete('acme/img1/never-there');
    expect(await store.exists('acme/img1/k1')).toBe(false);
    await store.deletePrefix('acme/img1');
    expect((await store.list()).sort()).toEqual(['acme/img10/a', 'acme/img1x/a', 'acme/img2/k', 'acme/img3/v1/w_10']);
    expect(await neighbour.exists('acme/img1/v1/w_100.webp')).toBe(true);
    await store.deletePrefix('acme/none');
  });

  test('keys outside the id alphabet are refused before any I/O', async () => {
    for (const key of ['../etc/passwd', 'acme/../x', '/abs', 'acme/.tmp/x', 'a b', '']) {
      await expect(store.put(key, bytes(1))).rejects.toThrow('Unsafe blob key');
    }
  });

  test('sweepTemp leaves stored blobs alone', async () => {
    expect(await store.sweepTemp(0)).toBe(0);
    expect(await store.exists('acme/img2/k')).toBe(true);
  });
});

describe('S3 store when the service fails', () => {
  test('an unreachable endpoint or a missing bucket is a 503 "unavailable" that names the cause', async () => {
    const down = createS3BlobStore(parseStorageUrl('s3://S3RVER:S3RVER@media/x?endpoint=http%3A%2F%2F127.0.0.1%3A1'), 'originals');
    await expect(down.put('acme/img/k', bytes(1))).rejects.toMatchObject({ code: 'unavailable', status: 503, message: expect.stringContaining('ConnectionRefused') });
    await expect(down.get('acme/img/k')).rejects.toMatchObject({ code: 'unavailable' });
    const noBucket = createS3BlobStore(parseStorageUrl(`s3://S3RVER:S3RVER@nobucket/x?endpoint=${encodeURIComponent(bucket.endpoint)}`), 'originals');
    await expect(noBucket.put('acme/img/k', bytes(1))).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('NoSuchBucket') });
  });
});

describe('IMGAPI_STORAGE_URL', () => {
  test('bucket, prefix, endpoint, region and credentials from the URL or the environment', () => {
    expect(parseStorageUrl('s3://media/imgapi/prod?endpoint=http%3A%2F%2F127.0.0.1%3A9000&region=eu-west-1', { AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK' })).toEqual({
      bucket: 'media',
      prefix: 'imgapi/prod',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      accessKeyId: 'AK',
      secretAccessKey: 'SK',
      virtualHostedStyle: false,
    });
    expect(parseStorageUrl('s3://key:se%2Fcret@media?style=virtual')).toMatchObject({ bucket: 'media', prefix: '', accessKeyId: 'key', secretAccessKey: 'se/cret', virtualHostedStyle: true });
  });

  test('a malformed URL is refused with what is wrong', () => {
    expect(() => parseStorageUrl('media/imgapi')).toThrow('not a URL');
    expect(() => parseStorageUrl('https://media/x')).toThrow('must start with s3://');
    expect(() => parseStorageUrl('s3://media/x?endpiont=http://x')).toThrow('unknown option "endpiont"');
    expect(() => parseStorageUrl('s3://media/x?endpoint=localhost:9000')).toThrow('endpoint must be an http(s) URL');
  });
});
