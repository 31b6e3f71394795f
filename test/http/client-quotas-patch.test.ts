import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Role } from '../../src/core/roles';
import { jpeg } from '../helpers/fixtures';
import { freshDatabase } from '../helpers/postgres';
import { startServer, type TestServer } from '../helpers/server';
import { logInCookie, sessionRequest } from '../helpers/sessions';

const PASSWORD = 'a long enough password';
const NONE = { maxImages: null, maxBytes: null, maxUploadBytes: null, maxTransformsPerMinute: null };
const backends: [string, () => Promise<Record<string, string>>][] = [
  ['SQLite', async () => ({})],
  ['PostgreSQL', async () => ({ IMGAPI_DATABASE_URL: await freshDatabase() })],
];

for (const [backend, env] of backends) {
  describe(`PATCH /api/v1/clients/:id { quotas } (${backend})`, () => {
    let s: TestServer;
    const cookies = {} as Record<Role, string>;
    beforeAll(async () => {
      s = await startServer(await env());
      for (const role of ['owner', 'admin', 'member', 'viewer'] as Role[]) {
        await s.ctx.users.create({ username: role, password: PASSWORD, role, clientIds: role === 'member' || role === 'viewer' ? [s.clientId] : [] });
        cookies[role] = await logInCookie(s.url, role, PASSWORD);
      }
    }, 60_000);
    afterAll(() => s.stop());
    const as = (role: Role, method: string, path: string, body?: unknown) => sessionRequest(s.url, cookies[role], s.clientId, method, `/api/v1${path}`, body);
    const patch = (role: Role, body: unknown, id = s.clientId) => as(role, 'PATCH', `/clients/${id}`, body);

    test('a new client has no limits; the client view and the list show them', async () => {
      const listed = await as('owner', 'GET', '/clients');
      expect(listed.json.items.find((c: { id: string }) => c.id === s.clientId).quotas).toEqual(NONE);
    });

    test('owner sets limits; keys left out stay, null clears one; name and quotas together', async () => {
      const set = await patch('owner', { quotas: { maxImages: 100, maxBytes: 500 * 2 ** 20 } });
      expect(set.status).toBe(200);
      expect(set.json).toMatchObject({ id: s.clientId, quotas: { ...NONE, maxImages: 100, maxBytes: 524_288_000 } });
      const more = await patch('admin', { quotas: { maxUploadBytes: 25 * 2 ** 20, maxTransformsPerMinute: 600, maxImages: null } });
      expect(more.json.quotas).toEqual({ maxImages: null, maxBytes: 524_288_000, maxUploadBytes: 26_214_400, maxTransformsPerMinute: 600 });
      const both = await patch('owner', { name: 'Renamed with limits', quotas: { maxImages: 1 } });
      expect([both.status, both.json.name, both.json.quotas.maxImages]).toEqual([200, 'Renamed with limits', 1]);
      // A rename alone answers the limits too.
      expect((await patch('owner', { name: 'Test client' })).json.quotas.maxBytes).toBe(524_288_000);
      // What the client's own callers read.
      expect((await s.api('GET', '/quotas')).json.quotas).toEqual({ maxImages: 1, maxBytes: 524_288_000, maxUploadBytes: 26_214_400, maxTransformsPerMinute: 600 });
      const listed = await as('viewer', 'GET', '/clients');
      expect(listed.json.items[0].quotas.maxImages).toBe(1);
    });

    test('the limit set is enforced at once: the upload past it is 403 quota_exceeded', async () => {
      expect((await s.upload(await jpeg(20, 20), 'one.jpg')).status).toBe(201);
      const refused = await s.upload(await jpeg(21, 20), 'two.jpg');
      expect([refused.status, refused.json]).toEqual([403, { error: { code: 'quota_exceeded', message: expect.stringContaining("This client's image limit (1) is reached") } }]);
      await patch('owner', { quotas: { maxImages: null } });
      expect((await s.upload(await jpeg(21, 20), 'two.jpg')).status).toBe(201);
    });

    test('bad values, unknown keys and an empty change are 400 invalid_input naming the field; nothing changes', async () => {
      const before = (await s.api('GET', '/quotas')).json.quotas;
      const bad: [unknown, RegExp][] = [
        [{ quotas: { maxImages: 0 } }, /^quotas\.maxImages must be an integer from 1 to 1000000000, or null for no limit$/],
        [{ quotas: { maxImages: -5 } }, /^quotas\.maxImages must be an integer from 1 to 1000000000, or null for no limit$/],
        [{ quotas: { maxImages: 1.5 } }, /^quotas\.maxImages must be an integer from 1 to 1000000000, or null for no limit$/],
        [{ quotas: { maxImages: '10' } }, /^quotas\.maxImages must be an integer from 1 to 1000000000, or null for no limit$/],
        [{ quotas: { maxImages: true } }, /^quotas\.maxImages must be an integer from 1 to 1000000000, or null for no limit$/],
        [{ quotas: { maxImages: 2_000_000_000 } }, /^quotas\.maxImages must be an integer from 1 to 1000000000, or null for no limit$/],
        [{ quotas: { maxBytes: 2 ** 51 } }, /^quotas\.maxBytes must be an integer from 1 to 1125899906842624/],
        [{ quotas: { maxTransformsPerMinute: 1e7 } }, /^quotas\.maxTransformsPerMinute must be/],
        [{ quotas: { maxUploadBytes: 2 ** 41 } }, /^quotas\.maxUploadBytes must be/],
        [{ quotas: { maxFoo: 3 } }, /^Unknown quota "maxFoo": expected maxImages, maxBytes, maxUploadBytes, maxTransformsPerMinute$/],
        [{ quotas: { maxImages: 5, maxFoo: 3 } }, /^Unknown quota "maxFoo"/],
        [{ quotas: [] }, /^quotas must be an object/],
        [{ quotas: 'lots' }, /^quotas must be an object/],
        [{ quotas: null }, /^quotas must be an object/],
        [{ name: 'Fine', color: 'red' }, /^Unknown field "color": expected name, quotas or both$/],
        [{}, /Nothing to change/],
      ];
      for (const [body, message] of bad) {
        const answer = await patch('owner', body);
        expect([JSON.stringify(body), answer.status, answer.json.error?.code]).toEqual([JSON.stringify(body), 400, 'invalid_input']);
        expect(answer.json.error.message).toMatch(message);
      }
      expect((await s.api('GET', '/quotas')).json.quotas).toEqual(before);
    });

    test('an empty quotas object is 400 naming quotas, and no client.quota entry is written', async () => {
      const entries = async () => (await as('owner', 'GET', '/audit?action=client.quota&pageSize=100')).json.total as number;
      const before = await entries();
      for (const body of [{ quotas: {} }, { name: 'Test client', quotas: {} }]) {
        const answer = await patch('owner', body);
        expect([JSON.stringify(body), answer.status, answer.json]).toEqual([
          JSON.stringify(body),
          400,
          { error: { code: 'invalid_input', message: 'quotas must name at least one limit: maxImages, maxBytes, maxUploadBytes, maxTransformsPerMinute' } },
        ]);
      }
      expect(await entries()).toBe(before);
    });

    test('a JSON route refuses a multipart body with 415 (only uploads and replaces take one); nothing changes', async () => {
      const form = new FormData();
      form.append('quotas', JSON.stringify({ maxImages: 7 }));
      form.append('name', 'Renamed by a form');
      const before = (await as('owner', 'GET', '/clients')).json.items.find((c: { id: string }) => c.id === s.clientId);
      const refused = await patch('owner', form);
      expect([refused.status, refused.json]).toEqual([
        415,
        { error: { code: 'unsupported_media_type', message: 'This route takes a JSON body (Content-Type: application/json); multipart/form-data is for uploads and replaces only' } },
      ]);
      expect((await as('owner', 'GET', '/clients')).json.items.find((c: { id: string }) => c.id === s.clientId)).toEqual(before);
      // The same on the other JSON routes, for a session or a key alike.
      const folder = new FormData();
      folder.append('path', 'made-by-a-form');
      expect((await as('owner', 'POST', '/folders', folder)).status).toBe(415);
      const byKey = await fetch(`${s.url}/api/v1/folders`, { method: 'POST', headers: { 'x-api-key': s.apiKey }, body: folder });
      expect([byKey.status, ((await byKey.json()) as any).error.code]).toEqual([415, 'unsupported_media_type']);
      expect((await s.api('GET', '/folders')).json.folders.map((f: { path: string }) => f.path)).not.toContain('made-by-a-form');
      // Uploads still take multipart.
      expect((await s.upload(await jpeg(22, 20), 'by-form.jpg')).status).not.toBe(415);
    });

    test('members, viewers and API keys may not set limits; an unknown client is 404', async () => {
      for (const role of ['member', 'viewer'] as Role[]) {
        const refused = await patch(role, { quotas: { maxImages: 99 } });
        expect([role, refused.status, refused.json.error.code]).toEqual([role, 403, 'forbidden']);
      }
      const byKey = await fetch(`${s.url}/api/v1/clients/${s.clientId}`, {
        method: 'PATCH',
        headers: { 'x-api-key': s.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ quotas: { maxImages: 1_000_000 } }),
      });
      expect(byKey.status).toBe(403);
      expect((await s.api('GET', '/quotas')).json.quotas.maxImages).not.toBe(99);
      expect((await patch('owner', { quotas: { maxImages: 5 } }, 'nobody')).status).toBe(404);
    });

    test('a change of limits is in the audit log as client.quota, by whom', async () => {
      const log = await as('owner', 'GET', '/audit?action=client.quota');
      expect(log.status).toBe(200);
      expect(log.json.items.length).toBeGreaterThanOrEqual(3);
      expect(log.json.items[0]).toMatchObject({ action: 'client.quota', clientId: s.clientId, actor: { kind: 'user', name: 'owner' }, target: { id: s.clientId } });
    });
  });
}
