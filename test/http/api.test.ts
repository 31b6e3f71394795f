import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
let imageId: string;
beforeAll(async () => {
  s = await startServer();
  imageId = (await s.upload(await png(50, 40), 'Summer Shoes.png', 'catalog/shoes')).json.id;
});
afterAll(() => s.stop());

describe('authentication', () => {
  test('missing, malformed, unknown and revoked keys → 401 with the JSON error shape', async () => {
    const bare = await fetch(`${s.url}/api/v1/images`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toEqual({ error: { code: 'unauthorized', message: 'Missing X-Api-Key header' } });
    for (const key of ['nope', 'isk_', `isk_${'a'.repeat(40)}`]) {
      const { status, json } = await s.api('GET', '/images', undefined, key);
      expect([status, json.error.code]).toEqual([401, 'unauthorized']);
    }
  });

  test('a session cookie that opens no session (ended, logged out, made up) is told so, not asked for an API key', async () => {
    for (const path of ['/api/v1/images', '/api/v1/users', '/api/v1/audit']) {
      const answer = await fetch(`${s.url}${path}`, { headers: { cookie: 'imgapi_session=ended', origin: s.url, 'x-imgapi-client': s.clientId } });
      expect([path, answer.status, await answer.json()]).toEqual([path, 401, { error: { code: 'unauthorized', message: 'Your session has ended: log in again' } }]);
    }
  });

  test('unknown routes → 404 JSON', async () => {
    const { status, json, headers } = await s.api('GET', '/nothing-here');
    expect([status, json.error.code]).toEqual([404, 'not_found']);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('every API response says nosniff', async () => {
    const { headers } = await s.api('GET', '/folders');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('keys', () => {
  test('create shows the secret once; list has no secrets; revoke → 401 from then on', async () => {
    const created = await s.api('POST', '/keys', { name: 'ci' });
    expect(created.status).toBe(201);
    expect(created.json.apiKey).toMatch(/^isk_[A-Za-z0-9]{32,}$/);
    expect(created.json.prefix).toBe(created.json.apiKey.slice(0, 10));
    const withNewKey = await s.api('GET', '/keys', undefined, created.json.apiKey);
    expect(withNewKey.status).toBe(200);
    const listed = withNewKey.json.items.find((k: any) => k.id === created.json.id);
    expect(listed).toMatchObject({ name: 'ci', prefix: created.json.prefix });
    expect(listed.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(withNewKey.json)).not.toContain(created.json.apiKey);
    expect((await s.api('DELETE', `/keys/${created.json.id}`)).status).toBe(204);
    expect((await s.api('GET', '/keys', undefined, created.json.apiKey)).status).toBe(401);
    expect((await s.api('DELETE', `/keys/${created.json.id}`)).status).toBe(404);
    expect((await s.api('POST', '/keys', { name: 42 })).status).toBe(400);
  });

  test('a key with no body gets the name "default"', async () => {
    const created = await s.api('POST', '/keys');
    expect([created.status, created.json.name]).toEqual([201, 'default']);
  });
});

describe('presets', () => {
  test('create stores canonical params; list; duplicate → 409; bad → 400; delete → 204', async () => {
    const created = await s.api('POST', '/presets', { name: 'thumb', params: 'q_75,f_jpg,c_fill,h_240,w_240' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'thumb', params: 'w_240,h_240,c_fill,f_jpeg,q_75' });
    expect((await s.api('GET', '/presets')).json.items.map((p: any) => p.name)).toEqual(['thumb']);
    const dup = await s.api('POST', '/presets', { name: 'thumb', params: 'w_10' });
    expect([dup.status, dup.json.error.code]).toEqual([409, 'conflict']);
    const badParams = await s.api('POST', '/presets', { name: 'x', params: 'w_0' });
    expect([badParams.status, badParams.json.error.message]).toEqual([400, expect.stringContaining('"w_0"')]);
    for (const name of ['Upper', '-x', '', 'a'.repeat(65), 'sp ace', '__proto__']) {
      expect((await s.api('POST', '/presets', { name, params: 'w_10' })).status).toBe(400);
    }
    expect((await s.api('POST', '/presets', { name: 'x' })).status).toBe(400);
    expect((await s.api('DELETE', `/presets/${created.json.id}`)).status).toBe(204);
    expect((await s.api('DELETE', `/presets/${created.json.id}`)).status).toBe(404);
  });
});

describe('sign', () => {
  test('returns an absolute URL with the canonical transform that delivers', async () => {
    const { status, json } = await s.api('POST', '/sign', { imageId, transform: 'q_80,w_20,f_jpg' });
    expect(status).toBe(200);
    expect(json.canonical).toBe('w_20,f_jpeg,q_80');
    expect(json.format).toBe('jpeg');
    expect(json.url).toMatch(new RegExp(`^${s.url}/t/${s.clientId}/[A-Za-z0-9_-]{22}/w_20,f_jpeg,q_80/${imageId}\\.jpg\\?v=1$`));
    const delivered = await fetch(json.url);
    expect([delivered.status, delivered.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
  });

  test('no transform: full size WebP', async () => {
    const { json } = await s.api('POST', '/sign', { imageId });
    expect(json).toMatchObject({ canonical: '', format: 'webp' });
    expect(json.url).toEndWith(`/${imageId}.webp?v=1`);
    expect((await fetch(json.url)).headers.get('content-type')).toBe('image/webp');
  });

  test('bad transform → 400 naming the segment; unknown image → 404; wrong types → 400', async () => {
    const bad = await s.api('POST', '/sign', { imageId, transform: 'w_600,zoom_2' });
    expect([bad.status, bad.json.error.message]).toEqual([400, expect.stringContaining('"zoom_2"')]);
    expect((await s.api('POST', '/sign', { imageId: 'AAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(404);
    expect((await s.api('POST', '/sign', { imageId: 5 })).status).toBe(400);
    expect((await s.api('POST', '/sign', {})).status).toBe(400);
  });

  test('with a preset: the preset URL; a preset and a transform together → 400', async () => {
    await s.api('POST', '/presets', { name: 'square', params: 'w_16,h_16,c_cover,f_png' });
    const { status, json } = await s.api('POST', '/sign', { imageId, preset: 'square' });
    expect(status).toBe(200);
    expect(json).toEqual({ url: `${s.url}/t/${s.clientId}/preset:square/${imageId}.png?v=1`, canonical: 'w_16,h_16,c_cover,f_png', format: 'png' });
    expect((await fetch(json.url)).headers.get('content-type')).toBe('image/png');
    expect((await s.api('POST', '/sign', { imageId, preset: 'square', transform: 'w_1' })).status).toBe(400);
    expect((await s.api('POST', '/sign', { imageId, preset: 'nope' })).status).toBe(404);
  });

  test('IMGAPI_PUBLIC_URL is the base of absolute URLs', async () => {
    const t = await startServer({ IMGAPI_PUBLIC_URL: 'https://img.example.com/' });
    const id = (await t.upload(await png(4, 4), 'p.png')).json.id;
    const { json } = await t.api('POST', '/sign', { imageId: id });
    expect(json.url).toStartWith(`https://img.example.com/t/${t.clientId}/`);
    await t.stop();
  });
});

describe('search', () => {
  test('matches image and folder names case-insensitively', async () => {
    const { status, json } = await s.api('GET', '/search?q=SHOES');
    expect(status).toBe(200);
    expect(json.images.map((i: any) => i.originalName)).toEqual(['Summer Shoes.png']);
    expect(json.folders.map((f: any) => f.path)).toEqual(['catalog/shoes']);
    expect((await s.api('GET', '/search?q=%25')).json).toEqual({ images: [], folders: [] });
    expect((await s.api('GET', '/search')).status).toBe(400);
  });
});

describe('health, metrics, docs', () => {
  test('GET /healthz → 200', async () => {
    const response = await fetch(`${s.url}/healthz`);
    expect([response.status, (await response.json()).status]).toEqual([200, 'ok']);
  });

  test('GET /metrics is Prometheus text that counts transforms', async () => {
    const { json } = await s.api('POST', '/sign', { imageId, transform: 'w_7' });
    await fetch(json.url);
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(text).toContain('# TYPE imgapi_variant_transforms_total counter');
    expect(Number(/^imgapi_variant_transforms_total (\d+)$/m.exec(text)![1])).toBeGreaterThan(0);
  });

  test('GET /docs/json is an OpenAPI document of the management API', async () => {
    const doc = await (await fetch(`${s.url}/docs/json`)).json();
    expect(doc.openapi).toStartWith('3.');
    for (const path of ['/api/v1/images', '/api/v1/images/{id}', '/api/v1/folders', '/api/v1/sign', '/api/v1/presets', '/api/v1/keys', '/api/v1/search']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});

describe('malformed requests', () => {
  test('broken JSON → 400 invalid_input', async () => {
    const response = await fetch(`${s.url}/api/v1/presets`, {
      method: 'POST',
      headers: { 'x-api-key': s.apiKey, 'content-type': 'application/json' },
      body: '{"name": "x", ',
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_input');
  });

  test('a value no variant of a union takes: the message names what was expected, or the field inside that is wrong', async () => {
    const listed = await s.api('GET', '/images?folder=catalog&recursive=maybe');
    expect([listed.status, listed.json.error.message]).toEqual([400, "Invalid recursive: Expected 'true' or 'false'"]);
    const inside = await s.api('PATCH', `/images/${imageId}`, { focalPoint: { x: 0.5, y: 2 } });
    expect([inside.status, inside.json.error.message]).toEqual([400, 'Invalid focalPoint/y: Expected number to be less or equal to 1']);
    const neither = await s.api('PATCH', `/images/${imageId}`, { focalPoint: 'centre' });
    expect([neither.status, neither.json.error.message]).toEqual([400, 'Invalid focalPoint: Expected object or null']);
  });
});

describe('cross-client isolation: another client sees 404 for everything of ours', () => {
  test('images, folders, presets, keys, sign', async () => {
    const other = await s.ctx.accounts.createClient('Other', 'other');
    const key = other.apiKey.apiKey;
    const folder = (await s.api('POST', '/folders', { path: 'private' })).json;
    const preset = (await s.api('POST', '/presets', { name: 'mine', params: 'w_10' })).json;
    const ourKey = (await s.api('POST', '/keys', { name: 'ours' })).json;
    const form = new FormData();
    form.append('file', new File([await png(3, 3)], 'x.png'));
    const attempts: [string, string, unknown][] = [
      ['GET', `/images/${imageId}`, undefined],
      ['PATCH', `/images/${imageId}`, { originalName: 'stolen.png' }],
      ['PUT', `/images/${imageId}`, form],
      ['DELETE', `/images/${imageId}`, undefined],
      ['PATCH', `/folders/${folder.id}`, { name: 'stolen' }],
      ['DELETE', `/folders/${folder.id}`, undefined],
      ['DELETE', `/presets/${preset.id}`, undefined],
      ['DELETE', `/keys/${ourKey.id}`, undefined],
      ['POST', '/sign', { imageId }],
      ['GET', '/images?folder=private', undefined],
    ];
    for (const [method, path, body] of attempts) {
      const { status, json } = await s.api(method, path, body, key);
      expect([method, path, status, json.error.code]).toEqual([method, path, 404, 'not_found']);
    }
    expect((await s.api('GET', '/images', undefined, key)).json.total).toBe(0);
    expect((await s.api('GET', '/folders', undefined, key)).json.folders).toEqual([]);
    expect((await s.api('GET', '/presets', undefined, key)).json.items).toEqual([]);
    expect((await s.api('GET', '/search?q=shoes', undefined, key)).json).toEqual({ images: [], folders: [] });
    // And everything of ours is intact.
    expect((await s.api('GET', `/images/${imageId}`)).json.originalName).toBe('Summer Shoes.png');
    expect((await s.api('GET', '/presets')).json.items.map((p: any) => p.name)).toContain('mine');
  });
});
