import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { unwrap } from '../../src/client/api-client';
import { decode, pixel } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';
import sharp from 'sharp';

let s: TestServer;
let imageId: string;
beforeAll(async () => {
  s = await startServer();
  // Left half red, right half blue, 200×100.
  const left = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#ff0000' } }).png().toBuffer();
  const image = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#0000ff' } }).composite([{ input: left, left: 0, top: 0 }]).png().toBuffer();
  imageId = (await s.upload(new Uint8Array(image), 'halves.png')).json.id;
});
afterAll(() => s.stop());

const EVERY_KEY = 'e_grayscale,sharpen_5,blur_1,b_ffffff,trim_5,flip_h,a_90,cr_0:0:200:100,g_north,q_70,f_png,c_fill,h_40,w_40';

describe('every key through the API', () => {
  test('/sign returns the canonical form, and the URL delivers what it says', async () => {
    const signed = await unwrap(s.client.v1.sign.post({ imageId, transform: 'a_90,flip_h,w_50,f_png' }));
    expect(signed.canonical).toBe('w_50,f_png,a_90,flip_h');
    const response = await fetch(signed.url);
    const body = new Uint8Array(await response.arrayBuffer());
    // Mirrored (blue left), then turned clockwise: blue on top, 50 wide.
    expect((await decode(body)).width).toBe(50);
    expect((await pixel(body, 25, 10)).slice(0, 3)).toEqual([0, 0, 255]);
    const all = await unwrap(s.client.v1.sign.post({ imageId, transform: EVERY_KEY }));
    expect(all.canonical).toBe('w_40,h_40,c_fill,f_png,q_70,g_north,cr_0:0:200:100,a_90,flip_h,trim_5,b_ffffff,blur_1,sharpen_5,e_grayscale');
    const delivered = await fetch(all.url);
    expect(delivered.status).toBe(200);
    const meta = await decode(await delivered.arrayBuffer());
    expect([meta.width, meta.height, meta.format]).toEqual([40, 40, 'png']);
  });

  test('presets store every key canonical, and their URLs deliver', async () => {
    const preset = await unwrap(s.client.v1.presets.post({ name: 'everything', params: EVERY_KEY }));
    expect(preset.params).toBe('w_40,h_40,c_fill,f_png,q_70,g_north,cr_0:0:200:100,a_90,flip_h,trim_5,b_ffffff,blur_1,sharpen_5,e_grayscale');
    const response = await fetch(`${s.url}/t/${s.clientId}/preset:everything/${imageId}.png`);
    expect([response.status, (await decode(await response.arrayBuffer())).width]).toEqual([200, 40]);
  });

  test('bad values are 400 naming the segment, on /sign, presets and signed URLs alike', async () => {
    for (const segment of ['g_up', 'a_45', 'b_red', 'b_fff', 'cr_0:0:0:0', 'blur_0', 'sharpen_101', 'e_sepia']) {
      const signed = await s.client.v1.sign.post({ imageId, transform: `w_10,${segment}` });
      expect([segment, signed.status, (signed.error?.value as any)?.error?.message]).toEqual([segment, 400, expect.stringContaining(`"${segment}"`)]);
      const preset = await s.client.v1.presets.post({ name: 'bad', params: segment });
      expect([segment, preset.status]).toEqual([segment, 400]);
    }
    const outside = await s.client.v1.sign.post({ imageId, transform: 'cr_500:0:10:10' });
    expect(outside.status).toBe(200); // the region is checked against the image on delivery
    const delivered = await fetch(outside.data!.url);
    expect([delivered.status, ((await delivered.json()) as any).error.message]).toEqual([400, expect.stringContaining('outside')]);
  });
});
