import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { signPath } from '../../src/core/signing';
import { AUTO_QUALITY_RANGES } from '../../src/core/transform/quality-search';
import { decode } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

/** Photo-like: a disc with edges over a gradient, soft stripes and a little grain. */
async function photo(width: number, height: number) {
  const data = new Uint8Array(width * height * 3);
  let seed = 3;
  const grain = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * 12;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const disc = (x - width * 0.35) ** 2 + (y - height * 0.5) ** 2 < (height * 0.3) ** 2;
      const stripes = 30 * Math.sin(x / 7) * Math.sin(y / 11);
      const base = disc ? [200, 80, 60] : [60 + (100 * y) / height, 110, 150];
      const noise = grain();
      base.forEach((v, i) => (data[(y * width + x) * 3 + i] = Math.max(0, Math.min(255, Math.round(v + stripes + noise)))));
    }
  }
  return new Uint8Array(await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer());
}

// Two servers over their own data: one with a memory tier, one serving every hit from disk.
let s: TestServer;
let diskOnly: TestServer;
let imageId: string;
let diskImageId: string;
beforeAll(async () => {
  [s, diskOnly] = await Promise.all([startServer(), startServer({ IMGAPI_MEMORY_CACHE_MAX_BYTES: '0' })]);
  const fixture = await photo(1200, 900);
  imageId = (await s.upload(fixture, 'photo.png')).json.id;
  diskImageId = (await diskOnly.upload(fixture, 'photo.png')).json.id;
});
afterAll(() => Promise.all([s.stop(), diskOnly.stop()]));

const signed = (server: TestServer, rest: string) => `${server.url}/t/${server.clientId}/${signPath(server.secret, server.clientId, rest)}/${rest}`;

async function get(url: string) {
  const response = await fetch(url);
  return { response, body: new Uint8Array(await response.arrayBuffer()) };
}

describe('q_auto through a signed URL', () => {
  test('the miss searches, the hit answers the same bytes and X-Quality; the result decodes as asked', async () => {
    const url = signed(s, `w_600,q_auto/${imageId}.webp`);
    const miss = await get(url);
    expect(miss.response.status).toBe(200);
    expect(miss.response.headers.get('x-cache')).toBe('MISS');
    const quality = Number(miss.response.headers.get('x-quality'));
    expect(quality).toBeGreaterThanOrEqual(AUTO_QUALITY_RANGES.webp.min);
    expect(quality).toBeLessThanOrEqual(AUTO_QUALITY_RANGES.webp.max);
    const meta = await decode(miss.body);
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 600, 450]);

    const hit = await get(url);
    expect(hit.response.headers.get('x-cache')).toBe('HIT');
    expect(hit.response.headers.get('x-quality')).toBe(String(quality));
    expect(hit.body).toEqual(miss.body);
    // q_auto:good is q_auto: the same variant.
    const good = await get(signed(s, `w_600,q_auto:good/${imageId}.webp`));
    expect([good.response.headers.get('x-cache'), good.response.headers.get('x-quality')]).toEqual(['HIT', String(quality)]);
  });

  test('a hit read from disk carries the stored quality too, and the file on disk ends in the image', async () => {
    const url = signed(diskOnly, `w_600,f_jpeg,q_auto:eco/${diskImageId}.jpg`);
    const miss = await get(url);
    const quality = miss.response.headers.get('x-quality');
    expect(Number(quality)).toBeGreaterThanOrEqual(AUTO_QUALITY_RANGES.jpeg.min);
    const hit = await get(url);
    expect([hit.response.headers.get('x-cache'), hit.response.headers.get('x-quality')]).toEqual(['HIT', quality]);
    expect(hit.body).toEqual(miss.body);
    expect(Array.from(hit.body.subarray(-2))).toEqual([0xff, 0xd9]); // JPEG's end marker, no trailer served
    const meta = await decode(hit.body);
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 600, 450]);
  });

  test('a fixed quality is reported as is; PNG has none; q_auto:max is a 400 naming the segment', async () => {
    const fixed = await get(signed(s, `w_300,q_70/${imageId}.webp`));
    expect(fixed.response.headers.get('x-quality')).toBe('70');
    const png = await get(signed(s, `w_300,q_auto/${imageId}.png`));
    expect(png.response.status).toBe(200);
    expect(png.response.headers.get('x-quality')).toBeNull();
    const bad = await get(signed(s, `w_300,q_auto:max/${imageId}.webp`));
    expect(bad.response.status).toBe(400);
    expect(JSON.parse(new TextDecoder().decode(bad.body)).error.message).toContain('"q_auto:max"');
  });
});
