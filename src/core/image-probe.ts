import sharp, { type Metadata } from 'sharp';
import { AppError } from './errors';
import { decodeThumbnail, type Thumbnail } from './placeholder';
import { guardPngText } from './png-text-guard';

export type SourceFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff' | 'heif' | 'heic' | 'svg';

export interface ProbedImage {
  readonly format: SourceFormat;
  /** Dimensions after EXIF orientation: what a viewer sees. */
  readonly width: number;
  readonly height: number;
  readonly hasAlpha: boolean;
  /** Frames of an animated GIF or WebP; 1 for a still. */
  readonly frames: number;
}

export interface ProbedRaster extends ProbedImage {
  /**
   * The small upright decode that proved the pixels readable, kept for the placeholder; null for
   * a HEIC, which libvips cannot decode (its working master is read instead).
   */
  readonly thumbnail: Thumbnail | null;
}

export interface ProbeLimits {
  readonly maxPixels: number;
  readonly maxFrames: number;
}

const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']);
/** The largest side any accepted decoder handles safely (WebP's own limit). */
const MAX_SIDE = 16383;

/**
 * Identifies an upload from its bytes alone (never its name or declared type) and reads its
 * size from the header, so a pixel bomb is refused before anything is decoded.
 */
export async function probeImage(bytes: Uint8Array, limits: ProbeLimits): Promise<ProbedRaster> {
  const { maxPixels } = limits;
  guardPngText(bytes);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new AppError('unsupported_media_type', 'Not a supported image (JPEG, PNG, WebP, AVIF, HEIC, GIF, TIFF, SVG)');
  }
  const raw = meta.format as string | undefined;
  if (!raw || !ACCEPTED.has(raw) || !meta.width || !meta.height) {
    throw new AppError('unsupported_media_type', `Not a supported image format${raw ? ` (${raw})` : ''}`);
  }
  // libvips' libheif decodes AV1 (AVIF) only: HEVC (HEIC) is decoded by our own decoder (`heic/`).
  let format = raw as SourceFormat;
  if (format === 'heif') {
    if (meta.compression !== 'av1' && meta.compression !== 'hevc') {
      throw new AppError('unsupported_media_type', `HEIF images coded with ${meta.compression ?? 'an unknown codec'} are not supported`);
    }
    format = meta.compression === 'av1' ? 'avif' : 'heic';
  }
  if (meta.width > MAX_SIDE || meta.height > MAX_SIDE) {
    throw new AppError('limit_exceeded', `Image is ${meta.width}×${meta.height} pixels; each side may be at most ${MAX_SIDE}`);
  }
  if (meta.width * meta.height > maxPixels) {
    throw new AppError('limit_exceeded', `Image is ${meta.width}×${meta.height} pixels, over the limit of ${maxPixels}`);
  }
  // An animation counts every frame: each one goes through the pipeline.
  const frames = format === 'gif' || format === 'webp' ? (meta.pages ?? 1) : 1;
  checkFrames(frames, meta.width, meta.pageHeight ?? meta.height, limits);
  // Confirms the pixels decode, cheaply: a shrink-on-load thumbnail (a 12 MP JPEG is decoded at
  // 1/8 scale), which the placeholder is then made from. A HEIC is decoded whole when its working
  // master is made.
  const thumbnail = format === 'heic' ? null : await decodeThumbnail(bytes, { maxPixels });
  const oriented = meta.autoOrient ?? { width: meta.width, height: meta.height };
  return { format, width: oriented.width, height: oriented.height, hasAlpha: meta.hasAlpha === true, frames, thumbnail };
}

/** Frame count and frames × pixels, from the header: at upload, and again before each transform. */
export function checkFrames(frames: number, width: number, height: number, limits: ProbeLimits): void {
  if (frames > limits.maxFrames) {
    throw new AppError('limit_exceeded', `Animation has ${frames} frames, over the limit of ${limits.maxFrames}`);
  }
  if (frames * width * height > limits.maxPixels) {
    throw new AppError('limit_exceeded', `Animation of ${frames} frames of ${width}×${height} is over the pixel limit of ${limits.maxPixels}`);
  }
}
