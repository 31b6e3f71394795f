import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.stop());

describe('/api/v1/purge-targets', () => {
  test('add each kind; the list never shows a token, only its last 4 characters', async () => {
    const made = [
      await s.api('POST', '/purge-targets', { kind: 'cloudflare', zoneId: 'zone-1', apiToken: 'cf-secret-token-1234' }),
      await s.api('POST', '/purge-targets', { kind: 'fastly', serviceId: 'svc-1', apiToken: 'fastly-secret-5678', apiBase: 'https://api.fastly.com' }),
      await s.api('POST', '/purge-targets', { kind: 'bunny', accessKey: 'bunny-access-key-9abc' }),
      await s.api('POST', '/purge-targets', { kind: 'http', url: 'https://hooks.example.com/purge', secret: 'hook-secret-def0' }),
    ];
    expect(made.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(made[0]!.json).toMatchObject({ kind: 'cloudflare', zoneId: 'zone-1', secretHint: '••••1234' });
    expect(made[1]!.json).toMatchObject({ kind: 'fastly', serviceId: 'svc-1', apiBase: 'https://api.fastly.com', secretHint: '••••5678' });
    expect(made[2]!.json).toMatchObject({ kind: 'bunny', secretHint: '••••9abc' });
    expect(made[3]!.json).toMatchObject({ kind: 'http', url: 'https://hooks.example.com/purge', secretHint: '••••def0' });
    const list = await s.api('GET', '/purge-targets');
    expect(list.status).toBe(200);
    expect(list.json.items.map((t: { id: string }) => t.id).sort()).toEqual(made.map((r) => r.json.id).sort());
    const text = JSON.stringify(list.json);
    for (const secret of ['cf-secret-token-1234', 'fastly-secret-5678', 'bunny-access-key-9abc', 'hook-secret-def0']) expect(text).not.toContain(secret);
  });

  test('bad input is a 400 that names the field', async () => {
    const unknown = await s.api('POST', '/purge-targets', { kind: 'akamai' });
    expect(unknown.status).toBe(400);
    const noToken = await s.api('POST', '/purge-targets', { kind: 'cloudflare', zoneId: 'z' });
    expect(noToken.status).toBe(400);
    const badUrl = await s.api('POST', '/purge-targets', { kind: 'http', url: 'ftp://example.com/x' });
    expect(badUrl.status).toBe(400);
    expect(badUrl.json.error.message).toContain('url');
  });

  test('delete: 204, then 404; another client cannot see or delete a target', async () => {
    const made = await s.api('POST', '/purge-targets', { kind: 'fastly', serviceId: 'gone', apiToken: 'token-to-delete' });
    const other = await s.ctx.accounts.createClient('Other', 'other');
    const otherKey = other.apiKey.apiKey;
    expect((await s.api('GET', '/purge-targets', undefined, otherKey)).json.items).toEqual([]);
    expect((await s.api('DELETE', `/purge-targets/${made.json.id}`, undefined, otherKey)).status).toBe(404);
    expect((await s.api('DELETE', `/purge-targets/${made.json.id}`)).status).toBe(204);
    expect((await s.api('DELETE', `/purge-targets/${made.json.id}`)).status).toBe(404);
  });

  test('an API key is required', async () => {
    const response = await fetch(`${s.url}/api/v1/purge-targets`);
    expect(response.status).toBe(401);
  });
});
