import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import { startReceiver } from '../helpers/webhook-receiver';

// Tags, alt text and custom metadata on a real server: PATCH, the image object, ?tag=, q and
// /search, the embed markup, the image.updated webhook, and every bad input a 400 that changes nothing.

let s: TestServer;
let otherKey: string;

const patch = (id: string, body: unknown, key?: string) => s.api('PATCH', `/images/${id}`, body, key);
const list = (query: string, key?: string) => s.api('GET', `/images?${query}`, undefined, key);
const ids = async (query: string) => (await list(query)).json.items.map((i: { id: string }) => i.id);
const upload = async (name: string, folder?: string) => (await s.upload(await jpeg(120, 80), name, folder)).json;

beforeAll(async () => {
  s = await startServer({ IMGAPI_WEBHOOK_ALLOW_PRIVATE: '1', IMGAPI_OUTBOX_RETRY_BASE_MS: '100' });
  otherKey = (await s.ctx.accounts.createClient('Other client', 'other')).apiKey.apiKey;
});
afterAll(() => s?.stop());

describe('tags, alt and meta on the image object', () => {
  test('a new image has none; PATCH normalizes tags (trim, lower case, one space, no duplicates) and sets alt and meta; only the fields given change', async () => {
    const image = await upload('shoe.jpg');
    expect(image).toMatchObject({ tags: [], alt: '', meta: {} });

    const set = await patch(image.id, {
      tags: ['  Red   Shoes ', 'SALE', 'sale', 'red shoes', 'été\tnouveau'],
      alt: 'A red shoe on a white floor',
      meta: { sku: 'A-100', stock: 3, featured: true, discontinued: null },
    });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({
      tags: ['red shoes', 'sale', 'été nouveau'],
      alt: 'A red shoe on a white floor',
      meta: { sku: 'A-100', stock: 3, featured: true, discontinued: null },
      version: 1,
    });
    expect((await s.api('GET', `/images/${image.id}`)).json).toEqual(set.json);

    const renamed = await patch(image.id, { originalName: 'shoe-2.jpg' });
    expect(renamed.json).toMatchObject({ originalName: 'shoe-2.jpg', tags: ['red shoes', 'sale', 'été nouveau'], alt: 'A red shoe on a white floor' });
    const altOnly = await patch(image.id, { alt: '' });
    expect(altOnly.json).toMatchObject({ alt: '', tags: ['red shoes', 'sale', 'été nouveau'], meta: { sku: 'A-100' } });
    const cleared = await patch(image.id, { tags: [], meta: {} });
    expect(cleared.json).toMatchObject({ tags: [], meta: {}, alt: '' });
    // A replace keeps them: they describe the image, not its bytes.
    await patch(image.id, { tags: ['kept'], alt: 'kept' });
    const form = new FormData();
    form.append('file', new File([(await jpeg(60, 40)) as Uint8Array<ArrayBuffer>], 'new.jpg'));
    expect((await s.api('PUT', `/images/${image.id}`, form)).json).toMatchObject({ version: 2, tags: ['kept'], alt: 'kept' });
  });

  test('limits hold at their edges: 50 tags of 64 characters, 500 characters of alt, 4096 bytes of meta', async () => {
    const image = await upload('edges.jpg');
    const tags = Array.from({ length: 50 }, (_, n) => `${String(n).padStart(2, '0')}${'t'.repeat(62)}`);
    const alt = 'a'.repeat(500);
    // {"k":"…"} is 8 bytes around the value.
    const meta = { k: 'v'.repeat(4096 - 8) };
    expect(new TextEncoder().encode(JSON.stringify(meta)).length).toBe(4096);
    const { status, json } = await patch(image.id, { tags, alt, meta });
    expect(status).toBe(200);
    expect(json.tags).toEqual(tags);
    expect(json.alt).toBe(alt);
    expect(json.meta).toEqual(meta);
  });

  test('hostile input: each a 400 in the error shape naming the problem, and the image unchanged', async () => {
    const image = await upload('hostile.jpg');
    const before = (await patch(image.id, { tags: ['keep'], alt: 'keep', meta: { keep: 1 } })).json;
    const cases: [unknown, RegExp][] = [
      [{ tags: 'red' }, /tags/],
      [{ tags: [1, 2] }, /tags/],
      [{ tags: [null] }, /tags/],
      [{ tags: [{ tag: 'x' }] }, /tags/],
      [{ tags: Array.from({ length: 51 }, (_, n) => `t${n}`) }, /tags/],
      // 51 given, 51 distinct only after normalization is still 51: the schema stops it first.
      [{ tags: ['x'.repeat(65)] }, /longer than 64/],
      [{ tags: ['   '] }, /must not be empty/],
      [{ tags: ['ok', 'bad\u0000tag'] }, /control character/],
      [{ tags: ['bell\u0007'] }, /control character/],
      [{ tags: ['a,b'] }, /separate tags/],
      [{ tags: ['a;b'] }, /separate tags/],
      [{ alt: 5 }, /alt/],
      [{ alt: 'a'.repeat(501) }, /alt/],
      [{ alt: 'line\u0000break' }, /control character/],
      [{ meta: [] }, /meta/],
      [{ meta: ['a', 'b'] }, /meta/],
      [{ meta: 'sku=1' }, /meta/],
      [{ meta: null }, /meta/],
      [{ meta: { nested: { a: 1 } } }, /meta/],
      [{ meta: { list: [1, 2] } }, /meta/],
      [{ meta: { big: 'x'.repeat(5 * 1024) } }, /4096/],
      [{ meta: { '': 'empty key' } }, /meta keys/],
      [{ meta: { 'k\u0001': 'v' } }, /control character/],
    ];
    for (const [body, message] of cases) {
      const { status, json } = await patch(image.id, body);
      expect({ body, status }).toEqual({ body, status: 400 });
      expect(Object.keys(json)).toEqual(['error']);
      expect(json.error.code).toBe('invalid_input');
      expect(json.error.message).toMatch(message);
    }
    // A 6 KB tag list of 50 tags over the tag length, and a 1 MB meta: refused without a 5xx.
    expect((await patch(image.id, { tags: Array.from({ length: 50 }, () => 'y'.repeat(120)) })).status).toBe(400);
    expect((await patch(image.id, { meta: Object.fromEntries(Array.from({ length: 20_000 }, (_, n) => [`k${n}`, n])) })).status).toBe(400);
    expect((await s.api('GET', `/images/${image.id}`)).json).toEqual(before);
  });

  test('SQL-ish and markup strings are data: stored, listed by ?tag= and searched as they are', async () => {
    const image = await upload('quotes.jpg');
    const sqlish = `x') or 1=1 union select * from images --`;
    const { json } = await patch(image.id, { tags: [sqlish, '%', '_'], alt: `"><script>alert(1)</script>`, meta: { "'or 1=1 --": '%_' } });
    expect(json.tags).toEqual([sqlish, '%', '_']);
    expect(await ids(`tag=${encodeURIComponent(sqlish)}`)).toEqual([image.id]);
    expect(await ids(`tag=${encodeURIComponent('%')}`)).toEqual([image.id]);
    expect(await ids(`q=${encodeURIComponent('union select')}`)).toEqual([image.id]);
    expect((await list('')).status).toBe(200);
  });

  test('another client neither sees nor patches the image; an unknown id is a 404', async () => {
    const image = await upload('private.jpg');
    expect((await patch(image.id, { tags: ['mine'] }, otherKey)).status).toBe(404);
    expect((await patch('nope', { tags: ['x'] })).status).toBe(404);
    await patch(image.id, { tags: ['mine'] });
    expect((await list('tag=mine', otherKey)).json.total).toBe(0);
  });
});

describe('finding images by tag and text', () => {
  test('?tag= is normalized like a tag and combines with folder, recursive, q and paging; a bad tag is a 400', async () => {
    const boot = await upload('boot.jpg', 'catalog/boots');
    const sandal = await upload('sandal.jpg', 'catalog');
    const hat = await upload('hat.jpg', 'catalog');
    await patch(boot.id, { tags: ['Winter', 'Leather'] });
    await patch(sandal.id, { tags: ['summer', 'leather'] });
    await patch(hat.id, { tags: ['winter'] });

    expect(await ids('tag=leather')).toEqual([sandal.id, boot.id]);
    expect(await ids(`tag=${encodeURIComponent('  LEATHER ')}`)).toEqual([sandal.id, boot.id]);
    expect(await ids('tag=leath')).toEqual([]);
    expect(await ids('tag=winter&folder=catalog')).toEqual([hat.id]);
    expect(await ids('tag=winter&folder=catalog&recursive=true')).toEqual([hat.id, boot.id]);
    expect(await ids('tag=winter&q=boot')).toEqual([boot.id]);
    const page = await list('tag=leather&pageSize=1&page=2');
    expect(page.json).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(page.json.items.map((i: { id: string }) => i.id)).toEqual([boot.id]);
    // An empty tag filters nothing, as an empty folder does.
    expect((await list('tag=')).json.total).toBe((await list('')).json.total);

    for (const bad of ['x'.repeat(65), 'a%00b', '%20%20']) {
      const { status, json } = await list(`tag=${bad}`);
      expect({ bad, status, code: json.error?.code }).toEqual({ bad, status: 400, code: 'invalid_input' });
    }
    // A retag moves the image between filters at once.
    await patch(sandal.id, { tags: ['summer'] });
    expect(await ids('tag=leather')).toEqual([boot.id]);
  });

  test('q (listing) and /search match the alt text and tags as well as the name, ignoring case', async () => {
    const image = await upload('IMG_4711.jpg', 'search');
    await patch(image.id, { tags: ['Sneaker', 'kids'], alt: 'Blue Canvas trainer' });
    for (const q of ['img_4711', 'canvas train', 'SNEAK', 'kids', 'ds']) {
      expect({ q, ids: await ids(`folder=search&q=${encodeURIComponent(q)}`) }).toEqual({ q, ids: [image.id] });
      const found = await s.api('GET', `/search?q=${encodeURIComponent(q)}`);
      expect({ q, ids: found.json.images.map((i: { id: string }) => i.id) }).toEqual({ q, ids: [image.id] });
    }
    expect(await ids('folder=search&q=leather')).toEqual([]);
    // Text is matched within one field: the end of the name and the start of the alt text do not join up.
    expect(await ids(`folder=search&q=${encodeURIComponent('jpgblue')}`)).toEqual([]);
  });
});

describe('the trash', () => {
  test('a trashed image leaves ?tag= and q at once; restored, it comes back with its tags, alt text and metadata, found again', async () => {
    const image = await upload('trashed.jpg');
    const labels = { tags: ['binned'], alt: 'Thrown away', meta: { reason: 'test' } };
    await patch(image.id, labels);
    expect((await s.api('DELETE', `/images/${image.id}`)).status).toBe(204);
    expect(await ids('tag=binned')).toEqual([]);
    expect(await ids('q=thrown')).toEqual([]);
    const restored = await s.api('POST', `/images/${image.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.json).toMatchObject(labels);
    expect(await ids('tag=binned')).toEqual([image.id]);
    expect(await ids('q=thrown')).toEqual([image.id]);
  });
});

describe('the embed snippet and webhooks', () => {
  test("the embed's <img> carries the alt text, escaped; ?alt= overrides it", async () => {
    expect((await s.api('POST', '/presets', { name: 'card', params: 'w_400,h_200,c_fill', widths: [200, 400] })).status).toBe(201);
    const image = await upload('embed.jpg');
    await patch(image.id, { alt: `Tom's "best" <shoe> & co` });
    const { status, json } = await s.api('GET', `/images/${image.id}/embed?preset=card`);
    expect(status).toBe(200);
    expect(json.img).toContain(`alt="Tom&#39;s &quot;best&quot; &lt;shoe&gt; &amp; co"`);
    expect(json.picture).toContain(`alt="Tom&#39;s &quot;best&quot; &lt;shoe&gt; &amp; co"`);
    expect(json.picture.match(/<[a-z]+/g)).toEqual(['<picture', '<source', '<source', '<img']);
    const overridden = await s.api('GET', `/images/${image.id}/embed?preset=card&alt=${encodeURIComponent('Other text')}`);
    expect(overridden.json.img).toContain('alt="Other text"');
    const src = /src="([^"]+)"/.exec(json.img)![1]!.replaceAll('&amp;', '&');
    const delivered = await fetch(src);
    expect(delivered.status).toBe(200);
    expect((await sharp(new Uint8Array(await delivered.arrayBuffer())).metadata()).format).toBe('jpeg');
  });

  test('PATCH of tags, alt or meta sends image.updated with the new values', async () => {
    const receiver = await startReceiver();
    const created = await s.api('POST', '/webhooks', { url: receiver.url, events: ['image.updated'] });
    receiver.secret = created.json.secret;
    const image = await upload('hooked.jpg');
    await patch(image.id, { tags: ['Hooked'], alt: 'On a hook', meta: { n: 1 } });
    // Earlier tests' updates may arrive too: find this image's.
    let event: { json: { type: string; data: any } } | undefined;
    for (let count = 1; !event; count++) event = (await receiver.waitFor(count)).find((e) => e.json.data.id === image.id);
    expect(event.json.type).toBe('image.updated');
    expect(event.json.data).toMatchObject({ id: image.id, tags: ['hooked'], alt: 'On a hook', meta: { n: 1 } });
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    await s.api('DELETE', `/webhooks/${created.json.id}`);
  });
});
