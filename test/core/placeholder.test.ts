import { describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { decodeThumbnail, dominantColor, MAX_DATA_URI_LENGTH, placeholderOf, type Thumbnail } from '../../src/core/placeholder';

const solid = (width: number, height: number, rgba: [number, number, number, number]): Thumbnail => {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { data, width, height };
};

describe('placeholder', () => {
  test('dominant colour: the largest bin by opacity, its mean; all transparent is white', () => {
    const image = solid(10, 10, [200, 90, 50, 255]);
    // 30 faint pixels of another colour count less than 70 opaque ones, however many they are.
    const faint = solid(10, 10, [10, 200, 10, 20]);
    const mixed = new Uint8Array(image.data);
    mixed.set(faint.data.subarray(0, 60 * 4));
    expect(dominantColor({ ...image, data: mixed })).toBe('#c85a32');
    expect(dominantColor(solid(4, 4, [1, 2, 3, 0]))).toBe('#ffffff');
  });

  test('the data URI stays within 1 KB even for noise with alpha, the worst case for WebP', async () => {
    const data = new Uint8Array(100 * 100 * 4).map(() => Math.floor(Math.random() * 256));
    const placeholder = await placeholderOf({ data, width: 100, height: 100 });
    expect(placeholder.dataUri.length).toBeLessThanOrEqual(MAX_DATA_URI_LENGTH);
    expect((await sharp(Buffer.from(placeholder.dataUri.split(',')[1]!, 'base64')).metadata()).width).toBe(16);
  });

  test('a thumbnail is at most 100 px, never enlarged, and a larger one is refused', async () => {
    const tiny = new Uint8Array(await sharp({ create: { width: 5, height: 3, channels: 3, background: '#102030' } }).png().toBuffer());
    const thumbnail = await decodeThumbnail(tiny, { maxPixels: 1000 });
    expect([thumbnail.width, thumbnail.height, thumbnail.data.length]).toEqual([5, 3, 60]);
    expect((await placeholderOf(thumbnail)).color).toBe('#102030');
    await expect(placeholderOf(solid(101, 10, [0, 0, 0, 255]))).rejects.toThrow(/at most 100 px/);
  });
});
