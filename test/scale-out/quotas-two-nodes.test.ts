import { afterAll, beforeAll, expect, test } from 'bun:test';
import { apiRequest, fileForm } from '../helpers/api';
import { jpeg } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';
import { startNode, startServer, type TestServer } from '../helpers/server';

/**
 * Two nodes on one PostgreSQL: a limit set on one applies on the other, and uploads sent to
 * both at once at the limit pass exactly as many times as there is room (the client's row lock).
 */
let a: TestServer;
let b: Awaited<ReturnType<typeof startNode>>;

beforeAll(async () => {
  const database = await freshDatabase();
  a = await startServer({ IMGAPI_DATABASE_URL: database });
  b = await startNode({ IMGAPI_DATABASE_URL: database });
}, 60_000);
afterAll(async () => {
  await b.stop();
  await a.stop();
});

const uploadTo = async (url: string, n: number) => (await apiRequest(url, a.apiKey, 'POST', '/images', fileForm(await jpeg(20 + n, 20), `n${n}.jpg`))).status;
const total = async () => (await a.api('GET', '/images?pageSize=1')).json.total as number;

test('a limit set on node A is applied by node B (its cached limits dropped by the change it hears)', async () => {
  expect(await uploadTo(b.url, 0)).toBe(201); // node B has read (and cached) "no limits"
  await a.ctx.quotas.set(a.clientId, { maxImages: 1 });
  let status = 0;
  for (let i = 1; i < 30 && status !== 403; i++) {
    status = await uploadTo(b.url, i);
    if (status !== 403) await Bun.sleep(100);
  }
  expect(status).toBe(403);
  await a.ctx.quotas.set(a.clientId, { maxImages: null });
});

test('uploads at the limit sent to both nodes at once: exactly the room left passes', async () => {
  const before = await total();
  await a.ctx.quotas.set(a.clientId, { maxImages: before + 3 });
  // Both nodes know the limit before the race starts.
  for (let i = 0; i < 30 && (await b.ctx.quotas.of(a.clientId)).maxImages !== before + 3; i++) await Bun.sleep(100);
  const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => uploadTo(i % 2 === 0 ? a.url : b.url, 100 + i)));
  expect(statuses.filter((s) => s === 201).length).toBe(3);
  expect(statuses.filter((s) => s === 403).length).toBe(7);
  expect(await total()).toBe(before + 3);
});
