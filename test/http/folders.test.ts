import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.stop());

describe('folders', () => {
  test('POST creates every missing level: 201 new, 200 existing; the tree nests', async () => {
    const created = await s.api('POST', '/folders', { path: 'clients/acme/logos' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: 'logos', path: 'clients/acme/logos' });
    const again = await s.api('POST', '/folders', { path: '/clients/acme/logos/' });
    expect([again.status, again.json.id]).toEqual([200, created.json.id]);
    const mid = await s.api('POST', '/folders', { path: 'clients/acme' });
    expect(mid.status).toBe(200);
    expect(created.json.parentId).toBe(mid.json.id);
    const tree = (await s.api('GET', '/folders')).json.folders;
    const clients = tree.find((f: any) => f.name === 'clients');
    expect(clients.children[0].children[0]).toMatchObject({ name: 'logos', path: 'clients/acme/logos', imageCount: 0, children: [] });
  });

  test('bad paths and bodies → 400', async () => {
    for (const body of [{ path: '' }, { path: '/' }, { path: 'a/../b' }, { path: 'a//b' }, { path: 'a\\b' }, { path: 'x'.repeat(101) }, { path: 7 }, {}]) {
      const { status, json } = await s.api('POST', '/folders', body);
      expect([JSON.stringify(body), status, json.error.code]).toEqual([JSON.stringify(body), 400, 'invalid_input']);
    }
  });

  test('unicode names are kept; NFC and NFD spellings are the same folder', async () => {
    const nfc = await s.api('POST', '/folders', { path: 'café' });
    const nfd = await s.api('POST', '/folders', { path: 'cafe\u0301' });
    expect(nfc.status).toBe(201);
    expect([nfd.status, nfd.json.id]).toEqual([200, nfc.json.id]);
  });

  test('rename moves the paths below; images follow; sibling clash → 409', async () => {
    const leaf = (await s.api('POST', '/folders', { path: 'r/old/deep' })).json;
    await s.api('POST', '/folders', { path: 'r/taken' });
    const image = (await s.upload(await png(5, 5), 'in-deep.png', 'r/old/deep')).json;
    const old = (await s.api('POST', '/folders', { path: 'r/old' })).json;
    const renamed = await s.api('PATCH', `/folders/${old.id}`, { name: 'new' });
    expect([renamed.status, renamed.json.path]).toEqual([200, 'r/new']);
    expect((await s.api('GET', `/images/${image.id}`)).json.folder).toBe('r/new/deep');
    expect((await s.api('POST', '/folders', { path: 'r/new/deep' })).json.id).toBe(leaf.id);
    const clash = await s.api('PUT', `/folders/${old.id}`, { name: 'taken' });
    expect([clash.status, clash.json.error.code]).toEqual([409, 'conflict']);
    expect((await s.api('PATCH', `/folders/${old.id}`, { name: 'a/b' })).status).toBe(400);
    expect((await s.api('PATCH', `/folders/${old.id}`, { name: '..' })).status).toBe(400);
    expect((await s.api('PATCH', '/folders/nope', { name: 'x' })).status).toBe(404);
  });

  test('delete removes sub-folders and moves their images to the trash (deleted for good there: originals and variants) — and nothing else', async () => {
    const keep = (await s.upload(await png(6, 6), 'keep.png', 'd/keep')).json;
    const gone1 = (await s.upload(await png(6, 6), 'gone1.png', 'd/drop')).json;
    const gone2 = (await s.upload(await png(6, 6), 'gone2.png', 'd/drop/sub')).json;
    const similar = (await s.upload(await png(6, 6), 'similar.png', 'd/drop2')).json;
    await fetch(gone2.thumbnailUrl);
    const drop = (await s.api('POST', '/folders', { path: 'd/drop' })).json;
    expect((await s.api('DELETE', `/folders/${drop.id}`)).status).toBe(204);
    for (const image of [gone1, gone2]) {
      expect((await s.api('GET', `/images/${image.id}`)).status).toBe(404);
      expect((await s.api('DELETE', `/images/${image.id}?permanent=true`)).status).toBe(204);
      expect(existsSync(join(s.dataDir, 'originals', s.clientId, image.id))).toBe(false);
      expect(existsSync(join(s.dataDir, 'cache', s.clientId, image.id))).toBe(false);
    }
    for (const image of [keep, similar]) expect((await s.api('GET', `/images/${image.id}`)).status).toBe(200);
    const d = (await s.api('GET', '/folders')).json.folders.find((f: any) => f.name === 'd');
    expect(d.children.map((f: any) => f.name)).toEqual(['drop2', 'keep']);
    expect((await s.api('DELETE', `/folders/${drop.id}`)).status).toBe(404);
  });
});
