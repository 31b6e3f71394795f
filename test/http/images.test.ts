import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decode, jpeg, pixel, png, webp } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ IMGAPI_MAX_UPLOAD_BYTES: String(200_000), IMGAPI_MAX_PIXELS: String(4_000_000) });
});
afterAll(() => s.stop());

const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('.tmp')) : [];

describe('POST /images', () => {
  test('uploads into an auto-created folder and returns the image object with a working thumbnail', async () => {
    const { status, json } = await s.upload(await jpeg(1200, 800), 'photo.jpg', 'products/shoes');
    expect(status).toBe(201);
    expect(json).toMatchObject({
      originalName: 'photo.jpg',
      folder: 'products/shoes',
      format: 'jpeg',
      width: 1200,
      height: 800,
      version: 1,
      deliveryBase: `/t/${s.clientId}`,
    });
    expect(json.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(json.thumbnailUrl).toStartWith(`${s.url}/t/${s.clientId}/`);
    // A square cover crop for the library's tiles, and the same at dpr 2 for HiDPI screens.
    expect(json.thumbnailUrl).toEndWith(`/w_240,h_240,c_cover,f_webp,q_75/${json.id}.webp?v=1`);
    expect(json.thumbnailUrl2x).toStartWith(`${s.url}/t/${s.clientId}/`);
    expect(json.thumbnailUrl2x).toEndWith(`/w_240,h_240,c_cover,f_webp,q_75,dpr_2/${json.id}.webp?v=1`);
    for (const [url, side] of [[json.thumbnailUrl, 240], [json.thumbnailUrl2x, 480]] as const) {
      const thumb = await fetch(url);
      expect(thumb.status).toBe(200);
      const meta = await decode(await thumb.arrayBuffer());
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', side, side]);
    }
    const folders = await s.api('GET', '/folders');
    expect(folders.json.folders[0]).toMatchObject({ name: 'products', path: 'products', imageCount: 0 });
    expect(folders.json.folders[0].children[0]).toMatchObject({ name: 'shoes', path: 'products/shoes', imageCount: 1 });
  });

  test('the type comes from the bytes: a PNG named .jpg is a PNG; EXIF orientation gives upright size', async () => {
    const asPng = await s.upload(await png(40, 30), 'fake.jpg');
    expect(asPng.status).toBe(201);
    expect(asPng.json).toMatchObject({ format: 'png', width: 40, height: 30, folder: '' });
    const rotated = await s.upload(await jpeg(60, 20, { orientation: 6 }), 'rotated.jpg');
    expect(rotated.json).toMatchObject({ width: 20, height: 60 });
    const wp = await s.upload(await webp(10, 10), 'w.webp');
    expect(wp.json.format).toBe('webp');
  });

  test('AVIF, GIF and TIFF uploads are accepted and deliver', async () => {
    const base = sharp({ create: { width: 32, height: 24, channels: 3, background: '#123456' } });
    for (const [bytes, format] of [
      [await base.clone().avif().toBuffer(), 'avif'],
      [await base.clone().gif().toBuffer(), 'gif'],
      [await base.clone().tiff().toBuffer(), 'tiff'],
    ] as const) {
      const { status, json } = await s.upload(new Uint8Array(bytes), `x.${format}`);
      expect([status, json.format, json.width, json.height]).toEqual([201, format, 32, 24]);
      const thumb = await fetch(json.thumbnailUrl);
      expect((await decode(await thumb.arrayBuffer())).format).toBe('webp');
    }
  });

  test('a body whose declared length is over the limit is refused from the header: 413', async () => {
    const big = new Uint8Array(1_500_000);
    const { status, json } = await s.upload(big, 'big.jpg');
    expect([status, json.error.code]).toEqual([413, 'too_large']);
  });

  test('file names are sanitized to a base name', async () => {
    const { json } = await s.upload(await png(4, 4), '../../etc/pa\u202esswd\u0000.png');
    expect(json.originalName).toBe('passwd.png');
  });

  test('bad uploads get 4xx and leave no file or row behind', async () => {
    const before = filesUnder(join(s.dataDir, 'originals')).length;
    const total = (await s.api('GET', '/images')).json.total;
    const cases: [Uint8Array, number, string][] = [
      [new TextEncoder().encode('<html>not an image</html>'), 415, 'unsupported_media_type'],
      [new Uint8Array(0), 415, 'unsupported_media_type'],
      [(await jpeg(300, 300)).slice(0, 200), 415, 'unsupported_media_type'],
      [new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 415, 'unsupported_media_type'],
      [await png(2100, 2000), 422, 'limit_exceeded'],
      [new Uint8Array(300_000).fill(7), 413, 'too_large'],
    ];
    for (const [bytes, status, code] of cases) {
      const response = await s.upload(bytes, 'bad.jpg', 'never/created');
      expect([response.status, response.json.error.code]).toEqual([status, code]);
      expect(typeof response.json.error.message).toBe('string');
    }
    expect(filesUnder(join(s.dataDir, 'originals')).length).toBe(before);
    expect((await s.api('GET', '/images')).json.total).toBe(total);
    expect((await s.api('GET', '/folders')).json.folders.map((f: any) => f.name)).not.toContain('never');
  });

  test('missing file, bad folder path → 400', async () => {
    const form = new FormData();
    form.append('folder', 'x');
    expect((await s.api('POST', '/images', form)).status).toBe(400);
    for (const folder of ['a/../b', 'a//b', 'a/./b', 'a\\b', 'x'.repeat(101), 'a/b\u0001']) {
      const response = await s.upload(await png(4, 4), 'p.png', folder);
      expect([folder, response.status, response.json.error.code]).toEqual([folder, 400, 'invalid_input']);
    }
  });
});

describe('GET /images', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
    for (const [name, folder] of [
      ['Red Shoe.png', 'shop/shoes'],
      ['blue shoe.png', 'shop/shoes'],
      ['hat.png', 'shop'],
      ['logo.png', ''],
      ['banner.png', 'shop/shoes/sale'],
    ] as const) {
      expect((await t.upload(await png(8, 8), name, folder || undefined)).status).toBe(201);
    }
  });
  afterAll(() => t.stop());

  const names = async (query: string) => {
    const { status, json } = await t.api('GET', `/images${query}`);
    expect(status).toBe(200);
    return json.items.map((i: any) => i.originalName);
  };

  test('folder scopes: all, root, one folder, recursive', async () => {
    expect(await names('')).toEqual(['banner.png', 'logo.png', 'hat.png', 'blue shoe.png', 'Red Shoe.png']);
    expect(await names('?folder=')).toHaveLength(5);
    expect(await names('?folder=%2F')).toEqual(['logo.png']);
    expect(await names('?folder=shop/shoes')).toEqual(['blue shoe.png', 'Red Shoe.png']);
    expect(await names('?folder=shop&recursive=true')).toEqual(['banner.png', 'hat.png', 'blue shoe.png', 'Red Shoe.png']);
    expect(await names('?folder=shop/shoes&recursive=true&q=SHOE')).toEqual(['blue shoe.png', 'Red Shoe.png']);
  });

  test('q is a case-insensitive substring; wildcards are literal', async () => {
    expect(await names('?q=SHOE')).toEqual(['blue shoe.png', 'Red Shoe.png']);
    expect(await names('?q=%25')).toEqual([]);
    expect(await names('?q=_')).toEqual([]);
  });

  test('pagination', async () => {
    const { json } = await t.api('GET', '/images?page=2&pageSize=2');
    expect(json).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(json.items.map((i: any) => i.originalName)).toEqual(['hat.png', 'blue shoe.png']);
    const last = await t.api('GET', '/images?page=9&pageSize=2');
    expect([last.json.items.length, last.json.total]).toEqual([0, 5]);
  });

  test('bad list parameters → 400; unknown folder → 404', async () => {
    for (const query of ['?page=0', '?page=-1', '?page=abc', '?pageSize=101', '?pageSize=0', '?page=1.5', '?recursive=yes']) {
      const { status, json } = await t.api('GET', `/images${query}`);
      expect([query, status, json.error.code]).toEqual([query, 400, 'invalid_input']);
    }
    expect((await t.api('GET', '/images?folder=nope')).status).toBe(404);
  });
});

describe('single image: get, patch, replace, delete', () => {
  test('get returns the image object; unknown id → 404', async () => {
    const { json } = await s.upload(await png(10, 10), 'one.png');
    const got = await s.api('GET', `/images/${json.id}`);
    expect(got.json).toEqual(json);
    const missing = await s.api('GET', '/images/AAAAAAAAAAAAAAAAAAAAAA');
    expect([missing.status, missing.json.error.code]).toEqual([404, 'not_found']);
  });

  test('patch renames and moves (creating the target folder); root with ""', async () => {
    const { json } = await s.upload(await png(10, 10), 'before.png', 'a');
    const renamed = await s.api('PATCH', `/images/${json.id}`, { originalName: 'after.png', folder: 'b/c' });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ originalName: 'after.png', folder: 'b/c', version: 1 });
    const toRoot = await s.api('PATCH', `/images/${json.id}`, { folder: '' });
    expect(toRoot.json.folder).toBe('');
    expect((await s.api('PATCH', `/images/${json.id}`, { originalName: 5 })).status).toBe(400);
    expect((await s.api('PATCH', `/images/${json.id}`, { originalName: '  ' })).status).toBe(400);
    expect((await s.api('PATCH', `/images/${json.id}`, { folder: '../x' })).status).toBe(400);
  });

  test('replace keeps id and URLs, bumps version, changes pixels; bad file → 415 and nothing changes', async () => {
    const { json } = await s.upload(await jpeg(100, 50, { color: '#ff0000' }), 'r.jpg');
    const form = new FormData();
    form.append('file', new File([await png(60, 120)], 'new.png'));
    const replaced = await s.api('PUT', `/images/${json.id}`, form);
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ id: json.id, version: 2, format: 'png', width: 60, height: 120, originalName: 'r.jpg' });
    const bad = new FormData();
    bad.append('file', new File(['nope'], 'x.png'));
    expect((await s.api('PUT', `/images/${json.id}`, bad)).status).toBe(415);
    expect((await s.api('GET', `/images/${json.id}`)).json.version).toBe(2);
  });

  test('every generated URL carries ?v=<version>: new after a replace, while the old URLs keep working', async () => {
    const { json } = await s.upload(await jpeg(100, 50, { color: '#ff0000' }), 'v.jpg');
    await s.api('POST', '/presets', { name: 'vtest', params: 'w_40,f_png' });
    const urls = async () => [
      (await s.api('GET', `/images/${json.id}`)).json.thumbnailUrl as string,
      (await s.api('POST', '/sign', { imageId: json.id, transform: 'w_50,f_png' })).json.url as string,
      (await s.api('POST', '/sign', { imageId: json.id, preset: 'vtest' })).json.url as string,
    ];
    const before = await urls();
    for (const url of before) expect(new URL(url).search).toBe('?v=1');
    const form = new FormData();
    form.append('file', new File([await png(100, 50, { color: '#0000ff' })], 'blue.png'));
    expect((await s.api('PUT', `/images/${json.id}`, form)).status).toBe(200);
    const after = await urls();
    for (const [i, url] of after.entries()) {
      expect(new URL(url).search).toBe('?v=2');
      // Only the query differs: the signed path is the same, so v=1 URLs already out there still work.
      expect(url.replace('?v=2', '')).toBe(before[i]!.replace('?v=1', ''));
      for (const fetched of [url, before[i]!]) {
        const response = await fetch(fetched);
        expect([fetched, response.status]).toEqual([fetched, 200]);
        const [r, , b] = await pixel(await response.arrayBuffer(), 2, 2);
        expect([r! < 60, b! > 190]).toEqual([true, true]);
      }
    }
  });

  test('delete ?permanent=true → 204, then 404 everywhere; its files are gone', async () => {
    const { json } = await s.upload(await png(30, 30), 'gone.png');
    expect((await fetch(json.thumbnailUrl)).status).toBe(200);
    expect(filesUnder(join(s.dataDir, 'cache', s.clientId, json.id)).length).toBeGreaterThan(0);
    expect((await s.api('DELETE', `/images/${json.id}?permanent=true`)).status).toBe(204);
    expect((await s.api('GET', `/images/${json.id}`)).status).toBe(404);
    expect((await s.api('DELETE', `/images/${json.id}?permanent=true`)).status).toBe(404);
    expect((await s.api('DELETE', `/images/${json.id}`)).status).toBe(404);
    expect((await fetch(json.thumbnailUrl)).status).toBe(404);
    expect(existsSync(join(s.dataDir, 'cache', s.clientId, json.id))).toBe(false);
    expect(existsSync(join(s.dataDir, 'originals', s.clientId, json.id))).toBe(false);
  });
});
