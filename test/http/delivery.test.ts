import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { signPath } from '../../src/core/signing';
import { decode, halves, jpeg, pixel, png } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
let photo: string; // 1200x800 JPEG
let alpha: string; // 300x200 PNG with alpha
beforeAll(async () => {
  s = await startServer();
  photo = (await s.upload(await jpeg(1200, 800), 'photo.jpg')).json.id;
  alpha = (await s.upload(await png(300, 200, { alpha: true }), 'alpha.png')).json.id;
});
afterAll(() => s.stop());

/** A signed delivery URL, built as a user's own backend would from the documented recipe. */
function signed(rest: string, clientId = s.clientId, secret = s.secret): string {
  return `${s.url}/t/${clientId}/${signPath(secret, clientId, rest)}/${rest}`;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const body = new Uint8Array(await response.arrayBuffer());
  return { response, body };
}

async function image(url: string, headers: Record<string, string> = {}) {
  const { response, body } = await get(url, headers);
  expect(response.status).toBe(200);
  const meta = await decode(body);
  return { response, body, meta, size: [meta.format, meta.width, meta.height] };
}

describe('sizes and fit modes (decoded with sharp)', () => {
  const cases: [string, string, number, number][] = [
    ['w_600', 'webp', 600, 400],
    ['h_200', 'webp', 300, 200],
    ['w_600,h_600', 'webp', 600, 400],
    ['w_600,h_600,c_fit', 'webp', 600, 400],
    ['w_600,h_600,c_inside', 'webp', 600, 400],
    ['w_600,h_600,c_cover', 'webp', 600, 600],
    ['w_600,h_300,c_fill', 'webp', 600, 300],
    ['w_600,h_600,c_contain', 'webp', 600, 600],
    ['w_300,dpr_2', 'webp', 600, 400],
    ['w_200,dpr_1.5', 'webp', 300, 200],
    ['w_5000', 'webp', 1200, 800],
    ['w_2400,h_1200,c_cover', 'webp', 1200, 600],
    ['w_100,f_jpeg', 'jpg', 100, 67],
    ['w_100,f_png', 'png', 100, 67],
    ['w_100,f_avif', 'avif', 100, 67],
    ['w_100', 'jpeg', 100, 67],
    ['w_100', 'png', 100, 67],
  ];
  const formatOf: Record<string, string> = { webp: 'webp', jpg: 'jpeg', jpeg: 'jpeg', png: 'png', avif: 'heif' };
  for (const [transform, ext, width, height] of cases) {
    test(`${transform}.${ext} → ${width}x${height} ${formatOf[ext]}`, async () => {
      const { size, response } = await image(signed(`${transform}/${photo}.${ext}`));
      expect(size as unknown[]).toEqual([formatOf[ext], width, height]);
      expect(response.headers.get('content-type')).toBe(`image/${ext === 'jpg' ? 'jpeg' : ext}`);
    });
  }

  test('full size without a transform', async () => {
    expect((await image(signed(`${photo}.webp`))).size).toEqual(['webp', 1200, 800]);
  });

  test('cover crops around the centre', async () => {
    const id = (await s.upload(await halves(200, 100), 'halves.png')).json.id;
    const { body } = await image(signed(`w_100,h_100,c_cover,f_png/${id}.png`));
    const [left, right] = [await pixel(body, 5, 50), await pixel(body, 94, 50)];
    expect(left.slice(0, 3)).toEqual([255, 0, 0]);
    expect(right.slice(0, 3)).toEqual([0, 0, 255]);
  });

  test('contain pads: transparent where the format has alpha, white in JPEG', async () => {
    const asPng = await image(signed(`w_600,h_600,c_contain/${photo}.png`));
    expect(asPng.meta.hasAlpha).toBe(true);
    expect((await pixel(asPng.body, 300, 10))[3]).toBe(0);
    const asJpeg = await image(signed(`w_600,h_600,c_contain/${photo}.jpg`));
    const corner = await pixel(asJpeg.body, 300, 10);
    for (const channel of corner.slice(0, 3)) expect(channel).toBeGreaterThan(245);
  });

  test('alpha onto JPEG is flattened on white, not black', async () => {
    const { body } = await image(signed(`w_30/${alpha}.jpg`));
    const [r, g, b] = await pixel(body, 10, 10);
    // 50% red over white ≈ (255, 128, 128)
    expect(r).toBeGreaterThan(240);
    expect(g).toBeGreaterThan(100);
    expect(b).toBeGreaterThan(100);
  });

  test('EXIF orientation applied, metadata stripped', async () => {
    const source = await sharp({ create: { width: 60, height: 20, channels: 3, background: '#808080' } })
      .jpeg()
      .withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'secret-gps-owner' } } })
      .toBuffer();
    const id = (await s.upload(new Uint8Array(source), 'phone.jpg')).json.id;
    for (const ext of ['jpg', 'webp', 'png']) {
      const { meta, body } = await image(signed(`w_10/${id}.${ext}`));
      expect([meta.width, meta.height]).toEqual([10, 30]);
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(new TextDecoder('latin1').decode(body)).not.toContain('secret-gps-owner');
    }
  });
});

describe('f_auto', () => {
  test('AVIF when accepted, WebP without preference, JPEG or PNG otherwise; Vary: Accept', async () => {
    const url = signed(`w_50,f_auto/${photo}.jpg`);
    const avif = await image(url, { accept: 'image/avif,image/webp,*/*' });
    expect(avif.meta.format).toBe('heif');
    expect(avif.response.headers.get('content-type')).toBe('image/avif');
    expect(avif.response.headers.get('vary')).toBe('Accept');
    const none = await image(url);
    expect(none.response.headers.get('content-type')).toBe('image/webp');
    const webp = await image(url, { accept: 'image/webp,*/*' });
    expect(webp.meta.format).toBe('webp');
    const legacy = await image(url, { accept: 'image/jpeg,image/png' });
    expect(legacy.meta.format).toBe('jpeg');
    const alphaLegacy = await image(signed(`w_50,f_auto/${alpha}.webp`), { accept: 'image/png' });
    expect(alphaLegacy.meta.format).toBe('png');
    expect(avif.response.headers.get('etag')).not.toBe(webp.response.headers.get('etag'));
  });

  test('non-auto responses carry no Vary', async () => {
    const { response } = await image(signed(`w_50/${photo}.webp`));
    expect(response.headers.get('vary')).toBeNull();
  });
});

describe('headers, conditional requests, HEAD', () => {
  test('success headers', async () => {
    const { response, body } = await image(signed(`w_64/${photo}.webp`));
    const h = response.headers;
    expect(h.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(h.get('content-length')).toBe(String(body.byteLength));
    expect(h.get('etag')).toMatch(/^"[^"]+"$/);
    expect(new Date(h.get('last-modified')!).getTime()).toBeGreaterThan(0);
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('access-control-allow-origin')).toBe('*');
  });

  test('If-None-Match → 304 with no body; HEAD → headers and length, no body', async () => {
    const url = signed(`w_65/${photo}.webp`);
    const first = await image(url);
    const etag = first.response.headers.get('etag')!;
    const notModified = await get(url, { 'if-none-match': etag });
    expect(notModified.response.status).toBe(304);
    expect(notModified.body.byteLength).toBe(0);
    expect(notModified.response.headers.get('etag')).toBe(etag);
    expect((await get(url, { 'if-none-match': `"other", ${etag}` })).response.status).toBe(304);
    expect((await get(url, { 'if-none-match': '"other"' })).response.status).toBe(200);
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(first.body.byteLength));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  test('a hit of a large variant (over 256 KB) has the bytes and headers of the first answer; HEAD, 304 and exp_ as for any hit', async () => {
    const noise = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .png()
      .toBuffer();
    const big = (await s.upload(new Uint8Array(noise), 'noise.png')).json.id;
    const url = signed(`f_png/${big}.png`);
    const first = await image(url);
    expect(first.body.byteLength).toBeGreaterThan(256 * 1024);
    expect(first.response.headers.get('x-cache')).toBe('MISS');
    for (let i = 0; i < 3; i++) {
      const hit = await get(url);
      expect(hit.response.status).toBe(200);
      expect(hit.response.headers.get('x-cache')).toBe('HIT');
      expect(Buffer.from(hit.body).equals(Buffer.from(first.body))).toBe(true);
      for (const name of ['content-type', 'content-length', 'cache-control', 'etag', 'last-modified', 'x-content-type-options', 'access-control-allow-origin', 'cache-tag']) {
        expect(hit.response.headers.get(name)).toBe(first.response.headers.get(name));
      }
    }
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(first.body.byteLength));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    expect((await get(url, { 'if-none-match': first.response.headers.get('etag')! })).response.status).toBe(304);
    const expiring = signed(`f_png,exp_${Math.floor(Date.now() / 1000) + 600}/${big}.png`);
    await get(expiring);
    const later = await get(expiring);
    expect(later.response.headers.get('x-cache')).toBe('HIT');
    expect(Buffer.from(later.body).equals(Buffer.from(first.body))).toBe(true);
    expect(Number(/^public, max-age=(\d+)$/.exec(later.response.headers.get('cache-control')!)?.[1])).toBeLessThanOrEqual(600);
    // The expiring response's max-age is its own: the immutable URL's hits still say immutable.
    expect((await get(url)).response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });
});

describe('authorization and errors', () => {
  const expectError = async (url: string, status: number, code: string) => {
    const response = await fetch(url);
    expect([url, response.status]).toEqual([url, status]);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await response.json()).error.code).toBe(code);
  };

  test('a tampered or truncated signature → 403', async () => {
    const good = signed(`w_100/${photo}.webp`);
    const sig = good.split('/')[5]!;
    const flipped = sig[0] === 'A' ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
    await expectError(good.replace(sig, flipped), 403, 'forbidden');
    await expectError(good.replace(sig, sig.slice(0, 21)), 403, 'forbidden');
    await expectError(good.replace(sig, sig.toUpperCase() === sig ? sig.toLowerCase() : sig.toUpperCase()), 403, 'forbidden');
  });

  test('a signature reused on another transform, extension or client → 403', async () => {
    const sig = signPath(s.secret, s.clientId, `w_100/${photo}.webp`);
    await expectError(`${s.url}/t/${s.clientId}/${sig}/w_101/${photo}.webp`, 403, 'forbidden');
    await expectError(`${s.url}/t/${s.clientId}/${sig}/w_100/${photo}.png`, 403, 'forbidden');
    await expectError(`${s.url}/t/${s.clientId}/${sig}/${photo}.webp`, 403, 'forbidden');
    const other = await s.ctx.accounts.createClient('Second', 'second');
    await expectError(`${s.url}/t/second/${sig}/w_100/${photo}.webp`, 403, 'forbidden');
    // Signed correctly by the other client, our image is simply not there.
    await expectError(signed(`w_100/${photo}.webp`, 'second', other.client.signingSecret), 404, 'not_found');
  });

  test('validly signed but invalid transform or extension → 400 naming the problem', async () => {
    const badSegment = await fetch(signed(`w_100,zoom_3/${photo}.webp`));
    expect(badSegment.status).toBe(400);
    expect((await badSegment.json()).error.message).toContain('"zoom_3"');
    await expectError(signed(`w_100,f_webp/${photo}.png`), 400, 'invalid_input');
    await expectError(signed(`w_100/${photo}.svg`), 400, 'invalid_input');
    await expectError(signed(`w_100/${photo}.bmp`), 400, 'invalid_input');
    await expectError(signed(`w_100/${photo}`), 400, 'invalid_input');
    await expectError(signed(`w_9000/${photo}.webp`), 400, 'invalid_input');
  });

  test('unknown client, image → 404', async () => {
    await expectError(`${s.url}/t/nobody/${'A'.repeat(22)}/w_10/${photo}.webp`, 404, 'not_found');
    await expectError(signed(`w_10/AAAAAAAAAAAAAAAAAAAAAA.webp`), 404, 'not_found');
    await expectError(`${s.url}/t/${s.clientId}`, 404, 'not_found');
    await expectError(`${s.url}/t/${s.clientId}/x/y/z/${photo}.webp`, 404, 'not_found');
  });
});

describe('presets', () => {
  test('preset: and preset%3A URLs deliver; a concrete f must match; deleted → 404', async () => {
    const preset = (await s.api('POST', '/presets', { name: 'card', params: 'w_120,h_80,c_cover' })).json;
    const a = await image(`${s.url}/t/${s.clientId}/preset:card/${photo}.webp`);
    expect(a.size).toEqual(['webp', 120, 80]);
    const b = await image(`${s.url}/t/${s.clientId}/preset%3Acard/${photo}.jpg`);
    expect(b.size).toEqual(['jpeg', 120, 80]);
    await s.api('POST', '/presets', { name: 'pngonly', params: 'w_10,f_png' });
    expect((await fetch(`${s.url}/t/${s.clientId}/preset:pngonly/${photo}.webp`)).status).toBe(400);
    expect((await fetch(`${s.url}/t/${s.clientId}/preset:card/w_10/${photo}.webp`)).status).toBe(400);
    expect((await fetch(`${s.url}/t/${s.clientId}/preset:nope/${photo}.webp`)).status).toBe(404);
    await s.api('DELETE', `/presets/${preset.id}`);
    const gone = await fetch(`${s.url}/t/${s.clientId}/preset:card/${photo}.webp`);
    expect([gone.status, gone.headers.get('cache-control')]).toEqual([404, 'no-store']);
  });
});

describe('variant cache', () => {
  test('concurrent first requests compute once; equivalent transforms share the variant', async () => {
    const id = (await s.upload(await jpeg(900, 600), 'busy.jpg')).json.id;
    const before = s.ctx.delivery.stats.transforms;
    const url = signed(`w_333/${id}.webp`);
    const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(url)));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(s.ctx.delivery.stats.transforms - before).toBe(1);
    for (const equivalent of [`w_333,dpr_1/${id}.webp`, `w_333,q_80/${id}.webp`, `w_333,f_webp/${id}.webp`]) {
      expect((await fetch(signed(equivalent))).status).toBe(200);
    }
    expect(s.ctx.delivery.stats.transforms - before).toBe(1);
  });

  test('replace changes pixels and ETag at the same URL; delete → 404', async () => {
    const id = (await s.upload(await jpeg(100, 100, { color: '#ff0000' }), 'swap.jpg')).json.id;
    const url = signed(`w_50/${id}.png`);
    const red = await image(url);
    expect((await pixel(red.body, 25, 25))[0]).toBeGreaterThan(200);
    const form = new FormData();
    form.append('file', new File([await jpeg(100, 100, { color: '#0000ff' })], 'blue.jpg'));
    expect((await s.api('PUT', `/images/${id}`, form)).status).toBe(200);
    const blue = await image(url);
    expect((await pixel(blue.body, 25, 25))[2]).toBeGreaterThan(200);
    expect(blue.response.headers.get('etag')).not.toBe(red.response.headers.get('etag'));
    const stale = await fetch(url, { headers: { 'if-none-match': red.response.headers.get('etag')! } });
    expect(stale.status).toBe(200);
    await s.api('DELETE', `/images/${id}`);
    expect((await fetch(url)).status).toBe(404);
  });
});
