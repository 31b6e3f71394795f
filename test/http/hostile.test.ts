import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { signPath } from '../../src/core/signing';
import sharp from 'sharp';
import { decode, jpeg, png } from '../helpers/fixtures';
import { animatedGif, bmp, cmykJpeg, gifHtmlPolyglot, jpegWithGiantIcc, jpegWithHugeExif, jpegWithScriptComment, png16, pngHeaderOnly, pngWithTextBomb, randomBytes, textFiles } from '../helpers/hostile-files';
import { startServer, type TestServer } from '../helpers/server';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ IMGAPI_MAX_PIXELS: '2000000' });
});
afterAll(() => s.stop());

const signed = (rest: string) => `${s.url}/t/${s.clientId}/${signPath(s.secret, s.clientId, rest)}/${rest}`;
const originals = () => {
  const root = join(s.dataDir, 'originals');
  return existsSync(root) ? readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('.tmp')).length : 0;
};

describe('hostile uploads get a clear 4xx, and nothing is stored', () => {
  test('every case', async () => {
    const before = originals();
    const cases: [string, Uint8Array | Promise<Uint8Array>, number][] = [
      ['PNG header declaring 50000×50000', pngHeaderOnly(50_000, 50_000), 422],
      ['PNG header with a side over 16383', pngHeaderOnly(20_000, 10), 422],
      ['animation whose frames add up over the pixel limit', animatedGif(30, 300), 422],
      ['HTML claiming to be a JPEG', textFiles.html, 415],
      ['PDF', textFiles.pdf, 415],
      ['ImageMagick MVG script', textFiles.mvg, 415],
      ['SVG with an external entity (XXE)', textFiles.svgXxe, 415],
      ['SVG with a billion-laughs entity', textFiles.svgLaughs, 415],
      ['SVG declaring a side over 16383', textFiles.svgHuge, 422],
      ['SVG with a root that is not svg', textFiles.svgHtmlRoot, 415],
      ['HEIC brand with no image in it', textFiles.heicLike, 415],
      ['BMP', bmp(4, 4), 415],
      ['random bytes', randomBytes(4096), 415],
      ['zero bytes', new Uint8Array(0), 415],
      ['truncated JPEG', jpeg(400, 300).then((b) => b.slice(0, b.length / 3)), 415],
    ];
    for (const [label, bytes, status] of cases) {
      const { status: got, json } = await s.upload(await bytes, 'evil.jpg');
      expect([label, got]).toEqual([label, status]);
      expect(typeof json.error.message).toBe('string');
      expect(JSON.stringify(json)).not.toMatch(/\/tmp|\/work|node_modules|at .*\.ts/);
    }
    expect(originals()).toBe(before);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});

describe('metadata bombs', () => {
  test('a zTXt chunk inflating to 200 MB is refused before decoding; giant EXIF and ICC blocks are accepted but never delivered', async () => {
    const bombBytes = await pngWithTextBomb(200 * 1024 * 1024);
    Bun.gc(true);
    const rssBefore = process.memoryUsage.rss();
    const bomb = await s.upload(bombBytes, 'bomb.png');
    expect([bomb.status, bomb.json.error.code]).toEqual([422, 'limit_exceeded']);
    expect(process.memoryUsage.rss() - rssBefore).toBeLessThan(100 * 1024 * 1024);
    const modest = await s.upload(await pngWithTextBomb(100 * 1024), 'notes.png');
    expect(modest.status).toBe(201);
    // A 60 KB EXIF block and an 8 MB junk ICC profile: valid images, accepted, metadata never delivered.
    for (const bytes of [await jpegWithHugeExif(), await jpegWithGiantIcc()]) {
      const { status, json } = await s.upload(bytes, 'meta.jpg');
      expect(status).toBe(201);
      const response = await fetch(signed(`${json.id}.png`));
      expect(response.status).toBe(200);
      const delivered = new Uint8Array(await response.arrayBuffer());
      expect(delivered.byteLength).toBeLessThan(20_000);
      const meta = await decode(delivered);
      expect([meta.exif, meta.icc]).toEqual([undefined, undefined]);
    }
  });
});

describe('awkward but valid images deliver correctly', () => {
  test('CMYK JPEG and 16-bit PNG come out as 8-bit sRGB', async () => {
    for (const bytes of [await cmykJpeg(120, 80), await png16(120, 80)]) {
      const { id } = (await s.upload(bytes, 'odd.img')).json;
      const response = await fetch(signed(`w_60/${id}.png`));
      expect(response.status).toBe(200);
      const meta = await decode(await response.arrayBuffer());
      expect([meta.space, meta.depth, meta.width, meta.height]).toEqual(['srgb', 'uchar', 60, 40]);
    }
  });

  test('polyglots (HTML after a GIF trailer, script in a JPEG comment) are re-encoded on delivery, the payload gone', async () => {
    for (const [bytes, format] of [[await gifHtmlPolyglot(), 'gif'], [await jpegWithScriptComment(), 'jpeg']] as const) {
      const { status, json } = await s.upload(bytes, 'cute.img');
      expect([status, json.format]).toEqual([201, format]);
      for (const ext of ['webp', 'png', 'jpg']) {
        const response = await fetch(signed(`${json.id}.${ext}`));
        expect(response.headers.get('content-type')).toBe(`image/${ext === 'jpg' ? 'jpeg' : ext}`);
        expect(new TextDecoder('latin1').decode(await response.arrayBuffer())).not.toContain('<script>');
      }
    }
  });

  test('a 16000×1 image: computed sizes are clamped to at least 1 px', async () => {
    const line = await sharp({ create: { width: 16000, height: 1, channels: 3, background: '#010203' } }).png().toBuffer();
    const { status, json } = await s.upload(new Uint8Array(line), 'line.png');
    expect(status).toBe(201);
    const meta = await decode(await (await fetch(signed(`w_100/${json.id}.webp`))).arrayBuffer());
    expect([meta.width, meta.height]).toEqual([100, 1]);
  });

  test('hostile file names are stored as sanitized display text', async () => {
    const cases: [string, string][] = [
      ['../../etc/passwd', 'passwd'],
      ['C:\\Windows\\evil.png', 'evil.png'],
      ['bad\u0000name.png', 'badname.png'],
      ['line\r\nbreak.png', 'line break.png'],
      ['abc\u202egnp.exe', 'abcgnp.exe'],
      ['<img src=x onerror=alert(1)>.png', '<img src=x onerror=alert(1)>.png'],
      ['<script>alert(1)</script>.png', 'script>.png'], // a slash is a path separator: base name only
      ['cafe\u0301.png', 'caf\u00e9.png'],
      [`${'a'.repeat(300)}.png`, 'a'.repeat(255)],
    ];
    for (const [name, stored] of cases) {
      const { status, json } = await s.upload(await png(2, 2), name);
      expect([name, status, json.originalName]).toEqual([name, 201, stored]);
    }
  });

  test('an animated GIF within the limit keeps its frames in WebP; a JPEG of it is its first frame', async () => {
    const { status, json } = await s.upload(await animatedGif(4, 50), 'anim.gif');
    expect(status).toBe(201);
    const webp = await (await fetch(signed(`${json.id}.webp`))).arrayBuffer();
    const meta = await sharp(new Uint8Array(webp), { animated: true }).metadata();
    expect([meta.width, meta.pageHeight, meta.pages]).toEqual([50, 50, 4]);
    const still = await decode(await (await fetch(signed(`${json.id}.jpg`))).arrayBuffer());
    expect([still.width, still.height, still.pages ?? 1]).toEqual([50, 50, 1]);
  });
});

describe('hostile URLs get 4xx', () => {
  test('traversal and junk in every position', async () => {
    const { id } = (await s.upload(await jpeg(50, 50), 'ok.jpg')).json;
    const raw = [
      `/t/${s.clientId}/preset:..%2F..%2Fetc/${id}.webp`,
      `/t/..%2F..%2Fetc/${signPath(s.secret, s.clientId, `${id}.webp`)}/${id}.webp`,
      `/t/${s.clientId}/${signPath(s.secret, s.clientId, `w_10/..%2F${id}.webp`)}/w_10/..%2F${id}.webp`,
      `/t/${s.clientId}/${signPath(s.secret, s.clientId, `w_10/${id}%00.webp`)}/w_10/${id}%00.webp`,
      `/t/${s.clientId}/${signPath(s.secret, s.clientId, `w_10/..\\${id}.webp`)}/w_10/..\\${id}.webp`,
    ];
    for (const path of raw) {
      const response = await fetch(`${s.url}${path}`);
      expect([path, response.status >= 400 && response.status < 500]).toEqual([path, true]);
    }
    const transforms = ['w_1e5', 'w_0x64', 'w_Infinity', 'w_+10', 'w_010', `w_1,${'q_1,'.repeat(200)}`, 'w_8193', 'dpr_9', '__proto___1'];
    for (const transform of transforms) {
      const response = await fetch(signed(`${transform}/${id}.webp`));
      expect([transform, response.status]).toEqual([transform, 400]);
    }
    for (const path of [`/api/v1/images/..%2F..%2Fetc%2Fpasswd`, '/api/v1/images/%00', '/api/v1/folders/..']) {
      const response = await fetch(`${s.url}${path}`, { headers: { 'x-api-key': s.apiKey } });
      expect([path, response.status]).toEqual([path, 404]);
    }
  });

  test('odd list parameters and SQL-ish search text', async () => {
    for (const query of ['?page=1e3', '?pageSize=-5', '?page=99999999999999999999', '?pageSize=1e2']) {
      expect((await s.api('GET', `/images${query}`)).status).toBe(400);
    }
    for (const q of ["' OR 1=1 --", '%_%', '"); DROP TABLE images; --', 'NEAR(a b)', '*']) {
      const { status, json } = await s.api('GET', `/images?q=${encodeURIComponent(q)}`);
      expect([q, status, json.total]).toEqual([q, 200, 0]);
    }
    expect((await s.api('POST', '/folders', { path: '__proto__/constructor' })).status).toBe(201);
    expect((await s.api('POST', '/presets', { name: 'constructor', params: 'w_10' })).status).toBe(201);
    expect((await s.api('POST', '/presets', { name: ['x'], params: 'w_10' })).status).toBe(400);
    expect((await s.api('POST', '/sign', { imageId: { $ne: 1 } })).status).toBe(400);
  });
});

describe('transform timeout', () => {
  test('a transform over IMGAPI_TRANSFORM_TIMEOUT_SECONDS is abandoned with 503 and Retry-After', async () => {
    const t = await startServer({ IMGAPI_TRANSFORM_TIMEOUT_SECONDS: '1', IMGAPI_MAX_PIXELS: '50000000' });
    try {
      const big = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
        .jpeg({ quality: 95 })
        .toBuffer();
      const { id } = (await t.upload(new Uint8Array(big), 'slow.jpg')).json;
      const rest = `f_avif,q_90/${id}.avif`;
      const response = await fetch(`${t.url}/t/${t.clientId}/${signPath(t.secret, t.clientId, rest)}/${rest}`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect((await response.json()).error.code).toBe('overloaded');
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    } finally {
      await t.stop();
    }
  }, 60_000);
});

describe('rate limits', () => {
  test('beyond IMGAPI_RATE_LIMIT_PER_MINUTE a key gets 429 with Retry-After; delivery is not limited', async () => {
    const t = await startServer({ IMGAPI_RATE_LIMIT_PER_MINUTE: '5' });
    try {
      const { id } = (await t.upload(await jpeg(20, 20), 'r.jpg')).json;
      const statuses: number[] = [];
      let refused: { status: number; json: any; headers: Headers } | undefined;
      for (let i = 0; i < 6; i++) {
        const response = await t.api('GET', '/folders');
        statuses.push(response.status);
        if (response.status === 429) refused = response;
      }
      expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
      expect(refused?.json.error.code).toBe('rate_limited');
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
      const url = `${t.url}/t/${t.clientId}/${signPath(t.secret, t.clientId, `${id}.webp`)}/${id}.webp`;
      for (let i = 0; i < 10; i++) expect((await fetch(url)).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});
