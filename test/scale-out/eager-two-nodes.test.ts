import { afterAll, beforeAll, expect, test } from 'bun:test';
import { SQL } from 'bun';
import { halves } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';
import { startBucket, type TestBucket } from '../helpers/s3';
import { startServer, type TestServer } from '../helpers/server';

// Two nodes on one PostgreSQL and one bucket share the eager queue: each variant is computed
// by one of them, once, and both then serve it as a hit.

let bucket: TestBucket;
let databaseUrl: string;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  bucket = await startBucket();
  databaseUrl = await freshDatabase();
  const env = { IMGAPI_DATABASE_URL: databaseUrl, IMGAPI_STORAGE_URL: bucket.storageUrl('eager'), IMGAPI_EAGER_CONCURRENCY: '3' };
  a = await startServer(env);
  b = await startServer(env, { clientId: 'other' });
}, 60_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await bucket?.stop();
});

test('each eager job runs once across two nodes, and both nodes serve the variants as hits', async () => {
  const widths = [100, 200, 300];
  expect((await a.api('POST', '/presets', { name: 'spread', params: 'w_300', widths, eager: true, formats: ['jpeg', 'webp'] })).status).toBe(201);
  const ids: string[] = [];
  // Uploads on both nodes: each enqueues, and both nodes' workers claim from the one queue.
  for (let i = 0; i < 6; i++) {
    const node = i % 2 ? b : a;
    const { status, json } = await node.upload(await halves(600, 400), `spread-${i}.jpg`, undefined, a.apiKey);
    expect(status).toBe(201);
    ids.push(json.id);
  }
  const total = ids.length * widths.length * 2;
  const until = Date.now() + 30_000;
  let pending = total;
  while (pending > 0 && Date.now() < until) {
    await Bun.sleep(50);
    const { json } = await a.api('GET', '/images?pageSize=100');
    pending = json.items.reduce((sum: number, image: { variants: { pending: number } }) => sum + image.variants.pending, 0);
  }
  expect(pending).toBe(0);

  const done = a.ctx.eagerWorker.stats.done + b.ctx.eagerWorker.stats.done;
  expect(done).toBe(total);
  // No variant was computed twice: every transform of either node was one job's.
  expect(a.ctx.delivery.stats.transforms + b.ctx.delivery.stats.transforms).toBe(total);
  const sql = new SQL(databaseUrl);
  try {
    const rows = await sql`SELECT state, attempts, COUNT(*)::int AS n FROM eager_jobs GROUP BY state, attempts`;
    expect(rows.map((r: { state: string; attempts: number; n: number }) => ({ ...r }))).toEqual([{ state: 'done', attempts: 1, n: total }]);
  } finally {
    await sql.close();
  }

  for (const id of ids) {
    for (const node of [a, b]) {
      for (const w of widths) {
        const response = await fetch(`${node.url}/t/${a.clientId}/preset:spread/w_${w}/${id}.webp`);
        await response.arrayBuffer();
        expect(response.headers.get('x-cache')).toBe('HIT');
      }
    }
  }
}, 60_000);
