import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { decode, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('.tmp')) : [];

const DAY_MS = 86_400_000;

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
  expect((await s.api('POST', '/presets', { name: 'small', params: 'w_40,f_png' })).status).toBe(201);
});
afterAll(() => s.stop());

const originals = (id: string) => filesUnder(join(s.dataDir, 'originals', s.clientId, id));
const variants = (id: string) => filesUnder(join(s.dataDir, 'cache', s.clientId, id));
const folderCount = async (path: string) => {
  const find = (nodes: any[]): any => nodes.map((n) => (n.path === path ? n : find(n.children))).find(Boolean);
  return find((await s.api('GET', '/folders')).json.folders)?.totalImageCount;
};

describe('DELETE /images/:id moves the image to the trash', () => {
  test('gone at once from delivery (a URL cached before too), reads, writes, listings, search and counts; back with restore', async () => {
    const { json: image } = await s.upload(await png(60, 40), 'trashcan-sneaker.png', 'shop/shoes');
    const preset = `${s.url}/t/${s.clientId}/preset:small/${image.id}.png`;
    // Both URLs are served (and so cached, in memory and on disk) before the delete.
    for (const url of [image.thumbnailUrl, preset, image.thumbnailUrl, preset]) expect((await fetch(url)).status).toBe(200);
    expect(await folderCount('shop')).toBe(1);

    const started = Date.now();
    expect((await s.api('DELETE', `/images/${image.id}`)).status).toBe(204);
    for (const url of [image.thumbnailUrl, preset]) {
      const res = await fetch(url);
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('not_found');
    }
    expect((await s.api('GET', `/images/${image.id}`)).status).toBe(404);
    expect((await s.api('PATCH', `/images/${image.id}`, { originalName: 'x.png' })).status).toBe(404);
    const form = new FormData();
    form.append('file', new File([await png(10, 10)], 'r.png'));
    expect((await s.api('PUT', `/images/${image.id}`, form)).status).toBe(404);
    expect((await s.api('GET', '/images?folder=shop&recursive=true')).json.total).toBe(0);
    expect((await s.api('GET', '/search?q=trashcan')).json.images).toEqual([]);
    expect(await folderCount('shop')).toBe(0);
    // Deleting it again without permanent: it is no longer an image.
    expect((await s.api('DELETE', `/images/${image.id}`)).status).toBe(404);

    // Its files wait in the trash.
    expect(originals(image.id).length).toBeGreaterThan(0);
    const trash = await s.api('GET', '/trash');
    expect(trash.status).toBe(200);
    const item = trash.json.items.find((i: any) => i.image.id === image.id);
    expect(item.image).toMatchObject({ id: image.id, originalName: 'trashcan-sneaker.png', folder: 'shop/shoes', version: 1 });
    const trashedAt = Date.parse(item.trashedAt);
    expect(trashedAt).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(item.purgeAt) - trashedAt).toBe(30 * DAY_MS);

    const restored = await s.api('POST', `/images/${image.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.json).toMatchObject({ id: image.id, folder: 'shop/shoes', folderId: image.folderId, version: 1 });
    const back = await fetch(preset);
    expect(back.status).toBe(200);
    expect((await decode(await back.arrayBuffer())).width).toBe(40);
    expect((await fetch(image.thumbnailUrl)).status).toBe(200);
    expect((await s.api('GET', '/search?q=trashcan')).json.images.map((i: any) => i.id)).toEqual([image.id]);
    expect(await folderCount('shop')).toBe(1);
    expect((await s.api('GET', '/trash')).json.items.some((i: any) => i.image.id === image.id)).toBe(false);
    // Not in the trash any more: 409; never an image: 404.
    expect((await s.api('POST', `/images/${image.id}/restore`)).status).toBe(409);
    expect((await s.api('POST', '/images/nosuchimage/restore')).status).toBe(404);
  });

  test('restore puts an image back in its folder path, created again when the folder was deleted meanwhile', async () => {
    const { json: image } = await s.upload(await png(20, 20), 'lonely.png', 'gone/deeper');
    expect((await s.api('DELETE', `/images/${image.id}`)).status).toBe(204);
    const gone = (await s.api('GET', '/folders')).json.folders.find((f: any) => f.path === 'gone');
    expect((await s.api('DELETE', `/folders/${gone.id}`)).status).toBe(204);
    const restored = await s.api('POST', `/images/${image.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.json.folder).toBe('gone/deeper');
    expect(restored.json.folderId).not.toBe(image.folderId);
    expect((await s.api('GET', '/images?folder=gone/deeper')).json.items.map((i: any) => i.id)).toEqual([image.id]);
  });

  test('deleting a folder moves its images (and its sub-folders\') to the trash', async () => {
    const a = (await s.upload(await png(20, 20), 'a.png', 'album')).json;
    const b = (await s.upload(await png(20, 20), 'b.png', 'album/2024')).json;
    const album = (await s.api('GET', '/folders')).json.folders.find((f: any) => f.path === 'album');
    expect((await s.api('DELETE', `/folders/${album.id}`)).status).toBe(204);
    expect((await fetch(b.thumbnailUrl)).status).toBe(404);
    const items = (await s.api('GET', '/trash')).json.items.filter((i: any) => [a.id, b.id].includes(i.image.id));
    expect(items.map((i: any) => i.image.folder).sort()).toEqual(['album', 'album/2024']);
    expect(originals(b.id).length).toBeGreaterThan(0);
    expect((await s.api('POST', `/images/${b.id}/restore`)).json.folder).toBe('album/2024');
    expect((await fetch(b.thumbnailUrl)).status).toBe(200);
  });

  test('permanent=true deletes at once, a live image or one in the trash, with its files and variants', async () => {
    const live = (await s.upload(await png(30, 30), 'live.png')).json;
    expect((await fetch(live.thumbnailUrl)).status).toBe(200);
    expect(variants(live.id).length).toBeGreaterThan(0);
    expect((await s.api('DELETE', `/images/${live.id}?permanent=true`)).status).toBe(204);
    expect(originals(live.id)).toEqual([]);
    expect(variants(live.id)).toEqual([]);
    expect((await s.api('POST', `/images/${live.id}/restore`)).status).toBe(404);

    const trashed = (await s.upload(await png(30, 30), 'trashed.png')).json;
    expect((await fetch(trashed.thumbnailUrl)).status).toBe(200);
    expect((await s.api('DELETE', `/images/${trashed.id}`)).status).toBe(204);
    expect(originals(trashed.id).length).toBeGreaterThan(0);
    expect((await s.api('DELETE', `/images/${trashed.id}?permanent=true`)).status).toBe(204);
    expect(originals(trashed.id)).toEqual([]);
    expect(variants(trashed.id)).toEqual([]);
    expect((await s.api('GET', '/trash')).json.items.some((i: any) => i.image.id === trashed.id)).toBe(false);
    expect((await s.api('POST', `/images/${trashed.id}/restore`)).status).toBe(404);
    expect((await s.api('DELETE', `/images/${trashed.id}?permanent=true`)).status).toBe(404);
  });

  test("doctor --repair keeps a trashed image's original and variants (not orphans); a restore finds them", async () => {
    const { json: image } = await s.upload(await png(30, 30), 'doctored.png');
    expect((await fetch(image.thumbnailUrl)).status).toBe(200);
    expect((await s.api('DELETE', `/images/${image.id}`)).status).toBe(204);
    // Old enough that an unreferenced original would count as an orphan.
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const file of originals(image.id)) utimesSync(join(s.dataDir, 'originals', s.clientId, image.id, file), hoursAgo, hoursAgo);
    const [keptOriginals, keptVariants] = [originals(image.id), variants(image.id)];
    expect(keptVariants.length).toBeGreaterThan(0);
    const report = await s.ctx.doctor.run({ repair: true });
    expect(report.orphanOriginals.filter((key) => key.includes(image.id))).toEqual([]);
    expect(report.orphanVariants.filter((key) => key.includes(image.id))).toEqual([]);
    expect(originals(image.id)).toEqual(keptOriginals);
    expect(variants(image.id)).toEqual(keptVariants);
    expect((await s.api('POST', `/images/${image.id}/restore`)).status).toBe(200);
    const res = await fetch(image.thumbnailUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cache')).toBe('HIT');
  });

  test('hostile input: a clear 4xx, nothing changed', async () => {
    const { json: image } = await s.upload(await png(20, 20), 'kept.png');
    for (const query of ['permanent=yes', 'permanent=1', 'permanent=TRUE', 'permanent=']) {
      const res = await s.api('DELETE', `/images/${image.id}?${query}`);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid_input');
    }
    expect((await s.api('GET', `/images/${image.id}`)).status).toBe(200);
    for (const id of ['..%2F..%2Fetc', '%00', 'x'.repeat(300), "1'%20OR%20'1'='1"]) {
      expect((await s.api('DELETE', `/images/${id}`)).status).toBe(404);
      expect((await s.api('POST', `/images/${id}/restore`)).status).toBe(404);
    }
    for (const query of ['page=0', 'pageSize=1000', 'page=1e3', 'pageSize=-1']) {
      const res = await s.api('GET', `/trash?${query}`);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid_input');
    }
    // Another client's trash is not ours: its ids are 404 here.
    const other = await s.ctx.accounts.createClient('Other trash client');
    const theirs = (await s.upload(await png(20, 20), 'theirs.png', undefined, other.apiKey.apiKey)).json;
    expect((await s.api('DELETE', `/images/${theirs.id}`, undefined, other.apiKey.apiKey)).status).toBe(204);
    expect((await s.api('POST', `/images/${theirs.id}/restore`)).status).toBe(404);
    expect((await s.api('DELETE', `/images/${theirs.id}?permanent=true`)).status).toBe(404);
    expect((await s.api('GET', '/trash')).json.items.some((i: any) => i.image.id === theirs.id)).toBe(false);
    expect((await s.api('GET', '/trash', undefined, other.apiKey.apiKey)).json.items.map((i: any) => i.image.id)).toEqual([theirs.id]);
    // A client is not deleted while its trash holds images (their files would be left behind).
    await expect(s.ctx.accounts.deleteClient(other.client.id)).rejects.toThrow('still has 1 image in the trash');
    expect((await s.api('DELETE', `/images/${theirs.id}?permanent=true`, undefined, other.apiKey.apiKey)).status).toBe(204);
    await s.ctx.accounts.deleteClient(other.client.id);
  });
});

describe('retention', () => {
  test('the expiry job deletes trashed images past IMGAPI_TRASH_DAYS, with their files', async () => {
    // 0.00003 days ≈ 2.6 s; the job looks every 200 ms.
    const short = await startServer({ IMGAPI_TRASH_DAYS: '0.00003', IMGAPI_TRASH_SWEEP_MS: '200' });
    try {
      const { json: image } = await short.upload(await png(20, 20), 'brief.png');
      expect((await fetch(image.thumbnailUrl)).status).toBe(200);
      expect((await short.api('DELETE', `/images/${image.id}`)).status).toBe(204);
      const { json } = await short.api('GET', '/trash');
      expect(json.items.map((i: any) => i.image.id)).toEqual([image.id]);
      expect(Date.parse(json.items[0].purgeAt) - Date.parse(json.items[0].trashedAt)).toBe(Math.round(0.00003 * DAY_MS));
      const dir = (kind: string) => filesUnder(join(short.dataDir, kind, short.clientId, image.id));
      expect(dir('originals').length).toBeGreaterThan(0);
      // The job drops the row first (delivery answers 404 at once), then the files: wait for both.
      const deadline = Date.now() + 15_000;
      const gone = async () => (await short.api('GET', '/trash')).json.total === 0 && dir('originals').length === 0 && dir('cache').length === 0;
      while (!(await gone()) && Date.now() < deadline) await Bun.sleep(100);
      expect((await short.api('GET', '/trash')).json.total).toBe(0);
      expect(dir('originals')).toEqual([]);
      expect(dir('cache')).toEqual([]);
      expect((await short.api('POST', `/images/${image.id}/restore`)).status).toBe(404);
    } finally {
      await short.stop();
    }
  });

  test('IMGAPI_TRASH_DAYS=0: a delete goes for good at once', async () => {
    const none = await startServer({ IMGAPI_TRASH_DAYS: '0' });
    try {
      const { json: image } = await none.upload(await png(20, 20), 'now.png');
      expect((await none.api('DELETE', `/images/${image.id}`)).status).toBe(204);
      expect(filesUnder(join(none.dataDir, 'originals', none.clientId, image.id))).toEqual([]);
      expect((await none.api('GET', '/trash')).json.total).toBe(0);
      expect((await none.api('POST', `/images/${image.id}/restore`)).status).toBe(404);
    } finally {
      await none.stop();
    }
  });

  test('a bad IMGAPI_TRASH_DAYS stops the server from starting with a message naming it', async () => {
    for (const bad of ['-1', 'thirty', '1e3', '30 days']) {
      await expect(startServer({ IMGAPI_TRASH_DAYS: bad })).rejects.toThrow(/IMGAPI_TRASH_DAYS/);
    }
  });
});
