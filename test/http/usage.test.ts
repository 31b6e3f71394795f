import { afterAll, beforeAll, expect, test } from 'bun:test';
import { jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

// GET /api/v1/usage: what the calling client stores, for the dashboard's usage card.

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s?.stop());

test("images and their originals' bytes, of the calling client only, following uploads, replaces and deletes", async () => {
  expect((await s.api('GET', '/usage')).json).toEqual({ images: 0, originalBytes: 0 });
  const a = await jpeg(300, 200);
  const b = await png(40, 40);
  const first = (await s.upload(a, 'a.jpg', 'x')).json;
  await s.upload(b, 'b.png');
  expect((await s.api('GET', '/usage')).json).toEqual({ images: 2, originalBytes: a.length + b.length });

  const smaller = await jpeg(20, 10);
  const form = new FormData();
  form.append('file', new File([smaller as Uint8Array<ArrayBuffer>], 'c.jpg'));
  expect((await s.api('PUT', `/images/${first.id}`, form)).status).toBe(200);
  expect((await s.api('GET', '/usage')).json).toEqual({ images: 2, originalBytes: smaller.length + b.length });

  const other = await s.ctx.accounts.createClient('Usage neighbour', 'neighbour');
  expect((await s.api('GET', '/usage', undefined, other.apiKey.apiKey)).json).toEqual({ images: 0, originalBytes: 0 });

  expect((await s.api('DELETE', `/images/${first.id}?permanent=true`)).status).toBe(204);
  expect((await s.api('GET', '/usage')).json).toEqual({ images: 1, originalBytes: b.length });
  expect((await s.api('GET', '/usage', undefined, 'isk_wrong')).status).toBe(401);
  expect((await s.api('POST', '/usage', {})).status).toBe(405);
});
