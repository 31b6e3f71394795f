import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startServer, type TestServer } from '../helpers/server';
import { jpeg } from '../helpers/fixtures';

let s: TestServer;
let cookie: string;
beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser('alice', 'correct horse battery');
  const response = await fetch(`${s.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: s.url },
    body: JSON.stringify({ username: 'alice', password: 'correct horse battery' }),
  });
  cookie = `imgapi_session=${/imgapi_session=([^;]+)/.exec(response.headers.get('set-cookie')!)![1]}`;
});
afterAll(() => s.stop());

async function clients(method: string, path = '', body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${s.url}/api/v1/clients${path}`, {
    method,
    headers: { cookie, origin: s.url, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe('clients: names', () => {
  test('names are trimmed; empty, too long, control and bidi characters → 400 with a message', async () => {
    const created = await clients('POST', '', { name: '  Green Shop  ' });
    expect([created.status, created.json.name, created.json.id]).toEqual([201, 'Green Shop', 'green-shop']);
    for (const name of ['', '   ', 'x'.repeat(101), 'bad\u0007bell', 'evil\u202egnp.exe', 'zero\u200bwidth', 'line\nbreak']) {
      const answer = await clients('POST', '', { name });
      expect([JSON.stringify(name), answer.status, answer.json.error.code]).toEqual([JSON.stringify(name), 400, 'invalid_input']);
      expect(answer.json.error.message).toMatch(/Client name/);
    }
    expect((await clients('POST', '', { name: '🙂'.repeat(100), id: 'emoji' })).status).toBe(201); // 100 characters, not UTF-16 units
  });

  test('a name is unique per installation ignoring case → 409, on create and on rename', async () => {
    const duplicate = await clients('POST', '', { name: 'GREEN shop' });
    expect([duplicate.status, duplicate.json.error.code]).toEqual([409, 'conflict']);
    expect(duplicate.json.error.message).toContain('green-shop');
    await clients('POST', '', { name: 'Red Shop' });
    const clash = await clients('PATCH', '/red-shop', { name: 'green SHOP' });
    expect([clash.status, clash.json.error.code]).toEqual([409, 'conflict']);
  });

  test('rename keeps the id; its own name in another case is fine; unknown id → 404; bad name → 400', async () => {
    const renamed = await clients('PATCH', '/red-shop', { name: 'Crimson Shop' });
    expect([renamed.status, renamed.json]).toEqual([200, expect.objectContaining({ id: 'red-shop', name: 'Crimson Shop' })]);
    expect((await clients('PATCH', '/red-shop', { name: 'crimson shop' })).json.name).toBe('crimson shop');
    expect((await clients('PATCH', '/nobody', { name: 'Anything' })).status).toBe(404);
    expect((await clients('PATCH', '/red-shop', { name: '\u202e' })).status).toBe(400);
    const listed = await clients('GET');
    expect(listed.json.items.find((c: any) => c.id === 'red-shop').name).toBe('crimson shop');
  });
});

describe('clients: delete', () => {
  test('removes the client with its keys: its key then gets 401; unknown → 404', async () => {
    const created = await clients('POST', '', { name: 'Short Lived' });
    const gone = await clients('DELETE', `/${created.json.id}`);
    expect(gone.status).toBe(204);
    expect((await s.api('GET', '/folders', undefined, created.json.apiKey)).status).toBe(401);
    expect((await clients('GET')).json.items.map((c: any) => c.id)).not.toContain(created.json.id);
    expect((await clients('DELETE', `/${created.json.id}`)).status).toBe(404);
  });

  test('refused while the client has images, in the trash too (409); allowed once they are deleted for good', async () => {
    const created = await clients('POST', '', { name: 'With Images' });
    const uploaded = await s.upload(await jpeg(8, 8), 'a.jpg', undefined, created.json.apiKey);
    expect(uploaded.status).toBe(201);
    const refused = await clients('DELETE', `/${created.json.id}`);
    expect([refused.status, refused.json.error.code]).toEqual([409, 'conflict']);
    expect(refused.json.error.message).toContain('1 image');
    expect((await s.api('DELETE', `/images/${uploaded.json.id}`, undefined, created.json.apiKey)).status).toBe(204);
    const trashed = await clients('DELETE', `/${created.json.id}`);
    expect([trashed.status, trashed.json.error.code]).toEqual([409, 'conflict']);
    expect(trashed.json.error.message).toContain('1 image in the trash');
    expect((await s.api('DELETE', `/images/${uploaded.json.id}?permanent=true`, undefined, created.json.apiKey)).status).toBe(204);
    expect((await clients('DELETE', `/${created.json.id}`)).status).toBe(204);
  });

  test('the last client cannot be deleted (409)', async () => {
    const t = await startServer();
    await t.ctx.accounts.createUser('bob', 'bob password 1');
    await expect(t.ctx.accounts.deleteClient(t.clientId)).rejects.toMatchObject({ code: 'conflict', message: 'The last client cannot be deleted' });
    await t.stop();
  });

  test('an API key cannot rename or delete clients (403); no session → 401', async () => {
    expect((await s.api('PATCH', '/clients/red-shop', { name: 'Via Key' })).status).toBe(403);
    expect((await s.api('DELETE', '/clients/red-shop')).status).toBe(403);
    expect((await fetch(`${s.url}/api/v1/clients/red-shop`, { method: 'DELETE' })).status).toBe(401);
  });
});
