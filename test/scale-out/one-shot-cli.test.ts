import { afterAll, beforeAll, expect, test } from 'bun:test';
import { SQL } from 'bun';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createCore } from '../../src/core-services';
import { apiRequest, fileForm } from '../helpers/api';
import { runCli, spawnServe } from '../helpers/cli';
import { jpeg } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';

/**
 * A one-shot CLI command on a PostgreSQL installation publishes its changes (NOTIFY) but opens
 * no LISTEN connection of its own: a running node still hears it at once.
 */
let dir: string;
let databaseUrl: string;
let node: Awaited<ReturnType<typeof spawnServe>>;
let apiKey: string;
let sql: SQL;

/** Connections of this database that are listening (or last ran LISTEN). */
const listeners = async () =>
  (await sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`)[0].n as number;

async function eventually<T>(read: () => Promise<T>, expected: T): Promise<T> {
  const deadline = Date.now() + 2000;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await Bun.sleep(20);
    value = await read();
  }
  return value;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'imgapi-one-shot-'));
  databaseUrl = await freshDatabase();
  node = await spawnServe(join(dir, 'node'), 0, { IMGAPI_DATABASE_URL: databaseUrl, IMGAPI_LOG: 'off' });
  apiKey = /API key:\s+(\S+)/.exec(node.output)![1]!;
  sql = new SQL(databaseUrl);
}, 60_000);

afterAll(async () => {
  await sql?.close();
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the core alone publishes its changes without listening; hearing is opt-in', async () => {
  expect(await eventually(listeners, 1)).toBe(1); // the node's own
  const core = await createCore(loadConfig({ IMGAPI_DATABASE_URL: databaseUrl }, { data: join(dir, 'cli') }));
  try {
    await core.presets.create('default', 'thumb', 'w_10');
    expect(await listeners()).toBe(1);
    await core.hearOthers();
    expect(await eventually(listeners, 2)).toBe(2);
  } finally {
    await core.close();
  }
});

test('an image deleted by a one-shot CLI command stops being delivered by the node and leaves its total', async () => {
  const call = (method: string, path: string, body?: unknown) => apiRequest(node.url, apiKey, method, path, body);
  const { id } = (await call('POST', '/images', fileForm(await jpeg(80, 60), 'cli.jpg', 'one-shot'))).json;
  const { url } = (await call('POST', '/sign', { imageId: id, transform: 'w_40' })).json;
  await fetch(url);
  expect((await fetch(url)).headers.get('x-cache')).toBe('HIT');
  const total = async () => (await call('GET', '/images?folder=one-shot')).json.total;
  expect(await total()).toBe(1); // the node now remembers this total

  const deleted = await runCli(['image', 'delete', id, '--data', join(dir, 'cli')], { env: { IMGAPI_DATABASE_URL: databaseUrl, HOME: dir } });
  expect([deleted.code, deleted.stderr]).toEqual([0, '']);
  expect(await eventually(async () => (await fetch(url)).status, 404)).toBe(404);
  expect(await total()).toBe(0);
});
