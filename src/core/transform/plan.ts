import { MAX_DIMENSION, type OutputFormat, type Transform } from './types';

/** What the executor does, fully decided: exact output pixels, no judgement left. */
export interface TransformPlan {
  /** Output width and height in pixels. */
  readonly width: number;
  readonly height: number;
  /** How the source maps onto width × height: stretch-free scale, crop, or pad. */
  readonly fit: 'scale' | 'cover' | 'contain';
  readonly format: OutputFormat;
  readonly quality: number | undefined;
}

export interface SourceInfo {
  /** Dimensions after EXIF orientation. */
  readonly width: number;
  readonly height: number;
}

export const DEFAULT_QUALITY: Record<OutputFormat, number | undefined> = {
  jpeg: 80,
  webp: 80,
  avif: 55,
  png: undefined, // lossless
};

const atLeastOne = (n: number) => Math.max(1, Math.round(n));
const capped = (n: number | undefined, dpr: number) =>
  n === undefined ? undefined : Math.min(MAX_DIMENSION, Math.round(n * dpr));

/**
 * Turns a transform and the source's size into exact output dimensions.
 * Never enlarges: a box larger than the source shrinks, keeping its aspect ratio,
 * until the source fills it without upscaling.
 */
export function planTransform(transform: Transform, source: SourceInfo, format: OutputFormat): TransformPlan {
  const dpr = transform.dpr ?? 1;
  const w = capped(transform.w, dpr);
  const h = capped(transform.h, dpr);
  const quality = transform.q ?? DEFAULT_QUALITY[format];
  const base = { format, quality };
  const { width: sw, height: sh } = source;

  if (w === undefined && h === undefined) return { ...base, width: sw, height: sh, fit: 'scale' };
  if (h === undefined) {
    const width = Math.min(w!, sw);
    return { ...base, width, height: atLeastOne((sh * width) / sw), fit: 'scale' };
  }
  if (w === undefined) {
    const height = Math.min(h, sh);
    return { ...base, width: atLeastOne((sw * height) / sh), height, fit: 'scale' };
  }

  const mode = transform.c ?? 'fit';
  if (mode === 'fit' || mode === 'inside') {
    const scale = Math.min(w / sw, h / sh, 1);
    return { ...base, width: atLeastOne(sw * scale), height: atLeastOne(sh * scale), fit: 'scale' };
  }
  // cover/fill crop to the box, contain pads to it: the box itself shrinks if filling it would upscale.
  const needed = mode === 'contain' ? Math.min(w / sw, h / sh) : Math.max(w / sw, h / sh);
  const shrink = Math.min(1, 1 / needed);
  return {
    ...base,
    width: atLeastOne(w * shrink),
    height: atLeastOne(h * shrink),
    fit: mode === 'contain' ? 'contain' : 'cover',
  };
}

/** A file-name-safe key that is equal for every transform producing the same pixels. */
export function variantKey(plan: TransformPlan): string {
  return `${plan.width}x${plan.height}-${plan.fit}-q${plan.quality ?? 'lossless'}.${plan.format}`;
}
