import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { signPath } from '../../src/core/signing';
import { pixel } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

// What people actually upload beyond the seed's formats: iPhone HEIC and SVG logos, end to end
// through the API and delivery (animated GIF/WebP: animation.test.ts).

const HEIC = join(import.meta.dir, '../fixtures/heic');
const heic = async (name: string) => new Uint8Array(await Bun.file(join(HEIC, name)).arrayBuffer());

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s?.stop());

async function signed(id: string, transform: string): Promise<string> {
  const { data, error } = await s.client.v1.sign.post({ imageId: id, transform });
  if (error) throw new Error(JSON.stringify(error.value));
  return data.url;
}

async function deliver(url: string) {
  const response = await fetch(url);
  const body = new Uint8Array(await response.arrayBuffer());
  return { response, body, meta: response.status === 200 ? await sharp(body).metadata() : null };
}

/** A delivery path signed as a client's backend would sign it, for any extension. */
function signedPathFor(id: string, transform: string, extension: string): string {
  const rest = `${transform}/${id}.${extension}`;
  return `/t/${s.clientId}/${signPath(s.secret, s.clientId, rest)}/${rest}`;
}

/** The files kept for an image in the data directory's originals store. */
const storedFiles = (id: string) => readdirSync(join(s.dataDir, 'originals', s.clientId, id));
const storedOriginal = async (id: string) => {
  const name = storedFiles(id).find((file) => !file.endsWith('.master'))!;
  return new Uint8Array(await Bun.file(join(s.dataDir, 'originals', s.clientId, id, name)).arrayBuffer());
};

/** How sharp names a delivered format: AVIF is a HEIF container coded with AV1. */
const sharpFormat = (format: string) => (format === 'avif' ? { format: 'heif', compression: 'av1' } : { format });

const isRed = ([r, g, b]: number[]) => r! > 200 && g! < 60 && b! < 60;
const isBlue = ([r, g, b]: number[]) => b! > 200 && r! < 60 && g! < 60;

describe('HEIC', () => {
  test('upload: format heic, the original kept byte-exact, a working master beside it; every output format decodes', async () => {
    const bytes = await heic('plain.heic');
    const { status, json: image } = await s.upload(bytes, 'IMG_0001.HEIC');
    expect(status).toBe(201);
    expect(image).toMatchObject({ format: 'heic', frames: 1, animated: false });
    expect(image.width).toBeGreaterThan(0);
    expect(await storedOriginal(image.id)).toEqual(bytes);
    expect(storedFiles(image.id).filter((file) => file.endsWith('.master'))).toHaveLength(1);
    for (const format of ['webp', 'jpeg', 'png', 'avif', 'gif']) {
      const { response, meta } = await deliver(await signed(image.id, `w_32,f_${format}`));
      expect(response.status).toBe(200);
      expect(meta).toMatchObject({ ...sharpFormat(format), width: 32 });
    }
  });

  test('orientation: EXIF 6 alone turns the image; irot with EXIF 6 (an iPhone file) turns it exactly once', async () => {
    const { json: exif } = await s.upload(await heic('exif6.heic'), 'exif6.heic');
    const { json: iphone } = await s.upload(await heic('iphone-like.heic'), 'iphone.heic');
    // Both show the same upright picture: same displayed size, same pixels.
    expect([iphone.width, iphone.height]).toEqual([exif.width, exif.height]);
    const a = await deliver(await signed(exif.id, 'f_png'));
    const b = await deliver(await signed(iphone.id, 'f_png'));
    expect([b.meta!.width, b.meta!.height]).toEqual([a.meta!.width, a.meta!.height]);
    for (const [x, y] of [[1, 1], [a.meta!.width! - 2, 1], [1, a.meta!.height! - 2], [a.meta!.width! - 2, a.meta!.height! - 2]] as const) {
      const [pa, pb] = [await pixel(a.body, x, y), await pixel(b.body, x, y)];
      for (let c = 0; c < 3; c++) expect(Math.abs(pa[c]! - pb[c]!)).toBeLessThan(40);
    }
  });

  test('a multi-image file delivers its primary image; an image with transparency keeps it', async () => {
    const { json: multi } = await s.upload(await heic('multi.heic'), 'burst.heic');
    expect(multi.format).toBe('heic');
    const { meta } = await deliver(await signed(multi.id, 'f_png'));
    expect([meta!.width, meta!.height]).toEqual([multi.width, multi.height]);
    const { json: alpha } = await s.upload(await heic('alpha.heic'), 'alpha.heic');
    const out = await deliver(await signed(alpha.id, 'f_png'));
    expect(out.meta!.hasAlpha).toBe(true);
    // Below its green top band: left half opaque red, right half transparent.
    const y = Math.round(alpha.height * 0.6);
    expect(isRed(await pixel(out.body, 2, y))).toBe(true);
    expect((await pixel(out.body, 2, y))[3]).toBe(255);
    expect((await pixel(out.body, alpha.width - 3, y))[3]).toBeLessThan(10);
  });

  test('a truncated HEIC → 415, nothing stored; over IMGAPI_MAX_PIXELS → 422 from the header', async () => {
    const before = (await s.client.v1.images.get({ query: {} })).data!.total;
    const truncated = await s.upload(await heic('truncated.heic'), 'broken.heic');
    expect(truncated.status).toBe(415);
    expect(truncated.json.error.code).toBe('unsupported_media_type');
    expect((await s.client.v1.images.get({ query: {} })).data!.total).toBe(before);
    const small = await startServer({ IMGAPI_MAX_PIXELS: '100' });
    try {
      const big = await small.upload(await heic('plain.heic'), 'big.heic');
      expect(big.status).toBe(422);
      expect(big.json.error.code).toBe('limit_exceeded');
    } finally {
      await small.stop();
    }
  });

  test('a lost working master is made again from the original on the next miss', async () => {
    const { json: image } = await s.upload(await heic('plain.heic'), 'again.heic');
    const master = storedFiles(image.id).find((file) => file.endsWith('.master'))!;
    await Bun.file(join(s.dataDir, 'originals', s.clientId, image.id, master)).delete();
    const { response } = await deliver(await signed(image.id, 'w_20,f_jpeg'));
    expect(response.status).toBe(200);
    expect(storedFiles(image.id).filter((file) => file.endsWith('.master'))).toHaveLength(1);
  });
});

const LOGO = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50">
  <rect x="10" y="0" width="80" height="50" fill="#ff0000"/>
  <text x="50" y="30" font-size="10" fill="#0000ff">Hi</text>
</svg>`;

const encode = (text: string) => new TextEncoder().encode(text);

describe('SVG', () => {
  test('upload: format svg with the size of its viewBox; w_2000 renders sharp at 2000 px; every raster output', async () => {
    const { status, json: image } = await s.upload(encode(LOGO), 'logo.svg');
    expect(status).toBe(201);
    expect(image).toMatchObject({ format: 'svg', width: 100, height: 50, frames: 1 });
    const { response, body, meta } = await deliver(await signed(image.id, 'w_2000,f_png'));
    expect(response.headers.get('content-type')).toBe('image/png');
    expect([meta!.width, meta!.height]).toEqual([2000, 1000]);
    // The rect's left edge lies at x = 200: drawn at 2000 px it is sharp, an enlarged 100 px
    // raster would smear it over some 20 px.
    expect((await pixel(body, 197, 500))[3]).toBeLessThan(10);
    expect(isRed(await pixel(body, 203, 500))).toBe(true);
    for (const format of ['webp', 'jpeg', 'avif', 'gif']) {
      const out = await deliver(await signed(image.id, `w_50,f_${format}`));
      expect(out.response.status).toBe(200);
      expect(out.meta).toMatchObject({ ...sharpFormat(format), width: 50, height: 25 });
    }
  });

  test('cr is in the SVG’s own units, whatever size it is drawn at', async () => {
    const halves = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="20" height="20" fill="#ff0000"/><rect x="20" width="20" height="20" fill="#0000ff"/></svg>`;
    const { json: image } = await s.upload(encode(halves), 'halves.svg');
    expect([image.width, image.height]).toEqual([40, 20]);
    const { body, meta } = await deliver(await signed(image.id, 'cr_20:0:20:20,w_400,f_png'));
    expect([meta!.width, meta!.height]).toEqual([400, 400]);
    expect(isBlue(await pixel(body, 5, 200))).toBe(true);
    expect(isBlue(await pixel(body, 395, 200))).toBe(true);
  });

  test('never served as SVG: a .svg URL is 400; script and event handlers are gone from what is stored', async () => {
    const hostile = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10" fill="#00ff00" onclick="alert(3)"/><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>`;
    const { status, json: image } = await s.upload(encode(hostile), 'x.svg');
    expect(status).toBe(201);
    const stored = new TextDecoder().decode(await storedOriginal(image.id));
    expect(stored).not.toMatch(/script|onload|onclick|alert|foreignObject/i);
    expect(stored).toContain('rect');
    const url = await signed(image.id, 'w_10');
    // Signed by the client's own secret, a .svg URL is still refused: no output format is SVG.
    const svgUrl = `${s.url}${signedPathFor(image.id, 'w_10', 'svg')}`;
    const refused = await fetch(svgUrl);
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([400, 'invalid_input']);
    const { response } = await deliver(url);
    expect(response.headers.get('content-type')).toBe('image/webp');
  });

  test('external references reach nothing: <image href> and CSS url() at a listener the test runs get no connection', async () => {
    let connections = 0;
    const listener = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { open: () => void connections++, data: () => {} } });
    try {
      const at = `http://127.0.0.1:${listener.port}`;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="50" height="50">
        <style>@import url("${at}/import.css"); rect { fill: url(${at}/fill.svg#g); }</style>
        <image href="${at}/a.png" width="50" height="50"/>
        <image xlink:href="${at}/b.png" width="50" height="50"/>
        <rect width="50" height="50" style="fill: url('${at}/c.svg#g'); stroke: #000"/>
        <use href="${at}/d.svg#x"/>
      </svg>`;
      const { status, json: image } = await s.upload(encode(svg), 'refs.svg');
      expect(status).toBe(201);
      expect(new TextDecoder().decode(await storedOriginal(image.id))).not.toContain('127.0.0.1');
      const { response } = await deliver(await signed(image.id, 'w_100,f_png'));
      expect(response.status).toBe(200);
      await Bun.sleep(100);
      expect(connections).toBe(0);
    } finally {
      listener.stop(true);
    }
  });

  test('XXE, entity bombs, no size, not XML → 415 with nothing stored', async () => {
    const before = (await s.client.v1.images.get({ query: {} })).data!.total;
    const refused = [
      `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&xxe;</text></svg>`,
      `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&b;</text></svg>`,
      `<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>`,
      `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect></svg>`,
    ];
    for (const text of refused) {
      const { status, json } = await s.upload(encode(text), 'bad.svg');
      expect([status, json.error.code]).toEqual([415, 'unsupported_media_type']);
      expect(JSON.stringify(json)).not.toMatch(/passwd|at \/|\.ts:/);
    }
    expect((await s.client.v1.images.get({ query: {} })).data!.total).toBe(before);
  });
});

describe('SVG bounds', () => {
  test('a 1×1 viewBox asked at w_8192 is drawn within the pixel limit and the deadline; the server stays healthy', async () => {
    const bounded = await startServer({ IMGAPI_MAX_PIXELS: '1000000', IMGAPI_TRANSFORM_TIMEOUT_SECONDS: '3' });
    try {
      const dot = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1" fill="#ff0000"/></svg>`;
      const { json: image } = await bounded.upload(encode(dot), 'dot.svg');
      expect([image.width, image.height]).toEqual([1, 1]);
      const { data } = await bounded.client.v1.sign.post({ imageId: image.id, transform: 'w_8192,f_jpeg' });
      const response = await fetch(data!.url);
      expect([200, 503]).toContain(response.status);
      if (response.status === 200) {
        const meta = await sharp(new Uint8Array(await response.arrayBuffer())).metadata();
        expect([meta.width, meta.height]).toEqual([8192, 8192]);
      }
      expect((await fetch(`${bounded.url}/healthz`)).status).toBe(200);
    } finally {
      await bounded.stop();
    }
  });

  test('an SVG too costly to draw in time: 503 once, then 422 at once for that size and larger (no second render), a smaller size still drawn', async () => {
    const bounded = await startServer({ IMGAPI_TRANSFORM_TIMEOUT_SECONDS: '1', IMGAPI_CONCURRENCY: '1' });
    try {
      // feMorphology costs its radius squared per pixel: at 400 px this is seconds of work, at 40 px nothing.
      const costly = `<svg xmlns="http://www.w3.org/2000/svg" width="8000" height="8000"><filter id="f"><feMorphology radius="1000"/></filter><rect width="8000" height="8000" fill="#336699" filter="url(#f)"/></svg>`;
      // The upload draws its placeholder (cheap at 100 px) within the same 1 s: on a loaded
      // machine it may be a 503, which stores nothing, and is sent again.
      let uploaded = await bounded.upload(encode(costly), 'costly.svg');
      for (let i = 0; i < 20 && uploaded.status === 503; i++) uploaded = await bounded.upload(encode(costly), 'costly.svg');
      expect(uploaded.status).toBe(201);
      const image = uploaded.json;
      const url = async (transform: string) => (await bounded.client.v1.sign.post({ imageId: image.id, transform })).data!.url;
      const first = await fetch(await url('w_400,f_png'));
      expect([first.status, (await first.json()).error.code]).toEqual([503, 'overloaded']);
      // The render past its deadline keeps the only slot until it has really stopped (misses
      // meanwhile wait for it, 503 at their own deadline); then the size is known too costly.
      // Seconds on a quiet machine, more on a loaded one: asked again until it is known.
      let status = 503;
      for (const until = Date.now() + 90_000; status === 503 && Date.now() < until; ) {
        status = (await fetch(await url('w_400,f_jpeg'))).status;
        if (status === 503) await Bun.sleep(250);
      }
      for (const transform of ['w_400,f_jpeg', 'w_800,f_png']) {
        const again = await fetch(await url(transform));
        expect([transform, again.status, (await again.json()).error.code]).toEqual([transform, 422, 'limit_exceeded']);
      }
      const small = await fetch(await url('w_40,f_png'));
      expect(small.status).toBe(200);
      expect((await sharp(new Uint8Array(await small.arrayBuffer())).metadata()).width).toBe(40);
    } finally {
      await bounded.stop();
    }
  }, 120_000);
});
