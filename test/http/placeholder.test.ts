import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { decode as decodeBlurHash } from 'blurhash';
import { join } from 'node:path';
import sharp from 'sharp';
import { thumbHashToApproximateAspectRatio, thumbHashToRGBA } from 'thumbhash';
import { animation, jpeg } from '../helpers/fixtures';
import { startServer, type TestServer } from '../helpers/server';

// The placeholder of the image object: computed at upload and replace from the pixels, for
// every input format, upright, and decodable by the libraries a page would use.

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s?.stop());

type Rgb = [number, number, number];
const hex = (color: string): Rgb => [1, 3, 5].map((at) => parseInt(color.slice(at, at + 2), 16)) as Rgb;
const near = (actual: readonly number[], expected: Rgb, tolerance: number) =>
  expected.every((value, c) => Math.abs(actual[c]! - value) <= tolerance);

/** Mean RGB (alpha-weighted) of RGBA pixels, and their mean alpha. */
function mean(rgba: ArrayLike<number>): { rgb: Rgb; alpha: number } {
  const sum = [0, 0, 0];
  let alpha = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    for (let c = 0; c < 3; c++) sum[c]! += rgba[i + c]! * rgba[i + 3]!;
    alpha += rgba[i + 3]!;
  }
  return { rgb: sum.map((v) => Math.round(v / Math.max(1, alpha))) as Rgb, alpha: alpha / (rgba.length / 4) };
}

async function dataUriImage(dataUri: string) {
  expect(dataUri.startsWith('data:image/webp;base64,')).toBe(true);
  expect(dataUri.length).toBeLessThanOrEqual(1024);
  const bytes = Buffer.from(dataUri.slice('data:image/webp;base64,'.length), 'base64');
  const meta = await sharp(bytes).metadata();
  expect(meta.format).toBe('webp');
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { meta, data, info };
}

const thumbHashOf = (placeholder: { thumbhash: string }) => new Uint8Array(Buffer.from(placeholder.thumbhash, 'base64'));

async function uploaded(bytes: Uint8Array, name: string) {
  const { status, json } = await s.upload(bytes, name);
  expect(status).toBe(201);
  expect(json.placeholder).not.toBeNull();
  return json;
}

/** A photo-like JPEG: a terracotta field with a small blue square, so the dominant colour is the field's. */
async function terracotta(width: number, height: number) {
  const square = await sharp({ create: { width: Math.round(width / 5), height: Math.round(height / 5), channels: 3, background: '#2040c0' } }).png().toBuffer();
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: '#c85a32' } })
      .composite([{ input: square, left: 0, top: 0 }])
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
}

describe('placeholder of an upload', () => {
  test('a JPEG: dominant colour, ThumbHash and BlurHash decoding to it, a 16 px WebP data URI of the same aspect and colour', async () => {
    const image = await uploaded(await terracotta(800, 600), 'field.jpg');
    const { placeholder } = image;
    expect(Object.keys(placeholder).sort()).toEqual(['blurhash', 'color', 'dataUri', 'thumbhash']);
    expect(placeholder.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(near(hex(placeholder.color), [0xc8, 0x5a, 0x32], 10)).toBe(true);

    const thumb = thumbHashToRGBA(thumbHashOf(placeholder));
    expect(thumbHashToApproximateAspectRatio(thumbHashOf(placeholder))).toBeCloseTo(800 / 600, 0);
    // The field covers 96 % of the image: the decoded hash is that colour on the whole.
    expect(near(mean(thumb.rgba).rgb, [0xc8, 0x5a, 0x32], 30)).toBe(true);

    expect(placeholder.blurhash).toHaveLength(4 + 2 * 4 * 3); // 4×3 components
    const blur = decodeBlurHash(placeholder.blurhash, 32, 24);
    expect(near(mean(blur).rgb, [0xc8, 0x5a, 0x32], 30)).toBe(true);

    const uri = await dataUriImage(placeholder.dataUri);
    expect([uri.info.width, uri.info.height]).toEqual([16, 12]);
    expect(near(mean(uri.data).rgb, [0xc8, 0x5a, 0x32], 30)).toBe(true);

    // The same object everywhere the image is shown.
    expect((await s.api('GET', `/images/${image.id}`)).json.placeholder).toEqual(placeholder);
    const listed = (await s.api('GET', '/images?q=field.jpg')).json.items;
    expect(listed.map((i: { placeholder: unknown }) => i.placeholder)).toEqual([placeholder]);
  });

  test('an EXIF-rotated JPEG: the placeholder is upright', async () => {
    // Stored 400×200 landscape, tagged "rotate 90° clockwise": a viewer shows 200×400 portrait.
    const image = await uploaded(await jpeg(400, 200, { color: '#806040', orientation: 6 }), 'rotated.jpg');
    expect([image.width, image.height]).toEqual([200, 400]);
    const uri = await dataUriImage(image.placeholder.dataUri);
    expect([uri.info.width, uri.info.height]).toEqual([8, 16]);
    expect(thumbHashToApproximateAspectRatio(thumbHashOf(image.placeholder))).toBeLessThan(0.6);
    const thumb = thumbHashToRGBA(thumbHashOf(image.placeholder));
    expect(thumb.w).toBeLessThan(thumb.h);
  });

  test('a PNG with alpha: transparency kept in the ThumbHash and the data URI, never the dominant colour; BlurHash on white', async () => {
    const opaqueHalf = await sharp({ create: { width: 100, height: 100, channels: 4, background: { r: 30, g: 160, b: 60, alpha: 1 } } }).png().toBuffer();
    const png = new Uint8Array(
      await sharp({ create: { width: 200, height: 100, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
        .composite([{ input: opaqueHalf, left: 0, top: 0 }])
        .png()
        .toBuffer(),
    );
    const { placeholder } = await uploaded(png, 'logo.png');
    expect(near(hex(placeholder.color), [30, 160, 60], 6)).toBe(true);

    const thumb = thumbHashToRGBA(thumbHashOf(placeholder));
    const alphaAt = (x: number) => thumb.rgba[(Math.floor(thumb.h / 2) * thumb.w + x) * 4 + 3]!;
    expect(alphaAt(1)).toBeGreaterThan(200);
    expect(alphaAt(thumb.w - 2)).toBeLessThan(60);

    const uri = await dataUriImage(placeholder.dataUri);
    expect(uri.meta.hasAlpha).toBe(true);
    expect([uri.info.width, uri.info.height]).toEqual([16, 8]);
    expect(uri.data[(4 * 16 + 1) * 4 + 3]).toBeGreaterThan(200);
    expect(uri.data[(4 * 16 + 14) * 4 + 3]).toBeLessThan(30);

    const blur = decodeBlurHash(placeholder.blurhash, 32, 16);
    const blurAt = (x: number) => Array.from(blur.slice((8 * 32 + x) * 4, (8 * 32 + x) * 4 + 3));
    // Four components across a hard edge ring (BlurHash averages in linear light): the transparent
    // side is near white, the opaque side clearly green against it.
    expect(near(blurAt(24), [255, 255, 255], 25)).toBe(true);
    expect(blurAt(2)[0]!).toBeLessThan(blurAt(24)[0]! - 40);
    expect(blurAt(2)[1]!).toBeGreaterThan(blurAt(2)[0]! + 15);
  });

  test('a HEIC (from its working master, upright by its EXIF), an animated GIF (frame 1) and an SVG (rendered) each get one', async () => {
    const heic = async (name: string) => new Uint8Array(await Bun.file(join(import.meta.dir, '../fixtures/heic', name)).arrayBuffer());
    // 64×48: left half red, right half blue, a green band along the top.
    const plain = await uploaded(await heic('plain.heic'), 'IMG_0001.HEIC');
    const uri = await dataUriImage(plain.placeholder.dataUri);
    expect([uri.info.width, uri.info.height]).toEqual([16, 12]);
    const at = (x: number, y: number) => Array.from(uri.data.slice((y * 16 + x) * 4, (y * 16 + x) * 4 + 3));
    expect(near(at(2, 9), [255, 0, 0], 60)).toBe(true);
    expect(near(at(13, 9), [0, 0, 255], 60)).toBe(true);
    expect(['#ff0000', '#0000ff'].some((c) => near(hex(plain.placeholder.color), hex(c), 30))).toBe(true);
    const rotated = await uploaded(await heic('exif6.heic'), 'IMG_0002.HEIC');
    const rotatedUri = await dataUriImage(rotated.placeholder.dataUri);
    expect([rotatedUri.info.width, rotatedUri.info.height]).toEqual([12, 16]);

    // Frame 1 is pure blue, the last pure red.
    const gif = await uploaded(await animation(60, 40, 3), 'spinner.gif');
    expect(gif.animated).toBe(true);
    expect(near(hex(gif.placeholder.color), [0, 0, 255], 20)).toBe(true);
    expect([(await dataUriImage(gif.placeholder.dataUri)).info.width, (await dataUriImage(gif.placeholder.dataUri)).info.height]).toEqual([16, 11]);

    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#ff8800"/></svg>');
    const logo = await uploaded(svg, 'logo.svg');
    expect(near(hex(logo.placeholder.color), [0xff, 0x88, 0x00], 6)).toBe(true);
    const svgUri = await dataUriImage(logo.placeholder.dataUri);
    expect([svgUri.info.width, svgUri.info.height]).toEqual([16, 8]);
    expect(near(mean(decodeBlurHash(logo.placeholder.blurhash, 32, 16)).rgb, [0xff, 0x88, 0x00], 30)).toBe(true);
  });

  test('a replace computes the new pixels\' placeholder', async () => {
    const image = await uploaded(await jpeg(300, 200, { color: '#d02020' }), 'swap.jpg');
    expect(near(hex(image.placeholder.color), [0xd0, 0x20, 0x20], 10)).toBe(true);
    const form = new FormData();
    form.append('file', new File([await jpeg(200, 300, { color: '#2050d0' })], 'swap.jpg'));
    const { status, json: replaced } = await s.api('PUT', `/images/${image.id}`, form);
    expect(status).toBe(200);
    expect(replaced.version).toBe(2);
    expect(near(hex(replaced.placeholder.color), [0x20, 0x50, 0xd0], 10)).toBe(true);
    expect((await dataUriImage(replaced.placeholder.dataUri)).info).toMatchObject({ width: 11, height: 16 });
    expect((await s.api('GET', `/images/${image.id}`)).json.placeholder).toEqual(replaced.placeholder);
  });

  test('the OpenAPI document describes it', async () => {
    const doc = await (await fetch(`${s.url}/docs/json`)).json();
    const upload = doc.paths['/api/v1/images'].post.responses['201'].content['application/json'].schema;
    const placeholder = upload.properties.placeholder;
    expect(placeholder).toMatchObject({ title: 'Placeholder', type: ['object', 'null'] });
    expect(Object.keys(placeholder.properties).sort()).toEqual(['blurhash', 'color', 'dataUri', 'thumbhash']);
    expect(upload.required).toContain('placeholder');
  });
});
