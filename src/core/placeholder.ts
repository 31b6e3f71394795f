import { encode as encodeBlurHash } from 'blurhash';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { AppError } from './errors';
import { secondsLeft } from './transform/deadline';
import { wrapSharpError } from './transform/execute';

/**
 * What a page shows while an image loads, stored with the image and computed once per version
 * from one small thumbnail: a flat colour, two compact hashes a client decodes itself, and a
 * tiny WebP it can put straight into `src`.
 */
export interface Placeholder {
  /** The dominant colour, `#rrggbb`. */
  color: string;
  /** ThumbHash (keeps the aspect ratio and alpha), base64. */
  thumbhash: string;
  /** BlurHash, 4×3 components; it has no alpha, so transparent parts are drawn on white. */
  blurhash: string;
  /** A WebP about 16 px on its longer side, as a data URI of at most 1 KB. */
  dataUri: string;
}

/** Straight (not premultiplied) 8-bit sRGB RGBA, upright, at most THUMBNAIL_SIDE a side. */
export interface Thumbnail {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** ThumbHash's own limit for its input. */
export const THUMBNAIL_SIDE = 100;
const BLURHASH_SIDE = 32;
const DATA_URI_SIDE = 16;
export const MAX_DATA_URI_LENGTH = 1024;
// A 16 px WebP is ~100-300 bytes; lower qualities only for a pathological (noisy, alpha) one.
const DATA_URI_QUALITIES = [60, 35, 10];

/**
 * The one small decode a placeholder needs: libvips shrinks a JPEG on load (a 12 MP photo is
 * decoded at 1/8 scale), turns it upright by its EXIF orientation, and reads an animation's
 * first frame. Uploads make this thumbnail while checking that the pixels decode, so the
 * placeholder costs no decode of its own.
 */
export async function decodeThumbnail(bytes: Uint8Array, opts: { maxPixels: number; deadline?: number }): Promise<Thumbnail> {
  try {
    let pipeline = sharp(bytes, { limitInputPixels: opts.maxPixels })
      .rotate()
      .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .ensureAlpha();
    if (opts.deadline !== undefined) pipeline = pipeline.timeout({ seconds: secondsLeft(opts.deadline) });
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
  } catch (error) {
    throw wrapSharpError(error);
  }
}

/** Everything of a placeholder, from a thumbnail: a few milliseconds, no decode. */
export async function placeholderOf(thumbnail: Thumbnail): Promise<Placeholder> {
  if (thumbnail.width > THUMBNAIL_SIDE || thumbnail.height > THUMBNAIL_SIDE || thumbnail.data.length !== thumbnail.width * thumbnail.height * 4) {
    throw new AppError('internal', `A placeholder is made from RGBA of at most ${THUMBNAIL_SIDE} px a side, not ${thumbnail.width}×${thumbnail.height}`);
  }
  const dataUri = await tinyWebp(thumbnail);
  const small = onWhite(downscale(thumbnail, BLURHASH_SIDE));
  return {
    color: dominantColor(thumbnail),
    thumbhash: Buffer.from(rgbaToThumbHash(thumbnail.width, thumbnail.height, thumbnail.data)).toString('base64'),
    blurhash: encodeBlurHash(new Uint8ClampedArray(small.data.buffer, small.data.byteOffset, small.data.byteLength), small.width, small.height, 4, 3),
    dataUri,
  };
}

/**
 * The most common colour: pixels counted in 16 levels a channel (weighted by their opacity, so
 * the transparent margin of a logo does not win), then the mean of the pixels in the largest bin.
 */
export function dominantColor(thumbnail: Thumbnail): string {
  const { data } = thumbnail;
  const weight = new Float64Array(4096);
  for (let i = 0; i < data.length; i += 4) weight[((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4)]! += data[i + 3]!;
  let best = 0;
  for (let bin = 1; bin < weight.length; bin++) if (weight[bin]! > weight[best]!) best = bin;
  // Fully transparent: nothing to show, so the page shows white, as BlurHash does.
  if (weight[best] === 0) return '#ffffff';
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) {
    if ((((data[i]! >> 4) << 8) | ((data[i + 1]! >> 4) << 4) | (data[i + 2]! >> 4)) !== best) continue;
    for (let c = 0; c < 3; c++) sum[c]! += data[i + c]! * data[i + 3]!;
  }
  return `#${sum.map((s) => Math.round(s / weight[best]!).toString(16).padStart(2, '0')).join('')}`;
}

/** Area average to at most `side` a side (alpha-weighted, so transparent pixels lend no colour). */
function downscale(image: Thumbnail, side: number): Thumbnail {
  const scale = Math.min(1, side / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * image.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * image.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / width));
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const i = (sy * image.width + sx) * 4;
          const alpha = image.data[i + 3]!;
          r += image.data[i]! * alpha;
          g += image.data[i + 1]! * alpha;
          b += image.data[i + 2]! * alpha;
          a += alpha;
        }
      }
      const o = (y * width + x) * 4;
      const n = (y1 - y0) * (x1 - x0);
      if (a > 0) [out[o], out[o + 1], out[o + 2]] = [r / a, g / a, b / a];
      out[o + 3] = a / n;
    }
  }
  return { data: out, width, height };
}

/** Composited on white: what BlurHash, which has no alpha, should show for transparent parts. */
function onWhite(image: Thumbnail): Thumbnail {
  const out = new Uint8Array(image.data.length);
  for (let i = 0; i < out.length; i += 4) {
    const alpha = image.data[i + 3]! / 255;
    for (let c = 0; c < 3; c++) out[i + c] = image.data[i + c]! * alpha + 255 * (1 - alpha);
    out[i + 3] = 255;
  }
  return { data: out, width: image.width, height: image.height };
}

async function tinyWebp(thumbnail: Thumbnail): Promise<string> {
  const opaque = isOpaque(thumbnail);
  const encode = async (side: number, quality: number, flatten: boolean) => {
    let pipeline = sharp(thumbnail.data, { raw: { width: thumbnail.width, height: thumbnail.height, channels: 4 } })
      .resize(side, side, { fit: 'inside', withoutEnlargement: true });
    if (flatten) pipeline = pipeline.flatten({ background: '#ffffff' });
    else if (opaque) pipeline = pipeline.removeAlpha();
    const webp = await pipeline.webp({ quality, alphaQuality: quality, effort: 4 }).toBuffer();
    return `data:image/webp;base64,${webp.toString('base64')}`;
  };
  for (const quality of DATA_URI_QUALITIES) {
    const uri = await encode(DATA_URI_SIDE, quality, false);
    if (uri.length <= MAX_DATA_URI_LENGTH) return uri;
  }
  // Noise with alpha can stay over 1 KB at 16 px: an upload must not fail for its placeholder,
  // so the last resort is half the size on white (an 8 px WebP is a few hundred bytes at most).
  return encode(DATA_URI_SIDE / 2, DATA_URI_QUALITIES[DATA_URI_QUALITIES.length - 1]!, true);
}

function isOpaque(image: Thumbnail): boolean {
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i] !== 255) return false;
  return true;
}
