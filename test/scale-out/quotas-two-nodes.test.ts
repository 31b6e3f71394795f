import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createContext, type AppContext } from '../../src/context';
import { listen, type RunningServer } from '../../src/http/app';
import { apiRequest, fileForm } from '../helpers/api';
import { jpeg } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';
import { startServer, type TestServer } from '../helpers/server';

/**
 * Two nodes on one PostgreSQL: a limit set on one applies on the other, and uploads sent to
 * both at once at the limit pass exactly as many times as there is room (the client's row lock).
 */
let a: TestServer;
let ctxB: AppContext;
let b: RunningServer;
let dirB: string;

beforeAll(async () => {
  const database = await freshDatabase();
  a = await startServer({ IMGAPI_DATABASE_URL: database });
  dirB = mkdtempSync(join(tmpdir(), 'imgapi-node-b-'));
  ctxB = await createContext(loadConfig({ IMGAPI_CONCURRENCY: '2', IMGAPI_LOG: 'off', IMGAPI_DATABASE_URL: database }, { data: dirB, port: 0 }));
  b = listen(ctxB, { host: '127.0.0.1', port: 0 });
}, 60_000);
afterAll(async () => {
  await b.stop();
  await ctxB.close();
  await a.stop();
  rmSync(dirB, { recursive: true, force: true });
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
  for (let i = 0; i < 30 && (await ctxB.quotas.of(a.clientId)).maxImages !== before + 3; i++) await Bun.sleep(100);
  const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => uploadTo(i % 2 === 0 ? a.url : b.url, 100 + i)));
  expect(statuses.filter((s) => s === 201).length).toBe(3);
  expect(statuses.filter((s) => s === 403).length).toBe(7);
  expect(await total()).toBe(before + 3);
});
