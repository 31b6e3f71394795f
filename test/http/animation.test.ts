import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { animation, pixel } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

// Animated GIF and WebP sources keep their motion when the output can hold it (WebP, GIF):
// every frame resized and cropped alike, delays and loop count kept; other outputs give one
// still frame, `fr_<n>` says which. Frame limits are read from the header.

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ IMGAPI_MAX_FRAMES: '40' });
});
afterAll(() => s?.stop());

async function signed(id: string, transform: string): Promise<string> {
  const { data, error } = await s.client.v1.sign.post({ imageId: id, transform });
  if (error) throw new Error(JSON.stringify(error.value));
  return data.url;
}

async function fetchImage(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const body = new Uint8Array(await response.arrayBuffer());
  return { response, body, meta: response.status === 200 ? await sharp(body, { animated: true }).metadata() : null };
}

/** The red of frame `n` (0-based) at one point of a delivered animation. */
async function redOfFrame(body: Uint8Array, n: number) {
  const frame = await sharp(body, { page: n }).png().toBuffer();
  return (await pixel(frame, 2, 2))[0]!;
}

describe('animated sources', () => {
  test('the image object says frames and animated; a still says 1 and false', async () => {
    const gif = await s.upload(await animation(60, 40, 6, { loop: 3 }), 'spin.gif');
    expect(gif.status).toBe(201);
    expect(gif.json).toMatchObject({ format: 'gif', width: 60, height: 40, frames: 6, animated: true });
    const still = await s.upload(await animation(60, 40, 1), 'still.gif');
    expect(still.json).toMatchObject({ format: 'gif', frames: 1, animated: false });
    // The library's thumbnail of an animation is its first frame, so a grid of them stays cheap.
    const thumbnail = await fetchImage(gif.json.thumbnailUrl);
    expect([thumbnail.meta!.format, thumbnail.meta!.pages ?? 1]).toEqual(['webp', 1]);
    expect((await pixel(thumbnail.body, 2, 2))[0]).toBeLessThan(20);
  });

  test('GIF → animated WebP and GIF: every frame resized and cropped, delays and loop kept', async () => {
    const { json: image } = await s.upload(await animation(120, 80, 6, { loop: 3 }), 'anim.gif');
    for (const format of ['webp', 'gif']) {
      const { response, body, meta } = await fetchImage(await signed(image.id, `w_60,h_60,c_fill,f_${format}`));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(`image/${format}`);
      expect(meta!.format).toBe(format as never);
      expect(meta!.pages).toBe(6);
      expect(meta!.width).toBe(60);
      expect(meta!.pageHeight).toBe(60);
      expect(meta!.loop).toBe(3);
      expect(meta!.delay).toEqual([100, 100, 100, 100, 100, 100]);
      // Frame order and content survive: red grows frame by frame.
      const reds = [];
      for (let n = 0; n < 6; n++) reds.push(await redOfFrame(body, n));
      expect(reds[0]).toBeLessThan(20);
      expect(reds[5]).toBeGreaterThan(235);
      for (let n = 1; n < 6; n++) expect(reds[n]!).toBeGreaterThan(reds[n - 1]!);
    }
  });

  test('animated WebP source → animated WebP; JPEG, PNG and AVIF give frame 1; fr_<n> picks a frame', async () => {
    const { json: image } = await s.upload(await animation(64, 32, 4, { format: 'webp' }), 'anim.webp');
    expect(image).toMatchObject({ format: 'webp', frames: 4, animated: true });
    const animatedOut = await fetchImage(await signed(image.id, 'w_32'));
    expect(animatedOut.meta!.pages).toBe(4);
    for (const format of ['jpeg', 'png', 'avif']) {
      const { body, meta } = await fetchImage(await signed(image.id, `w_32,f_${format}`));
      expect(meta!.pages ?? 1).toBe(1);
      expect(meta!.width).toBe(32);
      expect((await pixel(body, 4, 4))[0]).toBeLessThan(30); // frame 1: no red
    }
    const third = await fetchImage(await signed(image.id, 'w_32,fr_3,f_png'));
    expect((await pixel(third.body, 4, 4))[0]).toBeGreaterThan(140); // frame 3 of 4: red 170
    expect((await pixel(third.body, 4, 4))[0]).toBeLessThan(200);
    const stillWebp = await fetchImage(await signed(image.id, 'fr_4,f_webp'));
    expect(stillWebp.meta!.pages ?? 1).toBe(1);
    expect((await pixel(stillWebp.body, 4, 4))[0]).toBeGreaterThan(235);
  });

  test('f_auto: animated WebP when accepted, else GIF; a still source is unaffected', async () => {
    const { json: image } = await s.upload(await animation(40, 40, 3), 'auto.gif');
    const url = await signed(image.id, 'w_20,f_auto');
    const webp = await fetchImage(url, { accept: 'image/avif,image/webp,*/*' });
    expect(webp.response.headers.get('content-type')).toBe('image/webp');
    expect(webp.meta!.pages).toBe(3);
    const gif = await fetchImage(url, { accept: 'image/avif,image/png' });
    expect(gif.response.headers.get('content-type')).toBe('image/gif');
    expect(gif.meta!.pages).toBe(3);
    const still = await fetchImage(await signed(image.id, 'w_20,fr_2,f_auto'), { accept: 'image/avif,image/webp' });
    expect(still.response.headers.get('content-type')).toBe('image/avif');
  });

  test('a still source can be delivered as GIF (.gif URLs)', async () => {
    const { json: image } = await s.upload(await animation(50, 50, 1), 'one.gif');
    const url = await signed(image.id, 'w_25,f_gif');
    expect(url).toMatch(/\.gif\?/);
    const { response, meta } = await fetchImage(url);
    expect(response.status).toBe(200);
    expect(meta).toMatchObject({ format: 'gif', width: 25 });
  });

  test('fr_0 → 400; a frame past the last → 400; a_90 of an animation → 422, with fr → 200', async () => {
    const { json: image } = await s.upload(await animation(40, 20, 3), 'bad.gif');
    const { error } = await s.client.v1.sign.post({ imageId: image.id, transform: 'fr_0' });
    expect(error?.status).toBe(400);
    const past = await fetch(await signed(image.id, 'fr_4,f_png'));
    expect(past.status).toBe(400);
    expect((await past.json()).error.message).toMatch(/3 frames/);
    const turned = await fetch(await signed(image.id, 'a_90,f_webp'));
    expect(turned.status).toBe(422);
    expect((await turned.json()).error.message).toMatch(/fr_/);
    const still = await fetchImage(await signed(image.id, 'a_90,fr_1,f_webp'));
    expect(still.meta).toMatchObject({ width: 20, height: 40 });
    const half = await fetchImage(await signed(image.id, 'a_180,f_webp'));
    expect(half.meta).toMatchObject({ pages: 3, width: 40, pageHeight: 20 });
  });

  test('g_auto on an animation crops every frame where the first frame would be', async () => {
    const { json: image } = await s.upload(await animation(120, 40, 3), 'wide.gif');
    const { response, meta } = await fetchImage(await signed(image.id, 'w_40,h_40,c_fill,g_auto,f_gif'));
    expect(response.status).toBe(200);
    expect(meta).toMatchObject({ pages: 3, width: 40, pageHeight: 40 });
  });

  test('IMGAPI_MAX_FRAMES and frames × pixels: 422 at upload, nothing stored', async () => {
    const before = (await s.client.v1.images.get({ query: {} })).data!.total;
    const many = await s.upload(await animation(8, 8, 41), 'many.gif');
    expect(many.status).toBe(422);
    expect(many.json.error.message).toMatch(/41 frames/);
    const after = (await s.client.v1.images.get({ query: {} })).data!.total;
    expect(after).toBe(before);
  });
});

describe('frames × pixels', () => {
  test('an animation whose frames together pass IMGAPI_MAX_PIXELS → 422', async () => {
    const small = await startServer({ IMGAPI_MAX_PIXELS: '20000' });
    try {
      const { status, json } = await small.upload(await animation(100, 100, 3), 'big.gif');
      expect(status).toBe(422);
      expect(json.error.message).toMatch(/pixel limit/);
    } finally {
      await small.stop();
    }
  });
});
