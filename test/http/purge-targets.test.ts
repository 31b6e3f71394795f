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

  test('GET /purge-targets/:id: the one target, masked as listed; another client\'s (and an unknown id) is 404', async () => {
    const made = await s.api('POST', '/purge-targets', { kind: 'cloudflare', zoneId: 'zone-get', apiToken: 'cf-token-to-get-7788', apiBase: 'https://api.cloudflare.com/client/v4' });
    const one = await s.api('GET', `/purge-targets/${made.json.id}`);
    expect(one.status).toBe(200);
    expect(one.json).toEqual({ id: made.json.id, kind: 'cloudflare', zoneId: 'zone-get', apiBase: 'https://api.cloudflare.com/client/v4', secretHint: '••••7788', createdAt: made.json.createdAt });
    expect(JSON.stringify(one.json)).not.toContain('cf-token-to-get');
    const hook = await s.api('POST', '/purge-targets', { kind: 'http', url: 'https://hooks.example.com/get', secret: 'hook-secret-to-get-4455' });
    expect((await s.api('GET', `/purge-targets/${hook.json.id}`)).json).toEqual({ id: hook.json.id, kind: 'http', url: 'https://hooks.example.com/get', secretHint: '••••4455', createdAt: hook.json.createdAt });
    const other = await s.ctx.accounts.createClient('Other get', 'other-get');
    const stranger = await s.api('GET', `/purge-targets/${made.json.id}`, undefined, other.apiKey.apiKey);
    expect([stranger.status, stranger.json.error.code]).toEqual([404, 'not_found']);
    expect(JSON.stringify(stranger.json)).not.toContain('zone-get');
    expect((await s.api('GET', '/purge-targets/no-such-target')).status).toBe(404);
    expect((await s.api('DELETE', `/purge-targets/${made.json.id}`)).status).toBe(204);
    expect((await s.api('GET', `/purge-targets/${made.json.id}`)).status).toBe(404);
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

describe('SSRF: a target on a private address is refused without IMGAPI_WEBHOOK_ALLOW_PRIVATE', () => {
  const hostile = [
    'http://127.0.0.1/purge', 'http://127.1.2.3:8080/', 'http://localhost/purge', 'http://api.localhost/', 'http://0.0.0.0/',
    'http://[::1]/', 'http://[::]/', 'http://169.254.169.254/latest/meta-data/', 'http://metadata.google.internal/',
    'http://10.0.0.1/', 'http://172.16.5.4/', 'http://192.168.1.1/', 'http://100.64.0.1/',
    'http://[fd00::1]/', 'http://[fd00:ec2::254]/', 'http://[fe80::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:169.254.169.254]/',
    'http://[64:ff9b::7f00:1]/', 'http://2130706433/', 'http://0x7f000001/', 'http://0177.0.0.1/', 'https://[ff02::1]/',
    'http://[64:ff9b::a9fe:a9fe]/', 'http://[64:ff9b::10.1.2.3]/', 'http://[64:ff9b:1::808:808]/', 'http://[2001::1]/',
    'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'http://[100::1]/', 'http://[::ffff:0:127.0.0.1]/', 'http://[::ffff:0:808:808]/',
  ];
  test.each(hostile)('%s as a hook URL or a provider apiBase → 400 forbidden_target', async (url) => {
    const bodies = [
      { kind: 'http', url },
      { kind: 'cloudflare', zoneId: 'z', apiToken: 'cf-token', apiBase: url },
      { kind: 'fastly', serviceId: 's', apiToken: 'f-token', apiBase: url },
      { kind: 'bunny', accessKey: 'b-key', apiBase: url },
    ];
    for (const body of bodies) {
      const answer = await s.api('POST', '/purge-targets', body);
      expect([body.kind, url, answer.status, answer.json.error?.code]).toEqual([body.kind, url, 400, 'forbidden_target']);
    }
    expect((await s.api('GET', '/purge-targets')).json.items.some((t: { url?: string; apiBase?: string }) => t.url === url || t.apiBase === url)).toBe(false);
  });

  test('a public address is registered without a connection; with IMGAPI_WEBHOOK_ALLOW_PRIVATE=1 a loopback target is accepted', async () => {
    const ok = await s.api('POST', '/purge-targets', { kind: 'http', url: 'https://93.184.215.14/purge' });
    expect(ok.status).toBe(201);
    expect((await s.api('GET', `/purge-targets/${ok.json.id}/deliveries`)).json.items).toEqual([]);
    const allowed = await startServer({ IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1' });
    try {
      const made = await allowed.api('POST', '/purge-targets', { kind: 'bunny', accessKey: 'b-key', apiBase: 'http://127.0.0.1:9/' });
      expect([made.status, made.json.apiBase]).toEqual([201, 'http://127.0.0.1:9/']);
    } finally {
      await allowed.stop();
    }
  });
});
