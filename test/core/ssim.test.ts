import { describe, expect, test } from 'bun:test';
import { halve, luma, ssim, tiledSsim } from '../../src/core/transform/ssim';
import { TILE, tileSample } from '../../src/core/transform/tile-sample';

const plane = (width: number, height: number, value: (x: number, y: number) => number) =>
  Uint8Array.from({ length: width * height }, (_, i) => value(i % width, Math.floor(i / width)));

describe('ssim', () => {
  const C1 = (0.01 * 255) ** 2;

  test('identical images score 1; two flat images score the luminance term alone', () => {
    const texture = plane(40, 30, (x, y) => (x * 7 + y * 13) % 256);
    expect(ssim(texture, texture, 40, 30)).toBeCloseTo(1, 10);
    const expected = (2 * 100 * 110 + C1) / (100 ** 2 + 110 ** 2 + C1);
    expect(ssim(plane(20, 20, () => 100), plane(20, 20, () => 110), 20, 20)).toBeCloseTo(expected, 5);
  });

  test('more distortion, lower score; symmetric', () => {
    const texture = plane(64, 64, (x, y) => 128 + 60 * Math.sin(x / 3) * Math.cos(y / 5));
    const distorted = (amount: number) => plane(64, 64, (x, y) => texture[y * 64 + x]! + (((x * 31 + y * 17) % 7) - 3) * amount);
    const scores = [1, 3, 6].map((amount) => ssim(texture, distorted(amount), 64, 64));
    expect(scores[0]!).toBeGreaterThan(scores[1]!);
    expect(scores[1]!).toBeGreaterThan(scores[2]!);
    expect(ssim(distorted(3), texture, 64, 64)).toBeCloseTo(scores[1]!, 10);
  });

  test('refuses images smaller than the window or of the wrong length', () => {
    expect(() => ssim(new Uint8Array(100), new Uint8Array(100), 10, 10)).toThrow(/at least 11/);
    expect(() => ssim(new Uint8Array(100), new Uint8Array(99), 10, 10)).toThrow(/Expected/);
  });
});

describe('tiledSsim', () => {
  test('is the mean of the SSIM of each tile: no window crosses a seam', () => {
    const tile = 16;
    const a = { data: plane(32, 16, (x, y) => (x < tile ? 40 : 200) + ((x * 5 + y * 3) % 9)), width: 32, height: 16 };
    const b = { data: plane(32, 16, (x, y) => a.data[y * 32 + x]! + (x < tile ? 0 : ((x + y) % 3) * 4)), width: 32, height: 16 };
    const part = (p: typeof a, left: number) => plane(tile, tile, (x, y) => p.data[y * 32 + left + x]!);
    const expected = (ssim(part(a, 0), part(b, 0), tile, tile) + ssim(part(a, tile), part(b, tile), tile, tile)) / 2;
    expect(tiledSsim(a, b, tile)).toBeCloseTo(expected, 10);
    expect(tiledSsim(a, a, tile)).toBeCloseTo(1, 10);
  });
});

describe('scoring plane', () => {
  test('luma is Rec. 601, alpha composited over the background', () => {
    expect(Array.from(luma(Uint8Array.of(255, 0, 0, 0, 0, 255), 3, { r: 0, g: 0, b: 0 }))).toEqual([76, 29]);
    expect(Array.from(luma(Uint8Array.of(0, 0, 0, 0, 10, 128), 4, { r: 255, g: 255, b: 255 }).subarray(0, 1))).toEqual([255]);
    expect(Array.from(luma(Uint8Array.of(10, 255, 10, 0), 2, { r: 0, g: 0, b: 0 }))).toEqual([10, 0]);
  });

  test('halve averages 2×2 blocks and drops an odd edge', () => {
    const half = halve({ data: Uint8Array.of(0, 4, 9, 8, 12, 9, 1, 1, 1), width: 3, height: 3 });
    expect([half.width, half.height, Array.from(half.data)]).toEqual([1, 1, [6]]);
  });
});

describe('tileSample', () => {
  const image = (width: number, height: number) => ({ data: plane(width, height, (x, y) => (x + 3 * y) % 251), width, height, channels: 1 });

  test('a small image is its own sample', () => {
    const small = image(4 * TILE, 3 * TILE);
    expect(tileSample(small, 16)).toBe(small);
  });

  test('a large one gives a mosaic of whole tiles copied from the image', () => {
    const large = image(20 * TILE, 12 * TILE);
    const sample = tileSample(large, 16);
    expect(sample.width % TILE).toBe(0);
    expect(sample.height % TILE).toBe(0);
    expect((sample.width * sample.height) / TILE ** 2).toBeGreaterThanOrEqual(16);
    expect(sample.width * sample.height).toBeLessThan(large.width * large.height / 4);
    // The first tile is a window of the image: every row continues the source's pattern.
    const row = (y: number) => Array.from(sample.data.subarray(y * sample.width, y * sample.width + TILE));
    const start = row(0)[0]!;
    const x0 = large.data.indexOf(start);
    expect(x0).toBeGreaterThanOrEqual(0);
    for (let y = 1; y < TILE; y++) expect(row(y)[1]! - row(y)[0]!).toBe(1);
  });
});
