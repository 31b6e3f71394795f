import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createApp } from '../../src/http/app';
import type { Role } from '../../src/core/roles';
import { fileForm } from '../helpers/api';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { logInCookie, sessionRequest } from '../helpers/sessions';

/**
 * Roles enforced on the server, route by route, over real HTTP: what each role may do to a
 * client it reaches, and that a member or viewer reaches nothing of a client not granted.
 */
let s: TestServer;
let otherKey: string;
const cookies = {} as Record<Role, string>;
const ROLES: Role[] = ['owner', 'admin', 'member', 'viewer'];
const PASSWORD = 'a long enough password';

beforeAll(async () => {
  s = await startServer({ IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1' });
  otherKey = (await s.ctx.accounts.createClient('Other', 'other')).apiKey.apiKey;
  for (const role of ROLES) {
    await s.ctx.users.create({ username: role, password: PASSWORD, role, clientIds: role === 'member' || role === 'viewer' ? [s.clientId] : [] });
    cookies[role] = await logInCookie(s.url, role, PASSWORD);
  }
});
afterAll(() => s.stop());

const as = (role: Role, method: string, path: string, body?: unknown, clientId = s.clientId) => sessionRequest(s.url, cookies[role], clientId, method, `/api/v1${path}`, body);

async function uploaded(key = s.apiKey): Promise<string> {
  const answer = await s.api('POST', '/images', fileForm(await jpeg(8, 8), 'a.jpg'), key);
  expect(answer.status).toBe(201);
  return answer.json.id;
}
async function created(path: string, body: unknown): Promise<string> {
  const answer = await s.api('POST', path, body);
  expect(answer.status).toBe(201);
  return answer.json.id;
}
let presetSeq = 0;
const preset = () => created('/presets', { name: `p${++presetSeq}`, params: 'w_100', widths: [100, 200] });
const folder = () => created('/folders', { path: `f${++presetSeq}` });
const webhook = () => created('/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['image.created'] });
const purgeTarget = () => created('/purge-targets', { kind: 'http', url: 'http://127.0.0.1:9/purge' });

interface RouteCase {
  method: string;
  /** The path under /api/v1 and body for one request, on objects made fresh for it. */
  make: () => Promise<{ path: string; body?: unknown }>;
  /** What owners, admins and members get. */
  ok: number;
  /** What a viewer gets: a read answers as for the others, a change is 403. */
  viewer?: number;
}

const read = (method: string, path: string | (() => Promise<string>), ok = 200, body?: () => unknown): RouteCase => ({
  method,
  make: async () => ({ path: typeof path === 'string' ? path : await path(), body: body?.() }),
  ok,
  viewer: ok,
});
const change = (method: string, make: RouteCase['make'], ok: number): RouteCase => ({ method, make, ok, viewer: 403 });

/** Every per-client route (test below: no route is missing from this table). */
const ROUTES: Record<string, RouteCase> = {
  'GET /api/v1/images': read('GET', '/images'),
  'GET /api/v1/images/:id': read('GET', async () => `/images/${await uploaded()}`),
  'GET /api/v1/images/:id/embed': read('GET', async () => {
    const image = await uploaded();
    const name = `e${++presetSeq}`;
    await s.api('POST', '/presets', { name, params: 'w_100', widths: [100, 200] });
    return `/images/${image}/embed?preset=${name}`;
  }),
  'POST /api/v1/images': change('POST', async () => ({ path: '/images', body: fileForm(await jpeg(8, 8), 'new.jpg') }), 201),
  'PUT /api/v1/images/:id': change('PUT', async () => ({ path: `/images/${await uploaded()}`, body: fileForm(await jpeg(9, 9), 'b.jpg') }), 200),
  'PATCH /api/v1/images/:id': change('PATCH', async () => ({ path: `/images/${await uploaded()}`, body: { alt: 'changed' } }), 200),
  'DELETE /api/v1/images/:id': change('DELETE', async () => ({ path: `/images/${await uploaded()}` }), 204),
  'POST /api/v1/images/bulk': change('POST', async () => ({ path: '/images/bulk', body: { ids: [await uploaded()], action: 'tag', tags: ['x'] } }), 200),
  'POST /api/v1/images/zip': { method: 'POST', make: async () => ({ path: '/images/zip', body: { ids: [await uploaded()] } }), ok: 200, viewer: 200 },
  'GET /api/v1/trash': read('GET', '/trash'),
  'POST /api/v1/images/:id/restore': change('POST', async () => {
    const id = await uploaded();
    await s.api('DELETE', `/images/${id}`);
    return { path: `/images/${id}/restore` };
  }, 200),
  'GET /api/v1/folders': read('GET', '/folders'),
  'POST /api/v1/folders': change('POST', async () => ({ path: '/folders', body: { path: `new-${++presetSeq}` } }), 201),
  'PATCH /api/v1/folders/:id': change('PATCH', async () => ({ path: `/folders/${await folder()}`, body: { name: `renamed-${++presetSeq}` } }), 200),
  'PUT /api/v1/folders/:id': change('PUT', async () => ({ path: `/folders/${await folder()}`, body: { name: `renamed-${++presetSeq}` } }), 200),
  'DELETE /api/v1/folders/:id': change('DELETE', async () => ({ path: `/folders/${await folder()}` }), 204),
  'GET /api/v1/search': read('GET', '/search?q=abc'),
  'POST /api/v1/sign': read('POST', async () => '/sign', 200),
  'GET /api/v1/signing-secret': { ...read('GET', '/signing-secret'), viewer: 403 },
  'POST /api/v1/signing-secret/rotate': change('POST', async () => ({ path: '/signing-secret/rotate', body: { graceSeconds: 3600 } }), 200),
  'GET /api/v1/usage': read('GET', '/usage'),
  'GET /api/v1/quotas': read('GET', '/quotas'),
  'GET /api/v1/presets': read('GET', '/presets'),
  'POST /api/v1/presets': change('POST', async () => ({ path: '/presets', body: { name: `n${++presetSeq}`, params: 'w_50' } }), 201),
  'PATCH /api/v1/presets/:id': change('PATCH', async () => ({ path: `/presets/${await preset()}`, body: { params: 'w_60' } }), 200),
  'POST /api/v1/presets/:id/warm': change('POST', async () => ({ path: `/presets/${await preset()}/warm`, body: {} }), 200),
  'GET /api/v1/presets/:id/warm': read('GET', async () => `/presets/${await preset()}/warm`),
  'DELETE /api/v1/presets/:id': change('DELETE', async () => ({ path: `/presets/${await preset()}` }), 204),
  'GET /api/v1/purge-targets': { ...read('GET', '/purge-targets'), viewer: 403 },
  'POST /api/v1/purge-targets': change('POST', async () => ({ path: '/purge-targets', body: { kind: 'http', url: 'http://127.0.0.1:9/p' } }), 201),
  'GET /api/v1/purge-targets/:id': { ...read('GET', async () => `/purge-targets/${await purgeTarget()}`), viewer: 403 },
  'GET /api/v1/purge-targets/:id/deliveries': { ...read('GET', async () => `/purge-targets/${await purgeTarget()}/deliveries`), viewer: 403 },
  'DELETE /api/v1/purge-targets/:id': change('DELETE', async () => ({ path: `/purge-targets/${await purgeTarget()}` }), 204),
  'GET /api/v1/webhooks': { ...read('GET', '/webhooks'), viewer: 403 },
  'POST /api/v1/webhooks': change('POST', async () => ({ path: '/webhooks', body: { url: 'http://127.0.0.1:9/w', events: ['image.created'] } }), 201),
  'GET /api/v1/webhooks/:id/deliveries': { ...read('GET', async () => `/webhooks/${await webhook()}/deliveries`), viewer: 403 },
  'POST /api/v1/webhooks/:id/test': change('POST', async () => ({ path: `/webhooks/${await webhook()}/test` }), 202),
  'DELETE /api/v1/webhooks/:id': change('DELETE', async () => ({ path: `/webhooks/${await webhook()}` }), 204),
  'GET /api/v1/keys': read('GET', '/keys'),
  'POST /api/v1/keys': change('POST', async () => ({ path: '/keys', body: { name: 'made' } }), 201),
  'DELETE /api/v1/keys/:id': change('DELETE', async () => ({ path: `/keys/${await created('/keys', { name: 'doomed' })}` }), 204),
};
// The sign route needs an image to sign for.
ROUTES['POST /api/v1/sign']!.make = async () => ({ path: '/sign', body: { imageId: await uploaded(), transform: 'w_10' } });

/**
 * Routes a dashboard session calls outside a client, with rules of their own tested in their
 * own files: clients and users here below and in users.test.ts, the audit log (filtered by the
 * clients granted) in audit.test.ts.
 */
const INSTANCE_ROUTES = /^\/api\/v1\/(clients|users|audit)(\/|$)/;

describe('roles × per-client routes', () => {
  test('the table names every per-client route of the app', () => {
    const routes = createApp(s.ctx)
      .routes.filter((r) => r.path.startsWith('/api/v1/') && !INSTANCE_ROUTES.test(r.path))
      .map((r) => `${r.method} ${r.path}`);
    const missing = routes.filter((r) => !(r in ROUTES));
    expect(missing).toEqual([]);
  });

  for (const [name, route] of Object.entries(ROUTES)) {
    test(`${name}: owner, admin, member → ${route.ok}; viewer → ${route.viewer}`, async () => {
      const statuses: Record<string, number> = {};
      for (const role of ROLES) {
        const { path, body } = await route.make();
        const answer = await as(role, route.method, path, body);
        statuses[role] = answer.status;
        if (answer.status === 403) expect(answer.json.error.code).toBe('forbidden');
      }
      expect(statuses).toEqual({ owner: route.ok, admin: route.ok, member: route.ok, viewer: route.viewer! });
    });
  }

  test('every route, for a member or viewer naming a client not granted: 404 not_found as for an unknown client, nothing changed', async () => {
    const image = await uploaded(otherKey);
    for (const [name, route] of Object.entries(ROUTES)) {
      const { path, body } = await route.make();
      for (const role of ['member', 'viewer'] as const) {
        const answer = await as(role, route.method, path, body, 'other');
        expect([name, role, answer.status, answer.json.error]).toEqual([name, role, 404, { code: 'not_found', message: 'Client not found' }]);
        const unknown = await as(role, route.method, path, body, 'no-such-client');
        expect([name, unknown.status, unknown.json.error.message]).toEqual([name, 404, 'Client not found']);
      }
    }
    // Nothing reached the other client: still its one image, unchanged, and its one key.
    expect((await s.api('GET', '/images', undefined, otherKey)).json.items.map((i: { id: string; version: number; tags: string[] }) => [i.id, i.version, i.tags])).toEqual([[image, 1, []]]);
    expect((await s.api('GET', '/keys', undefined, otherKey)).json.items).toHaveLength(1);
  });

  test("a member's granted client never shows another client's images, presets or keys (404 by id)", async () => {
    const foreignImage = await uploaded(otherKey);
    const foreignKey = (await s.api('POST', '/keys', { name: 'theirs' }, otherKey)).json.id;
    const foreignPreset = (await s.api('POST', '/presets', { name: 'theirs', params: 'w_10' }, otherKey)).json.id;
    for (const [method, path] of [
      ['GET', `/images/${foreignImage}`],
      ['PATCH', `/images/${foreignImage}`],
      ['DELETE', `/images/${foreignImage}`],
      ['DELETE', `/keys/${foreignKey}`],
      ['PATCH', `/presets/${foreignPreset}`],
      ['DELETE', `/presets/${foreignPreset}`],
    ] as const) {
      const body = method !== 'PATCH' ? undefined : path.startsWith('/images') ? { alt: 'x' } : { params: 'w_20' };
      const answer = await as('member', method, path, body);
      expect([method, path, answer.status]).toEqual([method, path, 404]);
    }
    const keys = (await as('member', 'GET', '/keys')).json.items.map((k: { id: string }) => k.id);
    expect(keys).not.toContain(foreignKey);
    expect((await s.api('GET', `/images/${foreignImage}`, undefined, otherKey)).status).toBe(200);
  });

  test('an API key still acts for its own client only, whatever the users', async () => {
    expect((await s.api('POST', '/keys', { name: 'by key' })).status).toBe(201);
    expect((await s.api('GET', '/images', undefined, otherKey)).json.items.every((i: { clientId?: string }) => i.clientId === undefined || i.clientId === 'other')).toBe(true);
  });

  test('a viewer trying a path spelled another way (trailing slash, percent-encoded) is still refused', async () => {
    for (const path of ['/signing-secret/', '/signing%2Dsecret', '/webhooks/', '/%77ebhooks', '/purge%2Dtargets//', '/keys/', '/presets//']) {
      const method = /^\/(signing|webhooks|%77|purge)/.test(path) ? 'GET' : 'POST';
      const answer = await as('viewer', method, path, method === 'POST' ? { name: 'x', params: 'w_1' } : undefined);
      expect([path, answer.status === 403 || answer.status === 404]).toEqual([path, true]);
    }
  });
});

describe('roles × clients (instance level)', () => {
  test('GET /clients: owners and admins list every client, members and viewers only those granted', async () => {
    for (const role of ROLES) {
      const ids = (await as(role, 'GET', '/clients', undefined, null as unknown as string)).json.items.map((c: { id: string }) => c.id).sort();
      expect([role, ids]).toEqual([role, role === 'owner' || role === 'admin' ? ['other', 'test'] : ['test']]);
    }
  });

  test('creating, renaming and deleting clients: owners and admins; members and viewers 403, nothing changed', async () => {
    for (const role of ['member', 'viewer'] as const) {
      const create = await as(role, 'POST', '/clients', { name: `By ${role}` });
      const rename = await as(role, 'PATCH', `/clients/${s.clientId}`, { name: 'Renamed' });
      const remove = await as(role, 'DELETE', '/clients/other');
      expect([role, create.status, rename.status, remove.status, create.json.error.code]).toEqual([role, 403, 403, 403, 'forbidden']);
    }
    expect((await s.ctx.accounts.listClients()).map((c) => c.name).sort()).toEqual(['Other', 'Test client']);
    for (const role of ['owner', 'admin'] as const) {
      const made = await as(role, 'POST', '/clients', { name: `By ${role}` });
      expect(made.status).toBe(201);
      expect((await as(role, 'PATCH', `/clients/${made.json.id}`, { name: `Renamed by ${role}` })).status).toBe(200);
      expect((await as(role, 'DELETE', `/clients/${made.json.id}`)).status).toBe(204);
    }
  });
});
