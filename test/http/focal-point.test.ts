import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { startServer, type TestServer } from '../helpers/server';
import { pixel } from '../helpers/fixtures';

// A focal point steers the crops of one image: the URLs stay, the pixels and ETags of crops
// follow the point, plain resizes keep theirs, and no file cropped for an old point remains.

let s: TestServer;

/** 400 × 200 blue with a 60 px band of `band` on the left: a centred crop never shows the band. */
async function leftBand(band: string) {
  const strip = await sharp({ create: { width: 60, height: 200, channels: 3, background: band } }).png().toBuffer();
  return new Uint8Array(
    await sharp({ create: { width: 400, height: 200, channels: 3, background: '#0000ff' } })
      .composite([{ input: strip, left: 0, top: 0 }])
      .png()
      .toBuffer(),
  );
}

const patch = (id: string, body: unknown, apiKey?: string) => s.api('PATCH', `/images/${id}`, body, apiKey);

async function signed(id: string, transform: string): Promise<string> {
  const { data, error } = await s.client.v1.sign.post({ imageId: id, transform });
  if (error) throw new Error(JSON.stringify(error.value));
  return data.url;
}

/** The colour at (10, 100) of a delivered 100 × 200 crop, and its ETag. */
async function look(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  if (response.status !== 200) return { status: response.status, rgb: [] as number[], etag: response.headers.get('etag') };
  const body = new Uint8Array(await response.arrayBuffer());
  return { status: 200, rgb: (await pixel(body, 10, 100)).slice(0, 3), etag: response.headers.get('etag')! };
}

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
const GREEN = [0, 255, 0];

/** Variant files the cache holds for one image (every tier: memory, disk index, files). */
const cachedVariants = async (id: string) => (await s.ctx.variants.list()).filter((key) => key.startsWith(`${s.clientId}/${id}/`));

beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s?.stop());

describe('focal point', () => {
  test('set: crops centre on it at the same URL with a new ETag; g_center still centres; plain resizes keep their ETag; clearing goes back', async () => {
    const { json: image } = await s.upload(await leftBand('#ff0000'), 'band.png');
    expect(image.focalPoint).toBeNull();
    const crop = await signed(image.id, 'w_100,h_200,c_fill,f_png');
    const centred = await signed(image.id, 'w_100,h_200,c_fill,g_center,f_png');
    const resize = await signed(image.id, 'w_200,f_png');

    const before = await look(crop);
    expect(before.rgb).toEqual(BLUE);
    expect((await look(crop)).etag).toBe(before.etag); // a second request: from the memory tier
    const resizeBefore = (await fetch(resize)).headers.get('etag');
    expect(await cachedVariants(image.id)).toHaveLength(2);

    const set = await patch(image.id, { focalPoint: { x: 0.05, y: 0.5 } });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ id: image.id, version: 1, focalPoint: { x: 0.05, y: 0.5 }, originalName: 'band.png' });
    expect(set.json.thumbnailUrl).toBe(image.thumbnailUrl);
    // Purged: nothing cropped for the centre is left to serve or to take space.
    expect(await cachedVariants(image.id)).toEqual([]);
    expect((await s.client.v1.images({ id: image.id }).get()).data?.focalPoint).toEqual({ x: 0.05, y: 0.5 });

    const after = await look(crop);
    expect(after.rgb).toEqual(RED);
    expect(after.etag).not.toBe(before.etag);
    // A browser holding the old crop is sent the new one, not told it is still good.
    expect((await look(crop, { 'if-none-match': before.etag! })).status).toBe(200);
    expect((await look(centred)).rgb).toEqual(BLUE);
    const resized = await fetch(resize);
    expect(resized.headers.get('etag')).toBe(resizeBefore);
    expect((await sharp(new Uint8Array(await resized.arrayBuffer())).metadata()).width).toBe(200);

    const cleared = await patch(image.id, { focalPoint: null });
    expect(cleared.status).toBe(200);
    expect(cleared.json.focalPoint).toBeNull();
    const back = await look(crop);
    expect(back.rgb).toEqual(BLUE);
    expect(back.etag).toBe(before.etag);
  });

  test('a rename leaves the point alone; a point outside 0–1, not a number, or half a point is a 400 that changes nothing', async () => {
    const { json: image } = await s.upload(await leftBand('#ff0000'), 'strict.png');
    expect((await patch(image.id, { focalPoint: { x: 0.25, y: 0.75 } })).json.focalPoint).toEqual({ x: 0.25, y: 0.75 });
    expect((await patch(image.id, { originalName: 'renamed.png' })).json).toMatchObject({ originalName: 'renamed.png', focalPoint: { x: 0.25, y: 0.75 } });
    for (const focalPoint of [{ x: 1.5, y: 0.5 }, { x: -0.1, y: 0.5 }, { x: 'NaN', y: 0.5 }, { x: '0.5', y: 0.5 }, { x: 0.5 }, {}, 'centre', 7]) {
      const refused = await patch(image.id, { focalPoint, originalName: 'never.png' });
      expect([JSON.stringify(focalPoint), refused.status, refused.json.error.code]).toEqual([JSON.stringify(focalPoint), 400, 'invalid_input']);
      expect(refused.json.error.message).toContain('focalPoint');
    }
    expect((await s.client.v1.images({ id: image.id }).get()).data).toMatchObject({ originalName: 'renamed.png', focalPoint: { x: 0.25, y: 0.75 } });
    // Kept to the 4 decimals the variant key writes.
    expect((await patch(image.id, { focalPoint: { x: 1 / 3, y: 0.123456 } })).json.focalPoint).toEqual({ x: 0.3333, y: 0.1235 });
  });

  test('a replace keeps the point, and the new pixels are cropped on it', async () => {
    const { json: image } = await s.upload(await leftBand('#ff0000'), 'kept.png');
    await patch(image.id, { focalPoint: { x: 0.05, y: 0.5 } });
    const form = new FormData();
    form.append('file', new File([await leftBand('#00ff00')], 'kept-v2.png'));
    const replaced = await s.api('PUT', `/images/${image.id}`, form);
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ version: 2, focalPoint: { x: 0.05, y: 0.5 } });
    expect((await look(await signed(image.id, 'w_100,h_200,c_fill,f_png'))).rgb).toEqual(GREEN);
  });

  test("another client's image is a 404, and its point is untouched", async () => {
    const { json: image } = await s.upload(await leftBand('#ff0000'), 'mine.png');
    const { apiKey } = await s.ctx.accounts.createClient('Other client', 'other');
    const refused = await patch(image.id, { focalPoint: { x: 0.5, y: 0.5 } }, apiKey.apiKey);
    expect([refused.status, refused.json.error.code]).toEqual([404, 'not_found']);
    expect((await s.client.v1.images({ id: image.id }).get()).data?.focalPoint).toBeNull();
  });
});
