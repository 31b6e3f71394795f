import { afterAll, beforeAll, expect, test } from 'bun:test';
import { apiRequest, fileForm } from '../helpers/api';
import { signPath } from '../../src/core/signing';
import { jpeg } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';
import { startNode, startServer, type TestServer } from '../helpers/server';

/**
 * Two nodes on one PostgreSQL: a limit set on one applies on the other, uploads sent to both
 * at once at the limit pass exactly as many times as there is room (the client's row lock), and
 * the transforms a minute are one budget for both nodes, not one each.
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

test('transforms a minute are one budget for every node: draws on both at once pass exactly the limit; a new limit starts a full bucket', async () => {
  // Each node's own admission, as its delivery asks it for every miss (the nodes here share no
  // originals, so the misses themselves are made on node A only).
  const admit = (node: TestServer | typeof b) =>
    node.ctx.quotas.admitTransform(a.clientId).then(
      () => 'admitted',
      (error: { code?: string }) => String(error.code),
    );
  await a.ctx.quotas.set(a.clientId, { maxImages: null });
  const uploaded = await a.upload(await jpeg(300, 200), 'budget.jpg');
  const miss = async (w: number) => {
    const path = `w_${w},f_webp/${uploaded.json.id}.webp`;
    const response = await fetch(`${a.url}/t/${a.clientId}/${signPath(a.secret, a.clientId, path)}/${path}`);
    return [response.status, response.status === 200 ? 'made' : ((await response.json()) as { error: { code: string } }).error.code];
  };

  await a.ctx.quotas.set(a.clientId, { maxTransformsPerMinute: 4 });
  for (let i = 0; i < 30 && (await b.ctx.quotas.of(a.clientId)).maxTransformsPerMinute !== 4; i++) await Bun.sleep(100);
  // 4 a minute refill one every 15 s: this burst gets the bucket's 4, on whichever node.
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => admit(i % 2 === 0 ? a : b)));
  expect(answers.filter((x) => x === 'admitted').length).toBe(4);
  expect(answers.filter((x) => x === 'quota_exceeded').length).toBe(6);
  // Node A's own miss is refused though it drew only some of the four itself.
  expect(await miss(200)).toEqual([403, 'quota_exceeded']);

  // Raised on node B: the shared bucket starts again, full, for both nodes; another limit changed leaves it.
  await b.ctx.quotas.set(a.clientId, { maxTransformsPerMinute: 6 });
  for (let i = 0; i < 30 && (await a.ctx.quotas.of(a.clientId)).maxTransformsPerMinute !== 6; i++) await Bun.sleep(100);
  for (let i = 0; i < 5; i++) expect(await admit(b)).toBe('admitted');
  await b.ctx.quotas.set(a.clientId, { maxImages: 1_000 });
  expect(await miss(201)).toEqual([200, 'made']);
  expect(await miss(202)).toEqual([403, 'quota_exceeded']);
  await a.ctx.quotas.set(a.clientId, { maxTransformsPerMinute: null, maxImages: null });
  expect(await admit(b)).toBe('admitted');
});
