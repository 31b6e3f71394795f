import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import { jpeg } from './helpers/fixtures';
import { startServer, type TestServer } from './helpers/server';

const SCRIPT = join(import.meta.dir, '../scripts/sign-url.mjs');

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.stop());

test('the documented plain-Node signer makes URLs the server delivers', async () => {
  const { id } = (await s.upload(await jpeg(64, 64), 'ext.jpg')).json;
  // Run with Node, as in a user's backend, not with Bun.
  const run = Bun.spawnSync(['node', SCRIPT, s.url, s.clientId, s.secret, `${id}.png`, 'w_32,f_png']);
  expect(run.exitCode).toBe(0);
  const url = run.stdout.toString().trim();
  const response = await fetch(url);
  expect([response.status, response.headers.get('content-type')]).toEqual([200, 'image/png']);
  const tampered = Bun.spawnSync(['node', SCRIPT, s.url, s.clientId, `${s.secret}x`, `${id}.png`, 'w_32,f_png']);
  expect((await fetch(tampered.stdout.toString().trim())).status).toBe(403);
  expect(Bun.spawnSync(['node', SCRIPT]).exitCode).toBe(2);
});
