import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { jpeg, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { startReceiver } from '../helpers/webhook-receiver';

let s: TestServer;
let otherKey: string;
beforeAll(async () => {
  s = await startServer({ IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100' });
  otherKey = (await s.ctx.accounts.createClient('Other client', 'other')).apiKey.apiKey;
});
afterAll(() => s.stop());

const uploadMany = async (count: number, folder?: string, key?: string) => {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await s.upload(await png(8 + i, 8), `p${i}.png`, folder, key)).json.id);
  return ids;
};
const folderOf = async (id: string, key?: string) => (await s.api('GET', `/images/${id}`, undefined, key)).json.folder;

describe('POST /images/bulk', () => {
  test('move: every image lands in the folder (created), results in the order given, one image.updated event each', async () => {
    const receiver = await startReceiver();
    const hook = await s.api('POST', '/webhooks', { url: receiver.url, events: ['image.updated'] });
    receiver.secret = hook.json.secret;
    const ids = await uploadMany(3, 'inbox');
    const { status, json } = await s.api('POST', '/images/bulk', { ids: [ids[2], ids[0], ids[1]], action: 'move', folder: 'archive/2026' });
    expect(status).toBe(200);
    expect(json).toEqual({ results: [ids[2], ids[0], ids[1]].map((id) => ({ id, ok: true })) });
    for (const id of ids) expect(await folderOf(id)).toBe('archive/2026');
    const events = await receiver.waitFor(3);
    expect(events.map((e) => e.json.data.id).sort()).toEqual([...ids].sort());
    expect(events.every((e) => e.json.type === 'image.updated' && e.json.data.folder === 'archive/2026')).toBe(true);
    await s.api('DELETE', `/webhooks/${hook.json.id}`);
    await receiver.down();
  });

  test('mixed ids: unknown and another client’s get not_found (nothing revealed), repeated ids count once, the valid ones are applied', async () => {
    const mine = await uploadMany(2, 'mixed');
    const [theirs] = await uploadMany(1, 'secret', otherKey);
    const ids = [mine[0], 'no-such-image', theirs, mine[0], mine[1]];
    const { status, json } = await s.api('POST', '/images/bulk', { ids, action: 'move', folder: '' });
    expect(status).toBe(200);
    expect(json.results).toEqual([
      { id: mine[0], ok: true },
      { id: 'no-such-image', ok: false, error: { code: 'not_found', message: 'Image not found' } },
      { id: theirs, ok: false, error: { code: 'not_found', message: 'Image not found' } },
      { id: mine[1], ok: true },
    ]);
    expect(await folderOf(mine[0]!)).toBe('');
    expect(await folderOf(mine[1]!)).toBe('');
    expect(await folderOf(theirs!, otherKey)).toBe('secret');
    // The other client cannot touch this client's images either.
    const back = await s.api('POST', '/images/bulk', { ids: [mine[0]], action: 'delete' }, otherKey);
    expect(back.json.results).toEqual([{ id: mine[0], ok: false, error: { code: 'not_found', message: 'Image not found' } }]);
    expect((await s.api('GET', `/images/${mine[0]}`)).status).toBe(200);
  });

  test('delete: each image goes to the trash, a second delete reports it not found; permanent empties it from the trash, once', async () => {
    const ids = await uploadMany(2, 'to-delete');
    const first = await s.api('POST', '/images/bulk', { ids, action: 'delete' });
    expect(first.json.results).toEqual(ids.map((id) => ({ id, ok: true })));
    for (const id of ids) expect((await s.api('GET', `/images/${id}`)).status).toBe(404);
    const trashed = (await s.api('GET', '/trash')).json.items.map((i: any) => i.image.id);
    for (const id of ids) expect(trashed).toContain(id);
    const again = await s.api('POST', '/images/bulk', { ids, action: 'delete' });
    expect(again.json.results.map((r: any) => r.error?.code)).toEqual(['not_found', 'not_found']);
    // Already in the trash: permanent deletes it from there (SPEC: DELETE ?permanent=true of a trashed image).
    const purged = await s.api('POST', '/images/bulk', { ids, action: 'delete', permanent: true });
    expect(purged.json.results).toEqual(ids.map((id) => ({ id, ok: true })));
    const gone = await s.api('POST', '/images/bulk', { ids, action: 'delete', permanent: true });
    expect(gone.json.results.map((r: any) => r.error?.code)).toEqual(['not_found', 'not_found']);
    for (const id of ids) expect((await s.api('POST', `/images/${id}/restore`)).status).toBe(404);
  });

  test('tag and untag: tags are normalized and added to each image’s own; an image that would pass 50 tags fails alone', async () => {
    const ids = await uploadMany(3, 'tagging');
    await s.api('PATCH', `/images/${ids[0]}`, { tags: ['red'] });
    const full = Array.from({ length: 50 }, (_, i) => `t${i}`);
    await s.api('PATCH', `/images/${ids[2]}`, { tags: full });
    const tagged = await s.api('POST', '/images/bulk', { ids, action: 'tag', tags: ['  Summer  Sale ', 'red'] });
    expect(tagged.status).toBe(200);
    expect(tagged.json.results.slice(0, 2)).toEqual([{ id: ids[0], ok: true }, { id: ids[1], ok: true }]);
    expect(tagged.json.results[2]).toMatchObject({ id: ids[2], ok: false, error: { code: 'invalid_input' } });
    expect(tagged.json.results[2].error.message).toContain('50 tags');
    const tagsOf = async (id: string) => (await s.api('GET', `/images/${id}`)).json.tags;
    expect(await tagsOf(ids[0]!)).toEqual(['red', 'summer sale']);
    expect(await tagsOf(ids[1]!)).toEqual(['summer sale', 'red']);
    expect(await tagsOf(ids[2]!)).toEqual(full);
    const untagged = await s.api('POST', '/images/bulk', { ids, action: 'untag', tags: ['RED', 't0'] });
    expect(untagged.json.results.every((r: any) => r.ok)).toBe(true);
    expect(await tagsOf(ids[0]!)).toEqual(['summer sale']);
    expect(await tagsOf(ids[1]!)).toEqual(['summer sale']);
    expect(await tagsOf(ids[2]!)).toEqual(full.slice(1));
    const listed = await s.api('GET', '/images?tag=summer%20sale');
    expect(listed.json.items.map((i: any) => i.id).sort()).toEqual([ids[0], ids[1]].sort());
  });

  test('hostile requests are refused whole with 400 and change nothing', async () => {
    const [id] = await uploadMany(1, 'stays');
    const tenThousand = Array.from({ length: 10_000 }, () => id);
    const cases: [unknown, RegExp][] = [
      [{ ids: id, action: 'move', folder: 'x' }, /ids/],
      [{ ids: { 0: id }, action: 'move', folder: 'x' }, /ids/],
      [{ ids: [1, 2], action: 'delete' }, /ids/],
      [{ ids: [], action: 'delete' }, /ids/],
      [{ ids: tenThousand, action: 'move', folder: 'x' }, /ids/],
      [{ ids: ['x'.repeat(1000)], action: 'delete' }, /ids/],
      [{ ids: [id], action: 'explode' }, /action/],
      [{ ids: [id] }, /action/],
      [{ ids: [id], action: 'move' }, /folder/],
      [{ ids: [id], action: 'move', folder: '../x' }, /Folder name "\.\." is not allowed/],
      [{ ids: [id], action: 'move', folder: 'a//b' }, /empty segment/],
      [{ ids: [id], action: 'tag' }, /tags/],
      [{ ids: [id], action: 'untag', tags: [] }, /tags/],
      [{ ids: [id], action: 'tag', tags: [7] }, /tags/],
      [{ ids: [id], action: 'tag', tags: ['   '] }, /tag must not be empty/],
      [{ ids: [id], action: 'tag', tags: ['x'.repeat(65)] }, /longer than 64/],
      ['not an object', /Invalid|Malformed/],
    ];
    for (const [body, message] of cases) {
      const { status, json } = await s.api('POST', '/images/bulk', body);
      expect([JSON.stringify(body).slice(0, 60), status, json.error.code]).toEqual([JSON.stringify(body).slice(0, 60), 400, 'invalid_input']);
      expect(json.error.message).toMatch(message);
    }
    expect(await folderOf(id!)).toBe('stays');
    const folders = (await s.api('GET', '/folders')).json.folders.map((f: any) => f.path);
    expect(folders).not.toContain('x');
  });

  test('without a key: 401', async () => {
    const response = await fetch(`${s.url}/api/v1/images/bulk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ids":["a"],"action":"delete"}' });
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('unauthorized');
  });

  test('500 images in one request', async () => {
    const [id] = await uploadMany(1, 'many');
    const ids = [id!, ...Array.from({ length: 499 }, (_, i) => `missing-${i}`)];
    const { status, json } = await s.api('POST', '/images/bulk', { ids, action: 'move', folder: 'many-moved' });
    expect(status).toBe(200);
    expect(json.results).toHaveLength(500);
    expect(json.results[0]).toEqual({ id, ok: true });
    expect(json.results.slice(1).every((r: any) => r.error.code === 'not_found')).toBe(true);
    expect(await folderOf(id!)).toBe('many-moved');
  });
});

describe('a JPEG in a bulk move keeps its bytes', () => {
  test('the original is untouched by a move', async () => {
    const bytes = await jpeg(30, 20);
    const { json } = await s.upload(bytes, 'keep.jpg', 'a');
    await s.api('POST', '/images/bulk', { ids: [json.id], action: 'move', folder: 'b' });
    const after = await s.api('GET', `/images/${json.id}`);
    expect([after.json.folder, after.json.contentHash, after.json.version]).toEqual(['b', json.contentHash, 1]);
  });
});
