import sharp, { type Sharp } from 'sharp';
import { AppError } from '../errors';
import { secondsLeft } from '../transform/deadline';
import { decodeHeic, type DecodedHeic, type DecodeHeicOptions } from './decode-heic';

export interface HeicMaster {
  /** Upright, sRGB, no metadata: read by libvips like any upload. */
  readonly master: Uint8Array;
  readonly masterFormat: 'jpeg' | 'png';
  readonly width: number;
  readonly height: number;
  readonly hasAlpha: boolean;
}

/**
 * The working master of a HEIC: decoded once (WebAssembly, seconds for a phone photo) at upload
 * and kept beside the byte-exact original, so a delivery miss reads a JPEG with libvips, which
 * also shrinks it on load, and costs about what the same photo uploaded as JPEG costs.
 * Visually lossless rather than lossless, to keep that speed: JPEG quality 95 without chroma
 * subsampling; an image with alpha goes to PNG, quickly compressed.
 */
export async function makeHeicMaster(bytes: Uint8Array, opts: DecodeHeicOptions): Promise<HeicMaster> {
  const [decoded, icc] = await Promise.all([decodeHeic(bytes, opts), embeddedProfile(bytes)]);
  const masterFormat = decoded.hasAlpha ? 'png' : 'jpeg';
  let pipeline = withProfile(decoded, icc).timeout({ seconds: secondsLeft(opts.deadline) }).toColourspace('srgb');
  pipeline = decoded.hasAlpha
    ? pipeline.png({ compressionLevel: 2, adaptiveFiltering: false })
    : pipeline.removeAlpha().jpeg({ quality: 95, chromaSubsampling: '4:4:4', mozjpeg: false });
  try {
    const master = await pipeline.toBuffer();
    return { master: new Uint8Array(master.buffer, master.byteOffset, master.byteLength), masterFormat, width: decoded.width, height: decoded.height, hasAlpha: decoded.hasAlpha };
  } catch (error) {
    if (/timeout/i.test(String(error))) {
      throw new AppError('overloaded', 'The HEIC image took too long to convert; retry shortly', { cause: error, details: { retryAfterSeconds: 1 } });
    }
    // Our own pixels are fine; what can fail is the file's ICC profile.
    throw new AppError('unsupported_media_type', 'HEIC image could not be decoded', { cause: error });
  }
}

/** The file's ICC profile (iPhones: Display P3), read by libvips from the header alone. */
async function embeddedProfile(bytes: Uint8Array): Promise<Uint8Array | null> {
  try {
    return (await sharp(bytes).metadata()).icc ?? null;
  } catch {
    return null;
  }
}

/**
 * A sharp input for the decoded pixels in their own colour space: raw pixels are taken as sRGB,
 * and sharp has no way to attach a profile to them, so pixels with a profile are wrapped in an
 * uncompressed TIFF carrying it; sharp then converts them to sRGB as it does any tagged image.
 */
function withProfile(image: DecodedHeic, icc: Uint8Array | null): Sharp {
  if (!icc) return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } });
  return sharp(rgbaTiff(image, icc));
}

/** Baseline TIFF, little-endian, one uncompressed strip of 8-bit RGBA (unassociated alpha), with an ICC tag. */
export function rgbaTiff(image: Pick<DecodedHeic, 'data' | 'width' | 'height'>, icc: Uint8Array): Uint8Array {
  const [SHORT, LONG, UNDEFINED] = [3, 4, 7];
  const TAGS = 12;
  const bitsAt = 8 + 2 + TAGS * 12 + 4;
  const iccAt = bitsAt + 8;
  const pixelsAt = iccAt + icc.length + (icc.length % 2);
  const tags: [tag: number, type: number, count: number, value: number][] = [
    [256, LONG, 1, image.width],
    [257, LONG, 1, image.height],
    [258, SHORT, 4, bitsAt], // 8 bits per sample
    [259, SHORT, 1, 1], // no compression
    [262, SHORT, 1, 2], // RGB
    [273, LONG, 1, pixelsAt],
    [277, SHORT, 1, 4], // samples per pixel
    [278, LONG, 1, image.height], // one strip
    [279, LONG, 1, image.data.length],
    [284, SHORT, 1, 1], // interleaved
    [338, SHORT, 1, 2], // the fourth sample is unassociated alpha
    [34675, UNDEFINED, icc.length, iccAt],
  ];
  const tiff = new Uint8Array(pixelsAt + image.data.length);
  const view = new DataView(tiff.buffer);
  tiff.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, 8, true);
  view.setUint16(8, TAGS, true);
  tags.forEach(([tag, type, count, value], i) => {
    const at = 10 + i * 12;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, count, true);
    if (type === SHORT && count === 1) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value, true);
  });
  for (let i = 0; i < 4; i++) view.setUint16(bitsAt + i * 2, 8, true);
  tiff.set(icc, iccAt);
  tiff.set(image.data, pixelsAt);
  return tiff;
}
