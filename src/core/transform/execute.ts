import sharp, { type Sharp } from 'sharp';
import { AppError } from '../errors';
import type { TransformPlan } from './plan';

export interface ExecuteLimits {
  readonly maxPixels: number;
  /** A transform running longer is abandoned (503). */
  readonly timeoutSeconds: number;
}

const WHITE = { r: 255, g: 255, b: 255, alpha: 1 };
const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

/**
 * Encoder settings, chosen from the time-vs-bytes table of `bun scripts/bench/encoders.ts`
 * (README, "Encoder settings"): a variant is computed once and delivered many times, so bytes
 * win unless the time cost is large. AVIF at libaom's default effort takes seconds on a 2-core
 * VPS; effort 2 with SSIM tuning is 4–7× faster for about 10 % more bytes.
 */
function encode(pipeline: Sharp, plan: TransformPlan): Sharp {
  switch (plan.format) {
    case 'jpeg':
      // JPEG has no alpha: flatten onto a defined background rather than libvips' black.
      return pipeline.flatten({ background: WHITE }).jpeg({ quality: plan.quality, mozjpeg: true });
    case 'webp':
      return pipeline.webp({ quality: plan.quality, effort: 4 });
    case 'avif':
      return pipeline.avif({ quality: plan.quality, effort: 2, tune: 'ssim' });
    case 'png':
      return pipeline.png();
  }
}

/**
 * Runs one plan as one sharp pipeline. Reading from a file path (rather than a buffer)
 * lets libvips shrink JPEGs on load. Metadata (EXIF, GPS, XMP) is never copied to the output.
 */
export async function executePlan(
  input: string | Uint8Array,
  source: { width: number; height: number },
  plan: TransformPlan,
  limits: ExecuteLimits,
): Promise<Uint8Array> {
  try {
    let pipeline = sharp(input, { limitInputPixels: limits.maxPixels, sequentialRead: true }).autoOrient();
    if (plan.width !== source.width || plan.height !== source.height || plan.fit !== 'scale') {
      pipeline = pipeline.resize(plan.width, plan.height, {
        fit: plan.fit === 'scale' ? 'fill' : plan.fit,
        position: 'centre',
        background: plan.format === 'jpeg' ? WHITE : TRANSPARENT,
      });
    }
    const output = await encode(pipeline.toColourspace('srgb'), plan).timeout({ seconds: limits.timeoutSeconds }).toBuffer();
    return new Uint8Array(output.buffer, output.byteOffset, output.byteLength);
  } catch (error) {
    throw wrapSharpError(error);
  }
}

export function wrapSharpError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new AppError('limit_exceeded', 'Image exceeds the pixel limit', { cause: error });
  }
  if (/timeout/i.test(message)) {
    return new AppError('overloaded', 'The transform took too long; retry shortly', { cause: error, details: { retryAfterSeconds: 1 } });
  }
  return new AppError('unsupported_media_type', 'Image could not be decoded', { cause: error });
}

/**
 * Only the loaders of the formats we accept can ever run: no SVG, PDF, ImageMagick, FITS,
 * OpenSlide or raw-matrix loader is reachable, whatever bytes arrive. Process-wide and set
 * once by whatever opens the core, since uploads are probed by sharp too.
 */
export function restrictSharpLoaders(): void {
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: ['VipsForeignLoadJpeg', 'VipsForeignLoadPng', 'VipsForeignLoadWebp', 'VipsForeignLoadNsgif', 'VipsForeignLoadTiff', 'VipsForeignLoadHeif'] });
}

/**
 * Process-wide libvips settings for a process that transforms, set once at start-up: no
 * operation cache (each variant is computed once, so cached operations only hold memory) and
 * one thread per transform, since IMGAPI_CONCURRENCY transforms already run side by side.
 */
export function tuneSharpForTransforms(): void {
  sharp.cache(false);
  sharp.concurrency(1);
}
