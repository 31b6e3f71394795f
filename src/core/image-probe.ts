import sharp, { type Metadata } from 'sharp';
import { AppError } from './errors';
import { guardPngText } from './png-text-guard';
import { wrapSharpError } from './transform/execute';

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
export async function probeImage(bytes: Uint8Array, limits: ProbeLimits): Promise<ProbedImage> {
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
  // A HEIC is decoded whole when its working master is made.
  if (format !== 'heic') await confirmDecodes(bytes, maxPixels);
  const oriented = meta.autoOrient ?? { width: meta.width, height: meta.height };
  return { format, width: oriented.width, height: oriented.height, hasAlpha: meta.hasAlpha === true, frames };
}

/** Confirms the pixels decode, cheaply: a tiny shrink-on-load thumbnail. */
async function confirmDecodes(bytes: Uint8Array, maxPixels: number): Promise<void> {
  try {
    await sharp(bytes, { limitInputPixels: maxPixels }).resize(8, 8, { fit: 'inside' }).raw().toBuffer();
  } catch (error) {
    throw wrapSharpError(error);
  }
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
