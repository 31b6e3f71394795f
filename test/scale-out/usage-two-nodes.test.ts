import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRequest, fileForm } from '../helpers/api';
import { spawnServe } from '../helpers/cli';
import { decode, jpeg } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';
import { startBucket, type TestBucket } from '../helpers/s3';

/**
 * Two `imgapi serve` processes on one PostgreSQL and one bucket, each counting its own traffic
 * in memory: their flushes add up in the same rows. The flush timer is set to an hour, so only
 * a report (which flushes the node answering it) or a stop writes counts: nothing here waits.
 */
type Node = Awaited<ReturnType<typeof spawnServe>>;

let bucket: TestBucket;
let a: Node;
let b: Node;
let apiKey: string;
const dirs: string[] = [];
const today = () => new Date().toISOString().slice(0, 10);
const usageOn = async (node: Node) => {
  const { status, json } = await apiRequest(node.url, apiKey, 'GET', `/usage?from=${today()}&to=${today()}`);
  expect(status).toBe(200);
  return json;
};

beforeAll(async () => {
  bucket = await startBucket();
  const env = { IMGAPI_DATABASE_URL: await freshDatabase(), IMGAPI_STORAGE_URL: bucket.storageUrl('usage'), IMGAPI_LOG: 'off', IMGAPI_CONCURRENCY: '2', IMGAPI_USAGE_FLUSH_MS: '3600000' };
  for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'imgapi-usage-node-')));
  [a, b] = await Promise.all([spawnServe(dirs[0]!, 0, env), spawnServe(dirs[1]!, 0, env)]);
  apiKey = /API key:\s+(\S+)/.exec([a.output, b.output].join('\n'))![1]!;
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await bucket?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('two nodes count their own deliveries and add them up in one database; a stopping node writes what it counted', async () => {
  const upload = await apiRequest(a.url, apiKey, 'POST', '/images', fileForm(await jpeg(300, 200), 'p.jpg'));
  expect(upload.status).toBe(201);
  const { url } = (await apiRequest(a.url, apiKey, 'POST', '/sign', { imageId: upload.json.id, transform: 'w_120,f_webp' })).json;
  const path = new URL(url).pathname;
  const fromA = await fetch(`${a.url}${path}`);
  expect(fromA.headers.get('x-cache')).toBe('MISS');
  const bytes = (await fromA.arrayBuffer()).byteLength;
  expect((await decode(new Uint8Array(await (await fetch(`${b.url}${path}`)).arrayBuffer()))).width).toBe(120);
  expect((await fetch(`${b.url}${path}`)).headers.get('x-cache')).toBe('HIT');

  // A's report writes A's counts only: B's are still in B's memory.
  const onlyA = (await usageOn(a)).days[0];
  expect(onlyA).toEqual({ date: today(), deliveries: 1, bytesServed: bytes, hits: 0, misses: 1, transforms: 1, uploads: 1 });
  // B's report adds B's (two hits, from the bucket then memory) to the same row.
  const both = await usageOn(b);
  expect(both.days[0]).toEqual({ date: today(), deliveries: 3, bytesServed: 3 * bytes, hits: 2, misses: 1, transforms: 1, uploads: 1 });
  expect(both).toMatchObject({ images: 1, deliveries: 3, bytesServed: 3 * bytes });
  // Variant bytes are the bucket's: what is stored, whichever node asks.
  expect(both.variantBytes).toBeGreaterThanOrEqual(bytes);
  expect((await usageOn(a)).variantBytes).toBe(both.variantBytes);
  expect((await usageOn(a)).days[0].deliveries).toBe(3);

  // Counted on B and never read there: B's stop writes it.
  expect((await fetch(`${b.url}${path}`)).status).toBe(200);
  await b.stop();
  expect((await usageOn(a)).days[0]).toMatchObject({ deliveries: 4, hits: 3, bytesServed: 4 * bytes });
}, 60_000);
