import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { SQL } from 'bun';
import { join } from 'node:path';
import { jpeg, png } from '../helpers/fixtures';
import { fileForm } from '../helpers/api';
import { freshDatabase } from '../helpers/postgres';
import { startServer, type TestServer } from '../helpers/server';

/**
 * The audit log end to end: real servers on SQLite and PostgreSQL, changes made with an API key
 * and with a dashboard session, read back through GET /api/v1/audit; filters, paging, who may
 * read what, no secrets anywhere, retention, and a failed audit write that loses no change.
 */

const PASSWORD = 'correct horse battery staple';

async function logIn(s: TestServer, username: string): Promise<string> {
  await s.ctx.accounts.createUser(username, PASSWORD);
  const response = await fetch(`${s.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: s.url },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  return `imgapi_session=${/imgapi_session=([^;]+)/.exec(response.headers.get('set-cookie')!)![1]}`;
}

/** A request with the session cookie (and the client header the media routes need). */
async function asUser(s: TestServer, cookie: string, method: string, path: string, body?: unknown, clientId?: string) {
  const headers: Record<string, string> = { cookie, origin: s.url, ...(clientId ? { 'x-imgapi-client': clientId } : {}) };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${s.url}/api/v1${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : null };
}

const actionsOf = (page: { items: { action: string }[] }) => page.items.map((e) => e.action);

const backends = [
  { name: 'SQLite', env: async () => ({}) },
  { name: 'PostgreSQL', env: async () => ({ IMGAPI_DATABASE_URL: await freshDatabase() }) },
];

describe.each(backends)('audit log on $name', (backend) => {
  let s: TestServer;
  let cookie: string;
  /** Every secret the changes below handle: none may reach a stored row or an answer. */
  const secrets: string[] = [PASSWORD];

  beforeAll(async () => {
    s = await startServer({ ...(await backend.env()), IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1' });
    cookie = await logIn(s, 'alice');
    secrets.push(s.apiKey, s.secret);
  });
  afterAll(() => s.stop());

  test('every kind of change has its entry: actor (key or session user), client, action, target, time and address', async () => {
    const started = new Date().toISOString();
    // With the API key.
    const a = (await s.upload(await jpeg(40, 30), 'a.jpg', 'shop/shoes')).json;
    const b = (await s.upload(await png(20, 20), 'b.png')).json;
    expect((await s.api('PUT', `/images/${a.id}`, fileForm(await jpeg(50, 40), 'a2.jpg'))).status).toBe(200);
    expect((await s.api('PATCH', `/images/${a.id}`, { tags: ['red'], alt: 'A shoe' })).status).toBe(200);
    expect((await s.api('DELETE', `/images/${b.id}`)).status).toBe(204);
    expect((await s.api('POST', `/images/${b.id}/restore`)).status).toBe(200);
    expect((await s.api('POST', '/images/bulk', { ids: [a.id, b.id, 'nosuchimage'], action: 'tag', tags: ['sale'] })).status).toBe(200);
    expect((await s.api('DELETE', `/images/${b.id}?permanent=true`)).status).toBe(204);
    const folder = (await s.api('POST', '/folders', { path: 'archive/2026' })).json;
    expect((await s.api('POST', '/folders', { path: 'archive/2026' })).status).toBe(200); // exists: no entry
    expect((await s.api('PATCH', `/folders/${folder.id}`, { name: '2025' })).status).toBe(200);
    expect((await s.api('DELETE', `/folders/${folder.id}`)).status).toBe(204);
    const preset = (await s.api('POST', '/presets', { name: 'thumb', params: 'w_100' })).json;
    expect((await s.api('PATCH', `/presets/${preset.id}`, { params: 'w_120' })).status).toBe(200);
    expect((await s.api('POST', `/presets/${preset.id}/warm`, {})).status).toBe(200);
    expect((await s.api('DELETE', `/presets/${preset.id}`)).status).toBe(204);
    const key = (await s.api('POST', '/keys', { name: 'ci' })).json;
    secrets.push(key.apiKey);
    expect((await s.api('DELETE', `/keys/${key.id}`)).status).toBe(204);
    const rotated = (await s.api('POST', '/signing-secret/rotate', { graceSeconds: 60 })).json;
    secrets.push(rotated.secret);
    const hook = (await s.api('POST', '/webhooks', { url: 'http://127.0.0.1:9/hook/path-token-5e2c?token=query-token-9f1d', events: ['image.created'] })).json;
    secrets.push(hook.secret, 'path-token-5e2c', 'query-token-9f1d');
    expect((await s.api('DELETE', `/webhooks/${hook.id}`)).status).toBe(204);
    const target = (await s.api('POST', '/purge-targets', { kind: 'cloudflare', zoneId: 'zone-7', apiToken: 'cf-token-secret-31a8', apiBase: 'http://127.0.0.1:9' })).json;
    const hookTarget = (await s.api('POST', '/purge-targets', { kind: 'http', url: 'http://127.0.0.1:9/purge/path-secret-77', secret: 'hook-secret-c0de' })).json;
    secrets.push('cf-token-secret-31a8', 'hook-secret-c0de', 'path-secret-77');
    expect((await s.api('DELETE', `/purge-targets/${target.id}`)).status).toBe(204);
    expect((await s.api('DELETE', `/purge-targets/${hookTarget.id}`)).status).toBe(204);
    // With the dashboard session.
    const created = await asUser(s, cookie, 'POST', '/clients', { name: 'Blue Shop', id: 'blue' });
    expect(created.status).toBe(201);
    secrets.push(created.json.apiKey);
    expect((await asUser(s, cookie, 'PATCH', '/clients/blue', { name: 'Navy Shop' })).status).toBe(200);
    const c = await asUser(s, cookie, 'POST', '/images', fileForm(await jpeg(10, 10), 'c.jpg'), 'blue');
    expect(c.status).toBe(201);
    expect((await asUser(s, cookie, 'DELETE', `/images/${c.json.id}?permanent=true`, undefined, 'blue')).status).toBe(204);
    expect((await asUser(s, cookie, 'DELETE', '/clients/blue')).status).toBe(204);

    const read = await asUser(s, cookie, 'GET', '/audit?pageSize=100');
    expect(read.status).toBe(200);
    const { items, total, page, pageSize } = read.json;
    expect([total, page, pageSize]).toEqual([items.length, 1, 100]);
    // Newest first: reversed, the order the changes were made in.
    expect(actionsOf(read.json).reverse()).toEqual([
      'image.upload', 'image.upload', 'image.replace', 'image.update', 'image.delete', 'image.restore',
      'image.update', 'image.update', // bulk tag: one per image changed, none for the unknown id
      'image.purge',
      'folder.create', 'folder.rename', 'folder.delete',
      'preset.create', 'preset.update', 'preset.warm', 'preset.delete',
      'key.create', 'key.revoke', 'secret.rotate', 'webhook.create', 'webhook.delete',
      'purge-target.create', 'purge-target.create', 'purge-target.delete', 'purge-target.delete',
      'client.create', 'client.rename', 'image.upload', 'image.purge', 'client.delete',
    ]);
    const keyId = (await s.api('GET', '/keys')).json.items[0].id;
    const byKey = { kind: 'key', id: keyId, name: expect.any(String) };
    const alice = { kind: 'user', id: expect.any(String), name: 'alice' };
    const entry = (i: number) => items[items.length - 1 - i];
    expect(entry(0)).toEqual({ time: expect.any(String), actor: byKey, clientId: 'test', action: 'image.upload', target: { id: a.id, name: 'shop/shoes/a.jpg' }, address: '127.0.0.1' });
    expect(entry(4).target).toEqual({ id: b.id, name: 'b.png' });
    expect(entry(8).target).toEqual({ id: b.id, name: 'b.png' });
    expect(entry(9).target).toEqual({ id: folder.id, name: 'archive/2026' });
    expect(entry(10).target).toEqual({ id: folder.id, name: 'archive/2025' });
    expect(entry(12).target).toEqual({ id: preset.id, name: 'thumb' });
    expect(entry(16).target).toEqual({ id: key.id, name: 'ci' });
    expect(entry(18).target).toEqual({ id: 'test', name: null });
    expect(entry(19).target).toEqual({ id: hook.id, name: 'http://127.0.0.1:9' });
    expect(entry(21).target).toEqual({ id: target.id, name: 'cloudflare zone-7' });
    expect(entry(22).target).toEqual({ id: hookTarget.id, name: 'http http://127.0.0.1:9' });
    for (let i = 0; i < 25; i++) expect(entry(i)).toMatchObject({ actor: byKey, clientId: 'test', address: '127.0.0.1' });
    for (let i = 25; i < 30; i++) expect(entry(i)).toMatchObject({ actor: alice, clientId: 'blue', address: '127.0.0.1' });
    expect(entry(25).target).toEqual({ id: 'blue', name: 'Blue Shop' });
    expect(entry(26).target).toEqual({ id: 'blue', name: 'Navy Shop' });
    for (const e of items) expect(e.time >= started && e.time <= new Date().toISOString()).toBe(true);
  });

  test('filters: action or subject, actor by id, name or kind, client, time range; paging; a key reads its own client only', async () => {
    const all = (await asUser(s, cookie, 'GET', '/audit?pageSize=100')).json;
    const get = async (query: string) => (await asUser(s, cookie, 'GET', `/audit?${query}`)).json;
    expect(actionsOf(await get('action=preset.update'))).toEqual(['preset.update']);
    expect(actionsOf(await get('action=preset'))).toEqual(['preset.delete', 'preset.warm', 'preset.update', 'preset.create']);
    expect((await get('actor=alice')).total).toBe(5);
    expect((await get('actor=ALICE')).total).toBe(5);
    expect((await get('actor=user')).total).toBe(5);
    const keyId = all.items.find((e: any) => e.actor.kind === 'key').actor.id;
    expect((await get(`actor=${keyId}`)).total).toBe(all.total - 5);
    expect((await get('clientId=blue')).total).toBe(5);
    expect((await get('clientId=blue&action=image')).items.map((e: any) => e.action)).toEqual(['image.purge', 'image.upload']);
    expect((await get('from=2000-01-01&to=2000-12-31')).total).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect((await get(`from=${today}&to=${today}`)).total).toBe(all.total);
    const middle = all.items[10].time;
    expect((await get(`to=${encodeURIComponent(middle)}&pageSize=100`)).items.every((e: any) => e.time <= middle)).toBe(true);
    // Pages of 7 put together are the whole list, in the same order.
    const pages = [];
    for (let page = 1; page <= Math.ceil(all.total / 7); page++) pages.push(...(await get(`page=${page}&pageSize=7`)).items);
    expect(pages).toEqual(all.items);
    expect((await get(`page=${Math.ceil(all.total / 7) + 1}&pageSize=7`)).items).toEqual([]);

    // The key sees its client's entries only; another client (existing or deleted) is a 404.
    const own = await s.api('GET', '/audit?pageSize=100');
    expect(own.status).toBe(200);
    expect(own.json.total).toBe(all.total - 5);
    expect(own.json.items.every((e: any) => e.clientId === 'test')).toBe(true);
    expect((await s.api('GET', '/audit?clientId=test')).json.total).toBe(all.total - 5);
    for (const other of ['blue', 'nobody']) {
      const refused = await s.api('GET', `/audit?clientId=${other}`);
      expect([refused.status, refused.json.error.code]).toEqual([404, 'not_found']);
    }

    // X-Imgapi-Client naming a client the caller does not reach is a 404, as on every per-client
    // route (it was ignored: the key's own entries answered 200 under another client's name).
    const header = (key: string, client: string) => fetch(`${s.url}/api/v1/audit`, { headers: { 'x-api-key': key, 'x-imgapi-client': client } });
    expect((await header(s.apiKey, 'blue')).status).toBe(404);
    expect((await header(s.apiKey, 'test')).status).toBe(200);
    expect((await asUser(s, cookie, 'GET', '/audit', undefined, 'nobody')).status).toBe(404);
    // A session naming a client it reaches still reads across its clients (the page filters with clientId).
    expect((await asUser(s, cookie, 'GET', '/audit?pageSize=100', undefined, 'test')).json.total).toBe(all.total);
  });

  test('bad filters are 400 in the error shape; no credentials 401; an unknown key 401', async () => {
    for (const query of ['action=image.explode', 'action=', 'from=yesterday', 'to=2026-02-30', 'from=2026-03-02&to=2026-03-01', 'page=0', 'page=-1', 'pageSize=101', 'pageSize=1e2', `actor=${'x'.repeat(201)}`, 'clientId=']) {
      const answer = await s.api('GET', `/audit?${query}`);
      expect([query, answer.status, answer.json.error.code, typeof answer.json.error.message]).toEqual([query, 400, 'invalid_input', 'string']);
    }
    const anonymous = await fetch(`${s.url}/api/v1/audit`);
    expect(anonymous.status).toBe(401);
    expect((await s.api('GET', '/audit', undefined, 'isk_unknown')).status).toBe(401);
  });

  test('users: invite, accept, role, grants, disable, reset and passwords recorded (installation-wide but for one client\'s grant); a member reads only the clients granted', async () => {
    const bobPassword = 'bob secret password 1';
    const newPassword = 'bob secret password 2';
    const alicePassword = 'alice new secret password';
    secrets.push(bobPassword, newPassword, alicePassword);
    const invited = await asUser(s, cookie, 'POST', '/users/invites', { role: 'member', clientIds: ['test'] });
    expect(invited.status).toBe(201);
    const inviteToken = invited.json.url.split('#/invite/')[1];
    secrets.push(inviteToken);
    const accepted = await fetch(`${s.url}/api/v1/users/invites/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: inviteToken, username: 'bob', password: bobPassword }),
    });
    expect(accepted.status).toBe(201);
    const bob = (await asUser(s, cookie, 'GET', '/users')).json.items.find((u: any) => u.username === 'bob');

    // Bob, a member granted `test`, reads that client's entries only: not blue's, not the users'.
    const login = await fetch(`${s.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: s.url },
      body: JSON.stringify({ username: 'bob', password: bobPassword }),
    });
    const bobCookie = `imgapi_session=${/imgapi_session=([^;]+)/.exec(login.headers.get('set-cookie')!)![1]}`;
    const bobReads = (await asUser(s, bobCookie, 'GET', '/audit?pageSize=100')).json;
    expect(bobReads.total).toBe((await s.api('GET', '/audit')).json.total);
    expect(bobReads.items.every((e: any) => e.clientId === 'test')).toBe(true);
    expect((await asUser(s, bobCookie, 'GET', '/audit?clientId=blue')).status).toBe(404);
    expect((await asUser(s, bobCookie, 'GET', '/audit', undefined, 'blue')).status).toBe(404);
    expect((await asUser(s, bobCookie, 'GET', '/audit', undefined, 'test')).status).toBe(200);

    expect((await asUser(s, cookie, 'PATCH', `/users/${bob.id}`, { role: 'viewer' })).status).toBe(200);
    expect((await asUser(s, cookie, 'DELETE', `/users/${bob.id}/clients/test`)).status).toBe(200);
    expect((await asUser(s, cookie, 'PUT', `/users/${bob.id}/clients/test`)).status).toBe(200);
    expect((await asUser(s, cookie, 'PATCH', `/users/${bob.id}`, { disabled: true })).status).toBe(200);
    expect((await asUser(s, cookie, 'PATCH', `/users/${bob.id}`, { disabled: false })).status).toBe(200);
    const reset = await asUser(s, cookie, 'POST', `/users/${bob.id}/password-reset`);
    expect(reset.status).toBe(201);
    const resetToken = reset.json.url.split('#/reset/')[1];
    secrets.push(resetToken);
    const resetDone = await fetch(`${s.url}/api/v1/users/password-reset/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: resetToken, password: newPassword }),
    });
    expect(resetDone.status).toBe(200);
    expect((await asUser(s, cookie, 'PUT', '/users/me/password', { currentPassword: PASSWORD, newPassword: alicePassword })).status).toBe(204);
    const withdrawn = await asUser(s, cookie, 'POST', '/users/invites', { role: 'admin' });
    secrets.push(withdrawn.json.url.split('#/invite/')[1]);
    expect((await asUser(s, cookie, 'DELETE', `/users/invites/${withdrawn.json.invite.id}`)).status).toBe(204);

    const entries = (await asUser(s, cookie, 'GET', '/audit?action=user&pageSize=100')).json.items.reverse();
    const alice = { kind: 'user', id: expect.any(String), name: 'alice' };
    const asBob = { kind: 'user', id: bob.id, name: 'bob' };
    const named = { id: bob.id, name: 'bob' };
    expect(entries.map((e: any) => [e.action, e.actor, e.clientId, e.target])).toEqual([
      ['user.invite', alice, null, { id: invited.json.invite.id, name: 'member invitation' }],
      ['user.create', asBob, null, named],
      ['user.role', alice, null, named],
      ['user.ungrant', alice, 'test', named],
      ['user.grant', alice, 'test', named],
      ['user.disable', alice, null, named],
      ['user.enable', alice, null, named],
      ['user.reset', alice, null, named],
      ['user.password', asBob, null, named],
      ['user.password', alice, null, { id: alice.id, name: 'alice' }],
      ['user.invite', alice, null, { id: withdrawn.json.invite.id, name: 'admin invitation' }],
      ['user.uninvite', alice, null, { id: withdrawn.json.invite.id, name: 'admin invitation' }],
    ]);
    for (const e of entries) expect(e.address).toBe('127.0.0.1');
    // Installation-wide entries are not a key's to read.
    expect((await s.api('GET', '/audit?action=user.role')).json.total).toBe(0);
  });

  test("a client's quotas set by an owner are recorded as client.quota", async () => {
    expect((await asUser(s, cookie, 'PATCH', '/clients/test', { quotas: { maxImages: 1000 } })).status).toBe(200);
    const [entry] = (await asUser(s, cookie, 'GET', '/audit?action=client.quota')).json.items;
    expect(entry).toEqual({
      time: expect.any(String),
      actor: { kind: 'user', id: expect.any(String), name: 'alice' },
      clientId: 'test',
      action: 'client.quota',
      target: { id: 'test', name: 'Test client' },
      address: '127.0.0.1',
    });
  });

  test('no secret is stored or answered: keys, signing secrets, webhook and hook secrets, tokens, passwords', async () => {
    const url = s.ctx.config.databaseUrl;
    let rows: unknown[];
    if (url) {
      const sql = new SQL(url);
      rows = [...(await sql`SELECT * FROM audit_log`)];
      await sql.close();
    } else {
      const db = new Database(join(s.dataDir, 'imgapi.db'), { readonly: true });
      rows = db.query('SELECT * FROM audit_log').all();
      db.close();
    }
    expect(rows.length).toBeGreaterThan(25);
    const stored = JSON.stringify(rows);
    const answered = (await asUser(s, cookie, 'GET', '/audit?pageSize=100')).text + JSON.stringify((await s.api('GET', '/audit?pageSize=100')).json);
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(stored.includes(secret)).toBe(false);
      expect(answered.includes(secret)).toBe(false);
    }
  });

  test('an image deleted for good from the trash is named in its image.purge entry, as one deleted for good at once', async () => {
    const d = (await s.upload(await jpeg(12, 12), 'd.jpg', 'bin')).json;
    expect((await s.api('DELETE', `/images/${d.id}`)).status).toBe(204);
    expect((await s.api('DELETE', `/images/${d.id}?permanent=true`)).status).toBe(204);
    const [purged] = (await s.api('GET', '/audit?action=image.purge&pageSize=1')).json.items;
    expect(purged.target).toEqual({ id: d.id, name: 'bin/d.jpg' });
  });
});

describe('audit log: retention, trash expiry, a failed write', () => {
  let s: TestServer;
  beforeAll(async () => {
    // The trash keeps 0.00002 days (1.7 s); the audit log 1 day; both jobs look every 100 ms.
    s = await startServer({ IMGAPI_TRASH_DAYS: '0.00002', IMGAPI_TRASH_SWEEP_MS: '100', IMGAPI_AUDIT_DAYS: '1', IMGAPI_AUDIT_PRUNE_MS: '100' });
  });
  afterAll(() => s.stop());

  test('entries past IMGAPI_AUDIT_DAYS are pruned by the background job; newer ones stay', async () => {
    const db = new Database(join(s.dataDir, 'imgapi.db'));
    const insert = db.query(
      "INSERT INTO audit_log (time, actor_kind, actor_id, actor_name, actor_name_lower, client_id, action, target_id, target_name, address) VALUES (?, 'local', NULL, 'cli', 'cli', 'test', 'preset.create', 'p1', ?, NULL)",
    );
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
    insert.run(hoursAgo(25), 'old');
    insert.run(hoursAgo(23), 'recent');
    db.close();
    const deadline = Date.now() + 5_000;
    let names: string[] = [];
    while (Date.now() < deadline) {
      names = (await s.api('GET', '/audit?action=preset.create')).json.items.map((e: any) => e.target.name);
      if (!names.includes('old')) break;
      await Bun.sleep(50);
    }
    expect(names).toEqual(['recent']);
  });

  test('the trash expiry job records image.expire with actor system and no address', async () => {
    const image = (await s.upload(await jpeg(10, 10), 'gone.jpg')).json;
    expect((await s.api('DELETE', `/images/${image.id}`)).status).toBe(204);
    const deadline = Date.now() + 10_000;
    let expired: any[] = [];
    while (Date.now() < deadline && expired.length === 0) {
      expired = (await s.api('GET', '/audit?action=image.expire')).json.items;
      await Bun.sleep(100);
    }
    expect(expired).toEqual([
      { time: expect.any(String), actor: { kind: 'system', id: null, name: 'system' }, clientId: 'test', action: 'image.expire', target: { id: image.id, name: 'gone.jpg' }, address: null },
    ]);
  });

  test('IMGAPI_AUDIT_DAYS is validated at start-up', async () => {
    const { loadConfig } = await import('../../src/config');
    for (const bad of ['0', '-1', 'ninety', '1e2', '40000']) expect(() => loadConfig({ IMGAPI_AUDIT_DAYS: bad })).toThrow(/IMGAPI_AUDIT_DAYS/);
    expect(loadConfig({}).auditDays).toBe(90);
    expect(loadConfig({ IMGAPI_AUDIT_DAYS: '0.5' }).auditDays).toBe(0.5);
  });

  test('an audit write that fails loses no change: the upload is stored and answered 201', async () => {
    const db = new Database(join(s.dataDir, 'imgapi.db'));
    db.exec('ALTER TABLE audit_log RENAME TO audit_log_away');
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => void errors.push(String(line));
    try {
      const uploaded = await s.upload(await jpeg(12, 12), 'kept.jpg');
      expect(uploaded.status).toBe(201);
      expect((await s.api('GET', `/images/${uploaded.json.id}`)).json.originalName).toBe('kept.jpg');
    } finally {
      console.error = original;
      db.exec('ALTER TABLE audit_log_away RENAME TO audit_log');
      db.close();
    }
    expect(errors.some((line) => line.includes('audit write failed') && line.includes('image.upload'))).toBe(true);
  });
});
