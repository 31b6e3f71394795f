import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../src/core/errors';
import { applyExifOrientation, decodeHeic, heicDisplaySize, type DecodedHeic } from '../../src/core/heic/decode-heic';
import { makeHeicMaster, rgbaTiff } from '../../src/core/heic/heic-master';
import { readHeifHeader } from '../../src/core/heic/heif-boxes';

// Made by test/fixtures/heic/make-fixtures.ts: 64×48 stored, left half red, right half blue,
// a green band along the top; exif6 and iphone-like display it turned 90° clockwise.
const fixture = async (name: string) => new Uint8Array(await Bun.file(join(import.meta.dir, '../fixtures/heic', name)).arrayBuffer());
const roomy = () => ({ maxPixels: 1_000_000, deadline: Date.now() + 20_000 });

type Rgba = [number, number, number, number];
const RED: Rgba = [255, 0, 0, 255];
const GREEN: Rgba = [0, 255, 0, 255];
const BLUE: Rgba = [0, 0, 255, 255];
const at = (image: Pick<DecodedHeic, 'data' | 'width'>, x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));
const expectColour = (actual: number[], expected: Rgba) => actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(12));

/** The stored layout (plain) and the same turned 90° clockwise (exif6, iphone-like), away from edges. */
function expectUpright(image: Pick<DecodedHeic, 'data' | 'width' | 'height'>) {
  expect([image.width, image.height]).toEqual([64, 48]);
  expectColour(at(image, 8, 4), GREEN);
  expectColour(at(image, 8, 30), RED);
  expectColour(at(image, 56, 30), BLUE);
}
function expectTurnedClockwise(image: Pick<DecodedHeic, 'data' | 'width' | 'height'>) {
  expect([image.width, image.height]).toEqual([48, 64]);
  expectColour(at(image, 44, 8), GREEN); // the top band is now on the right
  expectColour(at(image, 16, 8), RED); // the left half is now the top half
  expectColour(at(image, 16, 56), BLUE);
}

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'ok', (error: unknown) => (error instanceof AppError ? error.code : `not an AppError: ${error}`));

describe('readHeifHeader on heif-enc files', () => {
  test.each([
    ['plain.heic', { width: 64, height: 48, hasTransforms: false, exifOrientation: null }, 1],
    ['exif6.heic', { width: 64, height: 48, hasTransforms: false, exifOrientation: 6 }, 1],
    // irot 270° anticlockwise: the header gives the displayed size.
    ['iphone-like.heic', { width: 48, height: 64, hasTransforms: true, exifOrientation: 6 }, 1],
    ['multi.heic', { width: 64, height: 48, hasTransforms: false, exifOrientation: null }, 2],
    // The alpha plane is an auxiliary image, not a top-level one.
    ['alpha.heic', { width: 64, height: 48, hasTransforms: false, exifOrientation: null }, 1],
    ['corrupt.heic', { width: 64, height: 48, hasTransforms: false, exifOrientation: null }, 1],
  ])('%s', async (name, primary, topLevelImages) => {
    const header = readHeifHeader(await fixture(name));
    expect(header).toEqual({ brand: 'heic', primary: { itemType: 'grid', ...primary }, topLevelImages });
  });

  test('a truncated file is a 415, and so is every prefix and every damaged byte of one: never a RangeError', async () => {
    expect(() => readHeifHeader(new Uint8Array(0))).toThrow(AppError);
    const file = await fixture('iphone-like.heic');
    const outcome = (bytes: Uint8Array) => {
      try {
        readHeifHeader(bytes);
        return 'read';
      } catch (error) {
        return error instanceof AppError && error.status === 415 ? '415' : String(error);
      }
    };
    for (let length = 0; length < file.length; length++) {
      expect(['read', '415']).toContain(outcome(file.subarray(0, length)));
    }
    let seed = 7;
    for (let i = 0; i < 3000; i++) {
      const damaged = file.slice();
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      damaged[seed % 400] = damaged[seed % 400]! ^ (1 << (seed % 8)); // the boxes are in the first 400 bytes
      expect(['read', '415']).toContain(outcome(damaged));
    }
    expect(outcome(await fixture('truncated.heic'))).toBe('415');
  });
});

/** A minimal ISOBMFF writer, for header layouts heif-enc does not write. */
const bytes = (...parts: (Uint8Array | number[])[]) => new Uint8Array(parts.flatMap((p) => Array.from(p)));
const u16 = (v: number) => [v >> 8, v & 255];
const u32 = (v: number) => [(v >>> 24) & 255, (v >> 16) & 255, (v >> 8) & 255, v & 255];
const u64 = (v: number) => [...u32(Math.floor(v / 2 ** 32)), ...u32(v >>> 0)];
const text = (s: string) => Array.from(Buffer.from(s));
const box = (type: string, ...parts: (Uint8Array | number[])[]) => {
  const body = bytes(...parts);
  return bytes(u32(8 + body.length), text(type), body);
};
const full = (type: string, version: number, flags: number, ...parts: (Uint8Array | number[])[]) => box(type, [version, ...u32(flags).slice(1)], ...parts);
/** Exif item payload: 4-byte offset to the TIFF header (here 6, past "Exif\0\0"), then IFD0 with Orientation. */
function exif(orientation: number, little: boolean) {
  const w16 = (v: number) => (little ? u16(v).reverse() : u16(v));
  const w32 = (v: number) => (little ? u32(v).reverse() : u32(v));
  const tiff = bytes(text(little ? 'II' : 'MM'), w16(42), w32(8), w16(1), w16(0x0112), w16(3), w32(1), w16(orientation), [0, 0], w32(0));
  return bytes(u32(6), text('Exif'), [0, 0], tiff);
}

/**
 * Items: 1 the primary (hvc1), 2 a thumbnail of it, 3 hidden, 4 another visible image, 5 an Exif
 * item for image 4 (orientation 3), 6 the primary's Exif (orientation 8). iloc version 2 with
 * 64-bit fields, Exif in idat (construction method 1); ipma version 1 with 16-bit associations.
 */
function synthetic(properties: Uint8Array[], primaryProperties: number[]) {
  const idatExif = exif(8, true);
  const otherExif = exif(3, false);
  const infe = (id: number, type: string, hidden = false) => full('infe', 3, hidden ? 1 : 0, u32(id), u16(0), text(type), [0]);
  const meta = (mdatAt: number) =>
    full(
      'meta',
      0,
      0,
      full('hdlr', 0, 0, u32(0), text('pict'), u32(0), u32(0), u32(0), [0]),
      full('pitm', 1, 0, u32(1)),
      full('iinf', 1, 0, u32(6), infe(1, 'hvc1'), infe(2, 'hvc1'), infe(3, 'hvc1', true), infe(4, 'hvc1'), infe(5, 'Exif'), infe(6, 'Exif')),
      full('iref', 1, 0, box('thmb', u32(2), u16(1), u32(1)), box('cdsc', u32(5), u16(1), u32(4)), box('cdsc', u32(6), u16(1), u32(1))),
      full(
        'iloc',
        2,
        0,
        [0x88, 0x80], // offset and length 8 bytes, base offset 8 bytes, no index
        u32(2),
        bytes(u32(5), u16(0), u16(0), u64(mdatAt), u16(1), u64(0), u64(otherExif.length)), // in the file
        bytes(u32(6), u16(1), u16(0), u64(0), u16(1), u64(0), u64(idatExif.length)), // in idat
      ),
      box('idat', idatExif),
      box('iprp', box('ipco', ...properties), full('ipma', 1, 1, u32(1), u32(1), [primaryProperties.length], ...primaryProperties.map((i) => u16(0x8000 | i)))),
    );
  const ftyp = box('ftyp', text('heic'), u32(0), text('mif1heic'));
  const mdatAt = ftyp.length + meta(0).length + 16; // largesize mdat header: 16 bytes
  const mdatBody = otherExif;
  return bytes(ftyp, meta(mdatAt), u32(1), text('mdat'), u64(16 + mdatBody.length), mdatBody);
}
const ispe = (w: number, h: number) => full('ispe', 0, 0, u32(w), u32(h));

describe('readHeifHeader on layouts heif-enc does not write', () => {
  test('iloc v2 with 64-bit fields and idat, ipma with 16-bit associations, largesize, references, clap, irot, imir', () => {
    const clap = box('clap', u32(2999), u32(10), u32(199), u32(1), u32(0), u32(1), u32(0), u32(1));
    const file = synthetic([ispe(300, 200), clap, box('irot', [1]), box('imir', [0])], [1, 2, 3, 4]);
    // clap: 299.9 rounds to 300 and 199; irot 90° swaps; the primary's own Exif (cdsc), not the first one.
    expect(readHeifHeader(file)).toEqual({
      brand: 'heic',
      primary: { itemType: 'hvc1', width: 199, height: 300, hasTransforms: true, exifOrientation: 8 },
      topLevelImages: 2, // the thumbnail and the hidden item are not
    });
  });

  test('without a cdsc reference to the primary, the first Exif item counts; big-endian TIFF', () => {
    const file = synthetic([ispe(300, 200)], [1]);
    // Point the primary's cdsc elsewhere (item 6 → item 9, which does not exist).
    const at = Buffer.from(file).indexOf(Buffer.from(bytes(text('cdsc'), u32(6), u16(1), u32(1))));
    file.set(u32(9), at + 10);
    expect(readHeifHeader(file).primary).toEqual({ itemType: 'hvc1', width: 300, height: 200, hasTransforms: false, exifOrientation: 3 });
  });

  test.each([
    ['no ispe', () => synthetic([box('irot', [1])], [1])],
    ['a property index past ipco', () => synthetic([ispe(10, 10)], [1, 5])],
    ['an Exif extent past the end', () => synthetic([ispe(10, 10)], [1]).slice(0, -4)],
    ['a box larger than its parent', () => synthetic([ispe(10, 10), bytes(u32(200), text('free'))], [1])],
    ['a box smaller than its header', () => synthetic([ispe(10, 10), bytes(u32(3), text('free'))], [1])],
    ['not HEIF at all', () => new Uint8Array(64)],
  ])('%s is a 415', (_, make) => {
    const error = (() => {
      try {
        readHeifHeader(make());
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(415);
  });
});

describe('decodeHeic', () => {
  test('a plain file comes out as stored', async () => {
    const image = await decodeHeic(await fixture('plain.heic'), roomy());
    expect(image.hasAlpha).toBe(false);
    expect(image.data.length).toBe(64 * 48 * 4);
    expectUpright(image);
  });

  test('EXIF orientation applies when HEIF has no transform of its own', async () => {
    expectTurnedClockwise(await decodeHeic(await fixture('exif6.heic'), roomy()));
  });

  test('an iPhone-like file (irot and EXIF 6) is turned exactly once, like the EXIF-only one', async () => {
    const iphone = await decodeHeic(await fixture('iphone-like.heic'), roomy());
    const exif6 = await decodeHeic(await fixture('exif6.heic'), roomy());
    expectTurnedClockwise(iphone);
    expect(Math.max(...iphone.data.map((v, i) => Math.abs(v - exif6.data[i]!)))).toBeLessThanOrEqual(2);
  });

  test('the display size from the header matches the decoded size', async () => {
    for (const [name, size] of [
      ['plain.heic', { width: 64, height: 48 }],
      ['exif6.heic', { width: 48, height: 64 }],
      ['iphone-like.heic', { width: 48, height: 64 }],
    ] as const) {
      expect(heicDisplaySize(readHeifHeader(await fixture(name)))).toEqual(size);
    }
  });

  test('a file of two images gives its primary (the first), not the larger yellow one', async () => {
    expectUpright(await decodeHeic(await fixture('multi.heic'), roomy()));
  });

  test('alpha is kept', async () => {
    const image = await decodeHeic(await fixture('alpha.heic'), roomy());
    expect(image.hasAlpha).toBe(true);
    expectColour(at(image, 8, 30), RED);
    expect(at(image, 56, 30)[3]).toBeLessThan(10);
  });

  test('a truncated file and an undecodable one are 415s', async () => {
    expect(await codeOf(decodeHeic(await fixture('truncated.heic'), roomy()))).toBe('unsupported_media_type');
    await expect(decodeHeic(await fixture('corrupt.heic'), roomy())).rejects.toThrow('HEIC image could not be decoded');
  });

  test('the pixel limit is checked on the header, before decoding', async () => {
    // corrupt.heic would be a 415 if it were decoded.
    expect(await codeOf(decodeHeic(await fixture('corrupt.heic'), { maxPixels: 64 * 48 - 1, deadline: Date.now() + 60_000 }))).toBe('limit_exceeded');
    expect(await codeOf(decodeHeic(await fixture('plain.heic'), { maxPixels: 64 * 48, deadline: Date.now() + 20_000 }))).toBe('ok');
  });

  test('a deadline already past, or reached while decoding, is a 503', async () => {
    const plain = await fixture('plain.heic');
    expect(await codeOf(decodeHeic(plain, { maxPixels: 1e6, deadline: Date.now() - 1 }))).toBe('overloaded');
    // Starting a worker alone takes longer than this.
    expect(await codeOf(decodeHeic(plain, { maxPixels: 1e6, deadline: Date.now() + 2 }))).toBe('overloaded');
  });

  test('the caller keeps its buffer (a copy is transferred to the worker)', async () => {
    const plain = await fixture('plain.heic');
    await decodeHeic(plain, roomy());
    expect(plain.byteLength).toBe(796);
  });
});

describe('applyExifOrientation', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i turns raw pixels as libvips turns a tagged image', async (orientation) => {
    const [width, height] = [5, 3];
    const data = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : i * 5));
    const tagged = await sharp(data, { raw: { width, height, channels: 4 } }).withMetadata({ orientation }).tiff({ compression: 'none' }).toBuffer();
    const expected = await sharp(tagged).autoOrient().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const turned = await applyExifOrientation({ data, width, height, hasAlpha: false }, orientation, Date.now() + 10_000);
    expect([turned.width, turned.height]).toEqual([expected.info.width, expected.info.height]);
    expect(Buffer.from(turned.data).equals(expected.data)).toBe(true);
  });
});

describe('makeHeicMaster', () => {
  const pixels = async (encoded: Uint8Array) => {
    const { data, info } = await sharp(encoded).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data), width: info.width, height: info.height };
  };

  test('an opaque HEIC becomes a JPEG without metadata, chroma 4:4:4, at its decoded size', async () => {
    const made = await makeHeicMaster(await fixture('plain.heic'), roomy());
    expect(made).toMatchObject({ masterFormat: 'jpeg', width: 64, height: 48, hasAlpha: false });
    const meta = await sharp(made.master).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 48, chromaSubsampling: '4:4:4' });
    expect([meta.exif, meta.icc, meta.orientation]).toEqual([undefined, undefined, undefined]);
    expectUpright(await pixels(made.master));
  });

  test('the master is upright: EXIF-only and iPhone-like files both come out turned once, with no orientation tag', async () => {
    for (const name of ['exif6.heic', 'iphone-like.heic']) {
      const made = await makeHeicMaster(await fixture(name), roomy());
      expect([made.width, made.height]).toEqual([48, 64]);
      expect((await sharp(made.master).metadata()).orientation).toBeUndefined();
      expectTurnedClockwise(await pixels(made.master));
    }
  });

  test('a HEIC with alpha becomes a PNG with alpha', async () => {
    const made = await makeHeicMaster(await fixture('alpha.heic'), roomy());
    expect(made).toMatchObject({ masterFormat: 'png', width: 64, height: 48, hasAlpha: true });
    expect(await sharp(made.master).metadata()).toMatchObject({ format: 'png', hasAlpha: true });
    const image = await pixels(made.master);
    expectColour(at(image, 8, 30), RED);
    expect(at(image, 56, 30)[3]).toBeLessThan(10);
  });

  test('errors are those of decoding', async () => {
    expect(await codeOf(makeHeicMaster(await fixture('truncated.heic'), roomy()))).toBe('unsupported_media_type');
    expect(await codeOf(makeHeicMaster(await fixture('plain.heic'), { maxPixels: 100, deadline: Date.now() + 60_000 }))).toBe('limit_exceeded');
  });

  test('pixels with an ICC profile are converted to sRGB as libvips converts a tagged image', async () => {
    const raw = { width: 2, height: 2, channels: 4 } as const;
    const srgb = new Uint8Array([200, 100, 50, 255, 20, 180, 90, 128, 250, 250, 10, 255, 0, 0, 255, 255]);
    // A Display P3 image, and its values read as they are stored.
    const p3 = await sharp(srgb, { raw }).withIccProfile('p3').png().toBuffer();
    const stored = new Uint8Array(await sharp(p3, { ignoreIcc: true }).raw().toBuffer());
    const icc = (await sharp(p3).metadata()).icc!;
    expect(Array.from(stored)).not.toEqual(Array.from(srgb));
    const expected = await sharp(p3).toColourspace('srgb').raw().toBuffer();
    const actual = await sharp(rgbaTiff({ data: stored, width: 2, height: 2 }, icc)).toColourspace('srgb').raw().toBuffer();
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });
});
