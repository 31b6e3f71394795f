import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { fileForm } from '../helpers/api';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { logInCookie, sessionRequest } from '../helpers/sessions';

/**
 * The newer routes (usage, downloads, grants, bulk changes) under input no client sends, over
 * real HTTP: each is a 4xx in the error shape that changes nothing, never a bare status or a
 * 200 that did something else.
 */
let s: TestServer;
let owner: string;
const PASSWORD = 'a long enough password';

beforeAll(async () => {
  s = await startServer();
  await s.ctx.users.create({ username: 'olga', password: PASSWORD });
  await s.ctx.users.create({ username: 'adam', password: PASSWORD, role: 'admin' });
  await s.ctx.users.create({ username: 'mia', password: PASSWORD, role: 'member', clientIds: [] });
  owner = await logInCookie(s.url, 'olga', PASSWORD);
});
afterAll(() => s.stop());

const asOwner = (method: string, path: string, body?: unknown) => sessionRequest(s.url, owner, null, method, `/api/v1${path}`, body);

async function userNamed(username: string): Promise<{ id: string; role: string; clientIds: string[] }> {
  return (await asOwner('GET', '/users')).json.items.find((u: { username: string }) => u.username === username);
}

async function uploaded(name: string): Promise<{ id: string; downloadUrl: string }> {
  const answer = await s.api('POST', '/images', fileForm(await jpeg(16, 16), name));
  expect(answer.status).toBe(201);
  return answer.json;
}

describe('usage: a range defaulted past the 4-digit years', () => {
  test('from 9999-12-31 alone is that one day, to 0000-01-01 alone that one day: every date YYYY-MM-DD', async () => {
    const late = await s.api('GET', '/usage?from=9999-12-31');
    expect([late.status, late.json.days.map((d: { date: string }) => d.date)]).toEqual([200, ['9999-12-31']]);
    const early = await s.api('GET', '/usage?to=0000-01-01');
    expect([early.status, early.json.days.map((d: { date: string }) => d.date)]).toEqual([200, ['0000-01-01']]);
    const nearEnd = await s.api('GET', '/usage?from=9999-12-20');
    expect(nearEnd.json.days.length).toBe(12);
    for (const day of [...late.json.days, ...early.json.days, ...nearEnd.json.days]) expect(day.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('download: Range', () => {
  test('a range past the end is a 416 in the error shape; one it cannot read is the whole file; a good one still a 206', async () => {
    const image = await uploaded('ranged.jpg');
    const url = new URL(image.downloadUrl, s.url).toString();
    const whole = new Uint8Array(await (await fetch(url)).arrayBuffer());
    for (const range of ['bytes=999999-', `bytes=${whole.length}-`, 'bytes=-0']) {
      const answer = await fetch(url, { headers: { range } });
      expect([range, answer.status, answer.headers.get('content-range'), ((await answer.json()) as any).error.code]).toEqual([range, 416, `bytes */${whole.length}`, 'range_not_satisfiable']);
    }
    for (const range of ['bytes=300-5', 'bytes= 300-', 'BYTES=300-', 'bytes=0-1,5-6', 'items=0-1']) {
      const answer = await fetch(url, { headers: { range } });
      expect([range, answer.status, new Uint8Array(await answer.arrayBuffer())]).toEqual([range, 200, whole]);
    }
    const first = await fetch(url, { headers: { range: 'bytes=0-0' } });
    expect([first.status, first.headers.get('content-range'), new Uint8Array(await first.arrayBuffer())]).toEqual([206, `bytes 0-0/${whole.length}`, whole.slice(0, 1)]);
  });
});

describe('grants: owners and admins reach every client', () => {
  test('granting a client to an owner or admin is a 400 and stores nothing (a later demotion shows no grant)', async () => {
    const adam = await userNamed('adam');
    const olga = await userNamed('olga');
    for (const id of [adam.id, olga.id]) {
      const refused = await asOwner('PUT', `/users/${id}/clients/${s.clientId}`);
      expect([refused.status, refused.json.error.code]).toEqual([400, 'invalid_input']);
      expect(refused.json.error.message).toContain('reaches every client');
    }
    const patched = await asOwner('PATCH', `/users/${adam.id}`, { clientIds: [s.clientId] });
    expect([patched.status, patched.json.error.code]).toEqual([400, 'invalid_input']);
    const demoted = await asOwner('PATCH', `/users/${adam.id}`, { role: 'member' });
    expect([demoted.status, demoted.json.role, demoted.json.clientIds]).toEqual([200, 'member', []]);
  });

  test('a member promoted with a list of clients in the same change: 400, still a member with the same grants', async () => {
    const mia = await userNamed('mia');
    const refused = await asOwner('PATCH', `/users/${mia.id}`, { role: 'admin', clientIds: [s.clientId] });
    expect([refused.status, refused.json.error.code]).toEqual([400, 'invalid_input']);
    expect(await userNamed('mia')).toMatchObject({ role: 'member', clientIds: [] });
    // Promoting with an empty list, and granting a member, still work.
    expect((await asOwner('PUT', `/users/${mia.id}/clients/${s.clientId}`)).json.clientIds).toEqual([s.clientId]);
    expect((await asOwner('PATCH', `/users/${mia.id}`, { role: 'admin', clientIds: [] })).status).toBe(200);
  });
});

describe('bulk: an unknown field', () => {
  test('a mistyped "permanent" is a 400 naming it, and the image stays where it was', async () => {
    const image = await uploaded('typo.jpg');
    const refused = await s.api('POST', '/images/bulk', { ids: [image.id], action: 'delete', permanant: true });
    expect([refused.status, refused.json.error.code]).toEqual([400, 'invalid_input']);
    expect(refused.json.error.message).toContain('permanant');
    expect((await s.api('GET', `/images/${image.id}`)).status).toBe(200);
    expect((await s.api('GET', '/trash')).json.total).toBe(0);
    expect((await s.api('POST', '/images/bulk', { ids: [image.id], action: 'tag', tags: ['kept'] })).json.results).toEqual([{ id: image.id, ok: true }]);
  });
});

describe('PATCH /images/:id: a body that is not the patch it looks like', () => {
  test('an unknown field, JSON sent as a form or as octet-stream: 400, the image unchanged; a form with known fields still works', async () => {
    const image = await uploaded('named.jpg');
    const typo = await s.api('PATCH', `/images/${image.id}`, { orignalName: 'renamed.jpg' });
    expect([typo.status, typo.json.error.code]).toEqual([400, 'invalid_input']);
    expect(typo.json.error.message).toContain('orignalName');
    const send = (type: string, body: string) => fetch(`${s.url}/api/v1/images/${image.id}`, { method: 'PATCH', headers: { 'x-api-key': s.apiKey, 'content-type': type }, body });
    for (const type of ['application/x-www-form-urlencoded', 'application/octet-stream']) {
      const answer = await send(type, '{"originalName":"renamed.jpg"}');
      expect([type, answer.status, ((await answer.json()) as any).error.code]).toEqual([type, 400, 'invalid_input']);
    }
    expect((await s.api('GET', `/images/${image.id}`)).json.originalName).toBe('named.jpg');
    const form = await send('application/x-www-form-urlencoded', 'originalName=formed.jpg');
    expect([form.status, ((await form.json()) as any).originalName]).toEqual([200, 'formed.jpg']);
  });
});

describe('tags that show as something else', () => {
  test('bidi, zero-width and lone-surrogate tags are 400 in a PATCH, a bulk tag and the listing filter, nothing changed; NFD and NFC are one tag', async () => {
    const image = await uploaded('tagged.jpg');
    expect((await s.api('PATCH', `/images/${image.id}`, { tags: ['kept'] })).status).toBe(200);
    for (const tag of ['\u202egnp.exe', 'a\u200bb', '\u200b', '\ud800']) {
      const patched = await s.api('PATCH', `/images/${image.id}`, { tags: [tag] });
      expect([JSON.stringify(tag), patched.status, patched.json.error.code]).toEqual([JSON.stringify(tag), 400, 'invalid_input']);
      const bulk = await s.api('POST', '/images/bulk', { ids: [image.id], action: 'tag', tags: [tag] });
      expect([JSON.stringify(tag), bulk.status]).toEqual([JSON.stringify(tag), 400]);
    }
    const filtered = await s.api('GET', `/images?tag=${encodeURIComponent('a\u200bb')}`);
    expect([filtered.status, filtered.json.error.code]).toEqual([400, 'invalid_input']);
    expect((await s.api('GET', `/images/${image.id}`)).json.tags).toEqual(['kept']);
    const both = await s.api('PATCH', `/images/${image.id}`, { tags: ['cafe\u0301', 'caf\u00e9'] });
    expect([both.status, both.json.tags]).toEqual([200, ['caf\u00e9']]);
    expect((await s.api('GET', `/images?tag=${encodeURIComponent('cafe\u0301')}`)).json.total).toBe(1);
  });
});

describe('bulk: another action\'s field', () => {
  test('delete with tags, tag with a folder, move with permanent: 400 naming it, the image neither moved, tagged nor trashed', async () => {
    const image = await uploaded('foreign.jpg');
    const cases: [object, string][] = [
      [{ action: 'delete', tags: ['a'] }, 'delete takes no tags'],
      [{ action: 'tag', tags: ['a'], folder: 'elsewhere' }, 'tag takes no folder'],
      [{ action: 'move', folder: 'elsewhere', permanent: true }, 'move takes no permanent'],
    ];
    for (const [body, message] of cases) {
      const refused = await s.api('POST', '/images/bulk', { ids: [image.id], ...body });
      expect([refused.status, refused.json.error.code, refused.json.error.message]).toEqual([400, 'invalid_input', message]);
    }
    expect((await s.api('GET', `/images/${image.id}`)).json).toMatchObject({ folder: '', tags: [] });
    expect((await s.api('GET', '/trash')).json.total).toBe(0);
  });
});

describe('user names: unique ignoring case', () => {
  test('accepting an invitation as "OLGA" beside "olga" is a 409 naming her; the link still works for another name', async () => {
    const invite = await asOwner('POST', '/users/invites', { role: 'viewer' });
    const token = /#\/invite\/([A-Za-z0-9_-]+)$/.exec(invite.json.url)![1];
    const before = (await asOwner('GET', '/users')).json.items.length;
    const accept = (username: string) => sessionRequest(s.url, null, null, 'POST', '/api/v1/users/invites/accept', { token, username, password: 'long enough pw' });
    for (const name of ['OLGA', 'Olga']) {
      const clash = await accept(name);
      expect([clash.status, clash.json.error.code, clash.json.error.message]).toEqual([409, 'conflict', 'User "olga" already exists (user names are unique ignoring case)']);
    }
    expect((await asOwner('GET', '/users')).json.items.length).toBe(before);
    expect((await accept('olga2')).status).toBe(201);
  });
});

describe('POST /clients: limits at creation', () => {
  test('quotas (or any unknown field) in the create body is a 400 and no client is made, rather than one made without the limits', async () => {
    const count = async () => (await asOwner('GET', '/clients')).json.items.length;
    const before = await count();
    const refused = await asOwner('POST', '/clients', { name: 'Limited', quotas: { maxImages: 1 } });
    expect([refused.status, refused.json.error.code]).toEqual([400, 'invalid_input']);
    expect(refused.json.error.message).toContain('quotas');
    expect(await count()).toBe(before);
    expect((await asOwner('POST', '/clients', { name: 'Limited' })).status).toBe(201);
  });

  test('a look-alike of a taken name (fullwidth letters) is a 409 naming the client that has it', async () => {
    const lookAlike = await asOwner('POST', '/clients', { name: 'Ｌｉｍｉｔｅｄ' });
    expect([lookAlike.status, lookAlike.json.error.message]).toEqual([409, expect.stringContaining('"Limited"')]);
  });
});

describe('POST /keys: the name the audit log shows', () => {
  test('a name with a control, bidi or invisible character is a 400 and no key is made', async () => {
    const count = async () => (await s.api('GET', '/keys')).json.items.length;
    const before = await count();
    for (const body of [{ name: 'ci\u0000' }, { name: '\u202eyek-yolped' }, { name: 'a\u200bb' }]) {
      const refused = await s.api('POST', '/keys', body);
      expect([JSON.stringify(body), refused.status, refused.json.error.code]).toEqual([JSON.stringify(body), 400, 'invalid_input']);
    }
    expect(await count()).toBe(before);
    expect((await s.api('POST', '/keys', { name: '  deploy  ' })).json.name).toBe('deploy');
  });
});

describe('older routes: a mistyped field', () => {
  test('sign, zip, folders and a preset change refuse an unknown field (a mistyped expiresIn signed a URL that never expires)', async () => {
    const image = await uploaded('signed.jpg');
    const typo = await s.api('POST', '/sign', { imageId: image.id, transform: 'w_100', expires_in: 60 });
    expect([typo.status, typo.json.error.code]).toEqual([400, 'invalid_input']);
    expect(typo.json.error.message).toContain('expires_in');
    expect((await s.api('POST', '/sign', { imageId: image.id, transform: 'w_100', expiresIn: 60 })).json.url).toContain('exp_');
    expect((await s.api('POST', '/images/zip', { ids: [image.id], name: 'x.zip' })).status).toBe(400);
    const folders = async () => (await s.api('GET', '/folders')).json.folders.length;
    const before = await folders();
    expect((await s.api('POST', '/folders', { path: 'typo', parent: 'x' })).status).toBe(400);
    expect(await folders()).toBe(before);
    const folder = await s.api('POST', '/folders', { path: 'kept' });
    expect((await s.api('PATCH', `/folders/${folder.json.id}`, { nmae: 'renamed' })).status).toBe(400);
    const preset = await s.api('POST', '/presets', { name: 'thumb', params: 'w_10' });
    expect((await s.api('PATCH', `/presets/${preset.json.id}`, { parms: 'w_20' })).status).toBe(400);
    expect((await s.api('GET', '/presets')).json.items.find((p: { id: string }) => p.id === preset.json.id).params).toBe('w_10');
    expect((await s.api('GET', '/folders')).json.folders.map((f: { name: string }) => f.name)).toContain('kept');
  });
});

describe('the remaining bodies: a mistyped field', () => {
  const refusedNaming = async (answer: Promise<{ status: number; json: any }>, field: string) => {
    const { status, json } = await answer;
    expect([field, status, json.error.code, json.error.message.startsWith(`Unknown field "${field}"`)]).toEqual([field, 400, 'invalid_input', true]);
  };

  test('a new preset, key, webhook or purge target, a rotation and a warm refuse an unknown field and store nothing (a mistyped "eagre" made a preset that never warms)', async () => {
    const listed = async (path: string) => (await s.api('GET', path)).json.items.length;
    const before = { presets: await listed('/presets'), keys: await listed('/keys'), webhooks: await listed('/webhooks'), targets: await listed('/purge-targets') };
    await refusedNaming(s.api('POST', '/presets', { name: 'card', params: 'w_100', eagre: true }), 'eagre');
    await refusedNaming(s.api('POST', '/keys', { name: 'ci', expires: '1d' }), 'expires');
    await refusedNaming(s.api('POST', '/webhooks', { url: 'https://example.com/hook', events: ['image.created'], secret: 'mine' }), 'secret');
    // Each kind takes its own fields: a Fastly serviceId sent with a Cloudflare target is not one of them.
    await refusedNaming(s.api('POST', '/purge-targets', { kind: 'cloudflare', zoneId: 'z', apiToken: 't', serviceId: 's' }), 'serviceId');
    await refusedNaming(s.api('POST', '/purge-targets', { kind: 'http', url: 'https://example.com/purge', apiToken: 't' }), 'apiToken');
    expect({ presets: await listed('/presets'), keys: await listed('/keys'), webhooks: await listed('/webhooks'), targets: await listed('/purge-targets') }).toEqual(before);

    const secret = (await s.api('GET', '/signing-secret')).json.secret;
    await refusedNaming(s.api('POST', '/signing-secret/rotate', { graceSeconds: 0, grace_seconds: 3600 }), 'grace_seconds');
    expect((await s.api('GET', '/signing-secret')).json.secret).toBe(secret);
    const preset = await s.api('POST', '/presets', { name: 'warmed', params: 'w_20', eager: true });
    expect(preset.status).toBe(201);
    await refusedNaming(s.api('POST', `/presets/${preset.json.id}/warm`, { folders: 'x' }), 'folders');

    // The same bodies with known fields only still work.
    expect((await s.api('POST', '/keys', { name: 'ci' })).status).toBe(201);
    expect((await s.api('POST', '/purge-targets', { kind: 'cloudflare', zoneId: 'z', apiToken: 'tok' })).status).toBe(201);
    expect((await s.api('POST', '/presets', { name: 'card', params: 'w_100' })).status).toBe(201);
  });

  test('who may not use the route hears that first: no key 401, a viewer 403, a client not granted 404, before the unknown field', async () => {
    await s.ctx.users.create({ username: 'vera', password: PASSWORD, role: 'viewer', clientIds: [s.clientId] });
    const viewer = await logInCookie(s.url, 'vera', PASSWORD);
    await s.ctx.users.create({ username: 'nils', password: PASSWORD, role: 'member', clientIds: [] });
    const member = await logInCookie(s.url, 'nils', PASSWORD);
    const body = { name: 'ci', expires: '1d' };
    expect((await sessionRequest(s.url, null, s.clientId, 'POST', '/api/v1/keys', body)).status).toBe(401);
    const asViewer = await sessionRequest(s.url, viewer, s.clientId, 'POST', '/api/v1/keys', body);
    expect([asViewer.status, asViewer.json.error.code]).toEqual([403, 'forbidden']);
    const notGranted = await sessionRequest(s.url, member, s.clientId, 'POST', '/api/v1/presets', { name: 'x', params: 'w_1', eagre: true });
    expect([notGranted.status, notGranted.json.error.message]).toEqual([404, 'Client not found']);
    expect((await sessionRequest(s.url, viewer, s.clientId, 'POST', '/api/v1/sign', { imageId: 'x', transform: 'w_1', expires_in: 1 })).status).toBe(400);
  });
});

describe('optional JSON bodies that are not JSON', () => {
  test('POST /keys and a warm refuse a malformed body with 400 and do nothing (it counted as no body: a key named "default", the whole library warmed); no body still works', async () => {
    const raw = (path: string, body: string) =>
      fetch(`${s.url}/api/v1${path}`, { method: 'POST', headers: { 'x-api-key': s.apiKey, 'content-type': 'application/json' }, body });
    const keys = async () => (await s.api('GET', '/keys')).json.items.length;
    const before = await keys();
    for (const body of ['{"name":"a', '\u0000\u0001', '{"a":1,}', '{"x":NaN}']) {
      const answer = await raw('/keys', body);
      expect([body, answer.status, ((await answer.json()) as any).error.message]).toEqual([body, 400, 'Malformed request body']);
    }
    expect(await keys()).toBe(before);
    const preset = await s.api('POST', '/presets', { name: 'warm-me', params: 'w_30', eager: true });
    const warm = await raw(`/presets/${preset.json.id}/warm`, '{"folder":"nope');
    expect([warm.status, ((await warm.json()) as any).error.message]).toEqual([400, 'Malformed request body']);
    expect((await raw('/keys', '')).status).toBe(201);
    expect((await raw(`/presets/${preset.json.id}/warm`, '')).status).toBe(200);
    expect((await fetch(`${s.url}/api/v1/keys`, { method: 'POST', headers: { 'x-api-key': s.apiKey } })).status).toBe(201);
  });
});

describe('uploads: a form field they do not take', () => {
  test('an upload with tags=red or a replace with folder=x is a 400 naming the field, nothing stored or changed (both were a 201/200 that dropped it)', async () => {
    const count = async () => (await s.api('GET', '/images')).json.total;
    const before = await count();
    const form = fileForm(await jpeg(16, 16), 'tagged.jpg');
    form.append('tags', 'red');
    const upload = await s.api('POST', '/images', form);
    expect([upload.status, upload.json.error.message]).toEqual([400, 'Unknown field "tags": expected file, folder']);
    expect(await count()).toBe(before);
    const image = await uploaded('kept.jpg');
    const replace = fileForm(await jpeg(20, 20), 'new.jpg');
    replace.append('folder', 'zz');
    const replaced = await s.api('PUT', `/images/${image.id}`, replace);
    expect([replaced.status, replaced.json.error.message]).toEqual([400, 'Unknown field "folder": expected file']);
    expect((await s.api('GET', `/images/${image.id}`)).json).toMatchObject({ version: 1, width: 16, folder: '' });
  });
});

describe('purge targets: a token no request can carry', () => {
  test('a CR/LF or tab in a token or id is a 400 naming the field, nothing stored (it was a 201 whose every purge would fail)', async () => {
    const count = async () => (await s.api('GET', '/purge-targets')).json.items.length;
    const before = await count();
    for (const body of [
      { kind: 'fastly', serviceId: 'svc', apiToken: 'tok\r\nX-Injected: 1' },
      { kind: 'cloudflare', zoneId: 'zone\t1', apiToken: 'tok' },
      { kind: 'bunny', accessKey: 'key\n' + 'more' },
    ]) {
      const answer = await s.api('POST', '/purge-targets', body);
      expect([body.kind, answer.status, answer.json.error.message]).toEqual([body.kind, 400, expect.stringContaining('must not contain control characters')]);
    }
    expect(await count()).toBe(before);
  });

  test('an unknown kind or an empty token is named as such, not as a field of another kind', async () => {
    const evil = await s.api('POST', '/purge-targets', { kind: 'evil' });
    expect([evil.status, evil.json.error.message]).toEqual([400, 'Expected cloudflare, fastly, bunny or http for kind but received "evil"']);
    const empty = await s.api('POST', '/purge-targets', { kind: 'cloudflare', zoneId: 'z', apiToken: '' });
    expect([empty.status, empty.json.error.message]).toEqual([400, 'Expected a non-empty string of at most 500 characters for apiToken']);
  });
});

describe('search: a control character', () => {
  test('a NUL or another control character in q is a 400 on the listing and /search (a NUL was a 500 from the full-text query)', async () => {
    await uploaded('needle.jpg');
    for (const q of ['x%00y', 'ab%00c', 'gz%00', 'a%00', '%00b', 'tab%09x', 'del%7Fx']) {
      for (const path of [`/images?q=${q}`, `/search?q=${q}`]) {
        const answer = await s.api('GET', path);
        expect([path, answer.status, answer.json.error.message]).toEqual([path, 400, 'q must not contain control characters']);
      }
    }
    expect((await s.api('GET', '/search?q=needle')).json.images.map((i: { originalName: string }) => i.originalName)).toEqual(['needle.jpg']);
  });
});

describe('meta: a key that cannot be stored', () => {
  test('"__proto__" as a meta key is a 400, the meta unchanged (it was a 200 that dropped the key)', async () => {
    const image = await uploaded('meta.jpg');
    expect((await s.api('PATCH', `/images/${image.id}`, { meta: { kept: 'yes' } })).status).toBe(200);
    const refused = await s.api('PATCH', `/images/${image.id}`, JSON.parse('{"meta":{"__proto__":"x","constructor":"y"}}'));
    expect([refused.status, refused.json.error.code, refused.json.error.message]).toEqual([400, 'invalid_input', 'meta key "__proto__" is reserved']);
    expect((await s.api('GET', `/images/${image.id}`)).json.meta).toEqual({ kept: 'yes' });
    expect((await s.api('PATCH', `/images/${image.id}`, { meta: { constructor: 'y', toString: 'z' } })).json.meta).toEqual({ constructor: 'y', toString: 'z' });
    // Lone surrogates, in a key or a value: 400, nothing stored (stored, the listings were JSON jq refused).
    for (const body of ['{"meta":{"k\\udc00":"v"}}', '{"meta":{"k":"v\\ud800"}}']) {
      const lone = await s.api('PATCH', `/images/${image.id}`, JSON.parse(body));
      expect([body, lone.status, lone.json.error.message]).toEqual([body, 400, expect.stringContaining('not valid Unicode text')]);
    }
    expect((await s.api('GET', `/images/${image.id}`)).json.meta).toEqual({ constructor: 'y', toString: 'z' });
  });
});

describe('an API key naming another client in X-Imgapi-Client', () => {
  test('is a 404 and nothing is stored for either client; naming its own client is fine', async () => {
    const other = (await s.ctx.accounts.createClient('Elsewhere', 'elsewhere')).client.id;
    const count = async () => (await s.api('GET', '/images')).json.total;
    const before = await count();
    const send = (client: string) => fetch(`${s.url}/api/v1/images`, { method: 'POST', headers: { 'x-api-key': s.apiKey, 'x-imgapi-client': client }, body: fileForm(new Uint8Array(0), 'x.jpg') });
    for (const client of [other, 'nope']) {
      const answer = await send(client);
      expect([JSON.stringify(client), answer.status, ((await answer.json()) as any).error.code]).toEqual([JSON.stringify(client), 404, 'not_found']);
    }
    const listed = await fetch(`${s.url}/api/v1/images`, { headers: { 'x-api-key': s.apiKey, 'x-imgapi-client': other } });
    expect(listed.status).toBe(404);
    expect(await count()).toBe(before);
    const own = await fetch(`${s.url}/api/v1/images`, { headers: { 'x-api-key': s.apiKey, 'x-imgapi-client': s.clientId } });
    expect(own.status).toBe(200);
  });
});
