import { afterAll, beforeAll, describe, expect, spyOn, test } from 'bun:test';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
  await s.ctx.accounts.createUser('alice', 'correct horse battery');
});
afterAll(() => s.stop());

const login = (username: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: s.url, ...headers },
    body: JSON.stringify({ username, password }),
  });

async function session(): Promise<string> {
  const response = await login('alice', 'correct horse battery');
  expect(response.status).toBe(200);
  return /imgapi_session=([^;]+)/.exec(response.headers.get('set-cookie')!)![1]!;
}

describe('dashboard sessions', () => {
  test('login sets an HttpOnly, SameSite=Strict cookie; Secure behind HTTPS', async () => {
    const plain = await login('alice', 'correct horse battery');
    expect(await plain.json()).toEqual({ username: 'alice' });
    const cookie = plain.headers.get('set-cookie')!;
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure');
    const proxied = await login('alice', 'correct horse battery', { 'x-forwarded-proto': 'https' });
    expect(proxied.headers.get('set-cookie')).toContain('; Secure');
  });

  test('an unknown user name costs the same argon2 verify as a wrong password: the answer\'s time does not tell which names exist', async () => {
    const verify = spyOn(Bun.password, 'verify');
    try {
      for (const [username, password] of [['alice', 'wrong horse battery'], ['nobody', 'wrong horse battery'], ['nobody', 'correct horse battery']]) {
        verify.mockClear();
        const refused = await login(username!, password!);
        expect([username, refused.status, verify.mock.calls.length]).toEqual([username, 401, 1]);
      }
    } finally {
      verify.mockRestore();
    }
  });

  test('wrong password → 401 with a clear message; /auth/me says who is logged in', async () => {
    const wrong = await login('alice', 'nope');
    expect([wrong.status, (await wrong.json()).error]).toEqual([401, { code: 'unauthorized', message: 'Wrong username or password' }]);
    const cookie = await session();
    const me = await fetch(`${s.url}/auth/me`, { headers: { cookie: `imgapi_session=${cookie}` } });
    expect(await me.json()).toEqual({ username: 'alice', role: 'owner', clientIds: null });
    expect(await (await fetch(`${s.url}/auth/me`)).json()).toEqual({ username: null });
  });

  test('the session works on /api/v1 for the client in X-Imgapi-Client, with a same-origin Origin for mutations', async () => {
    const cookie = `imgapi_session=${await session()}`;
    const list = await fetch(`${s.url}/api/v1/folders`, { headers: { cookie, 'x-imgapi-client': s.clientId } });
    expect(list.status).toBe(200);
    const noClient = await fetch(`${s.url}/api/v1/folders`, { headers: { cookie } });
    expect(noClient.status).toBe(400);
    const unknownClient = await fetch(`${s.url}/api/v1/folders`, { headers: { cookie, 'x-imgapi-client': 'nobody' } });
    expect(unknownClient.status).toBe(404);

    const create = (headers: Record<string, string>) =>
      fetch(`${s.url}/api/v1/folders`, {
        method: 'POST',
        headers: { cookie, 'x-imgapi-client': s.clientId, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ path: 'from-dashboard' }),
      });
    expect((await create({ origin: s.url })).status).toBe(201);
    for (const headers of [{}, { origin: 'https://evil.example' }, { origin: 'null' }] as Record<string, string>[]) {
      const response = await create(headers);
      expect([JSON.stringify(headers), response.status]).toEqual([JSON.stringify(headers), 403]);
    }
    const crossSiteLogin = await login('alice', 'correct horse battery', { origin: 'https://evil.example' });
    expect(crossSiteLogin.status).toBe(403);
  });

  test('logout ends the session: the old cookie is refused', async () => {
    const cookie = `imgapi_session=${await session()}`;
    const out = await fetch(`${s.url}/auth/logout`, { method: 'POST', headers: { cookie, origin: s.url } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    const after = await fetch(`${s.url}/api/v1/folders`, { headers: { cookie, 'x-imgapi-client': s.clientId } });
    expect(after.status).toBe(401);
  });

  test('clients: listed and created with a session only; an API key gets 403', async () => {
    const cookie = `imgapi_session=${await session()}`;
    const created = await fetch(`${s.url}/api/v1/clients`, {
      method: 'POST',
      headers: { cookie, origin: s.url, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Blue Shop' }),
    });
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ id: 'blue-shop', name: 'Blue Shop' });
    expect(body.apiKey).toMatch(/^isk_/);
    const listed = await (await fetch(`${s.url}/api/v1/clients`, { headers: { cookie } })).json();
    expect(listed.items.map((c: any) => c.id)).toEqual(['test', 'blue-shop']);
    expect((await s.api('GET', '/clients')).status).toBe(403);
    expect((await fetch(`${s.url}/api/v1/clients`)).status).toBe(401);
  });

  test('repeated failures are slowed down: 429 with Retry-After, for that user and that address', async () => {
    const t = await startServer();
    await t.ctx.accounts.createUser('carol', 'carol password');
    const attempt = (password: string) =>
      fetch(`${t.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: t.url },
        body: JSON.stringify({ username: 'carol', password }),
      });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong')).status).toBe(401);
    const locked = await attempt('carol password');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await locked.json()).error.code).toBe('rate_limited');
    await t.stop();
  });
});

describe('dashboard page', () => {
  test('/ serves the app with a strict CSP and no framing; assets are immutable', async () => {
    const page = await fetch(`${s.url}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${s.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${s.url}/assets/nope.js`)).status).toBe(404);
  });
});
