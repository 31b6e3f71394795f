import { invalid } from '../errors';
import { checkSharpenSize } from '../limits';
import type { Angle } from './ops/rotate';
import type { Gravity } from './ops/gravity';
import type { Quality } from './ops/quality';
import type { Region } from './ops/region';
import type { Transform } from './registry';
import { ANIMATED_FORMATS, isLossy, MAX_DIMENSION, type FitMode, type OutputFormat } from './types';

/** Where a crop is anchored: a compass point, the most salient region, or a point (0–1). */
export type Anchor = Exclude<Gravity, 'focus' | 'auto'> | 'attention' | { readonly x: number; readonly y: number };

/** The size request behind the output size: recomputed after `trim`, whose result only the pixels tell. */
export interface SizeRequest {
  readonly w: number | undefined;
  readonly h: number | undefined;
  readonly c: FitMode;
  readonly dpr: number;
}

/** What the executor does, fully decided: exact output pixels, no judgement left. */
export interface TransformPlan {
  /** Output width and height in pixels (before `trim`, when it is asked for: see `request`). */
  readonly width: number;
  readonly height: number;
  /** How the source maps onto width × height: stretch-free scale, crop, or pad. */
  readonly fit: 'scale' | 'cover' | 'contain';
  readonly format: OutputFormat;
  /** A fixed encoder quality, a `q_auto` level to search with, or undefined for lossless PNG. */
  readonly quality: Quality | undefined;
  readonly anchor: Anchor;
  readonly region: Region | null;
  readonly trim: number | null;
  readonly rotate: Angle | null;
  readonly flip: 'h' | 'v' | 'hv' | null;
  /** rrggbb or rrggbbaa. */
  readonly background: string | null;
  readonly blur: number | null;
  readonly sharpen: number | null;
  readonly effect: 'grayscale' | null;
  /** The 1-based frame of an animated source given as a still (`fr`); null: the animation, or frame 1. */
  readonly frame: number | null;
  /** Every frame of an animated source goes through the pipeline and into an animated WebP or GIF. */
  readonly animated: boolean;
  readonly request: SizeRequest;
}

export interface SourceInfo {
  /** Dimensions after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** The image's focal point (0–1 of the oriented image), if one is set. */
  readonly focalPoint?: { readonly x: number; readonly y: number } | null;
  /** Frames of an animated source (1 for a still). */
  readonly frames?: number;
  /** A vector source (SVG) renders sharp at any size, so it may be scaled up. */
  readonly vector?: boolean;
}

export const DEFAULT_QUALITY: Record<OutputFormat, number | undefined> = {
  jpeg: 80,
  webp: 80,
  avif: 55,
  png: undefined, // lossless
  gif: undefined, // a palette: no quality setting
};

/** A stored image as the planner sees it: an SVG is a vector source, drawn at the size asked. */
export const sourceInfoOf = <T extends Omit<SourceInfo, 'vector'> & { readonly format: string }>(image: T): T & SourceInfo => ({
  ...image,
  vector: image.format === 'svg',
});

const atLeastOne = (n: number) => Math.max(1, Math.round(n));
const capped = (n: number | undefined, dpr: number) => (n === undefined ? undefined : Math.min(MAX_DIMENSION, Math.round(n * dpr)));

/**
 * Output dimensions for a size request on a source of `sw` × `sh`. A raster source is never
 * enlarged: a box larger than it shrinks, keeping its aspect ratio, until the source fills it.
 * A vector source (`enlarge`) takes the box as asked, within MAX_DIMENSION.
 */
export function sizeFor(request: SizeRequest, sw: number, sh: number, enlarge = false): Pick<TransformPlan, 'width' | 'height' | 'fit'> {
  const w = capped(request.w, request.dpr);
  const h = capped(request.h, request.dpr);
  // A vector source is rendered at the size asked, so nothing it draws exceeds MAX_DIMENSION.
  const limit = enlarge ? Math.min(MAX_DIMENSION / sw, MAX_DIMENSION / sh) : 1;
  if (w === undefined && h === undefined) return { width: sw, height: sh, fit: 'scale' };
  if (h === undefined) {
    const scale = Math.min(w! / sw, limit);
    return { width: atLeastOne(sw * scale), height: atLeastOne(sh * scale), fit: 'scale' };
  }
  if (w === undefined) {
    const scale = Math.min(h / sh, limit);
    return { width: atLeastOne(sw * scale), height: atLeastOne(sh * scale), fit: 'scale' };
  }
  if (request.c === 'fit' || request.c === 'inside') {
    const scale = Math.min(w / sw, h / sh, limit);
    return { width: atLeastOne(sw * scale), height: atLeastOne(sh * scale), fit: 'scale' };
  }
  // cover/fill crop to the box, contain pads to it: the box itself shrinks if filling it would upscale.
  const needed = request.c === 'contain' ? Math.min(w / sw, h / sh) : Math.max(w / sw, h / sh);
  const shrink = Math.min(1, limit / needed);
  return { width: atLeastOne(w * shrink), height: atLeastOne(h * shrink), fit: request.c === 'contain' ? 'contain' : 'cover' };
}

/** The region clipped to the image; nothing left of it is an error the caller made. */
function clip(region: Region, width: number, height: number): Region {
  const x = Math.min(region.x, width);
  const y = Math.min(region.y, height);
  const clipped = { x, y, width: Math.min(region.width, width - x), height: Math.min(region.height, height - y) };
  if (clipped.width < 1 || clipped.height < 1) throw invalid(`Region cr_${region.x}:${region.y}:${region.width}:${region.height} lies outside the ${width}×${height} image`);
  return clipped;
}

function anchorOf(gravity: Gravity | undefined, focalPoint: SourceInfo['focalPoint']): Anchor {
  // A stored focal point applies when no gravity is asked for; an explicit g_center overrides it.
  const chosen = gravity ?? (focalPoint ? 'focus' : 'center');
  if (chosen === 'auto') return 'attention';
  if (chosen === 'focus') return focalPoint ? { x: focalPoint.x, y: focalPoint.y } : 'center';
  return chosen;
}

/**
 * Turns a transform and the source's size into exact output dimensions and every pixel
 * decision. `w` and `h` refer to the image after `cr` and `a` (and `trim`, recomputed by the
 * executor once the trimmed size is known).
 */
export function planTransform(transform: Transform, source: SourceInfo, format: OutputFormat): TransformPlan {
  const region = transform.cr ? clip(transform.cr, source.width, source.height) : null;
  let [sw, sh] = region ? [region.width, region.height] : [source.width, source.height];
  if (transform.a === 90 || transform.a === 270) [sw, sh] = [sh, sw];
  const request: SizeRequest = { w: transform.w, h: transform.h, c: transform.c ?? 'fit', dpr: transform.dpr ?? 1 };
  // A focal point is a place in the whole oriented image: it only steers crops of that image.
  const focal = region || transform.a || transform.flip || transform.trim ? null : source.focalPoint;
  const size = sizeFor(request, sw, sh, source.vector === true);
  if (transform.sharpen !== undefined) checkSharpenSize(size.width, size.height);
  const frames = source.frames ?? 1;
  if (transform.fr !== undefined && transform.fr > frames) {
    throw invalid(`Frame fr_${transform.fr} does not exist: the image has ${frames} frame${frames === 1 ? '' : 's'}`);
  }
  return {
    ...size,
    format,
    // PNG is lossless and GIF a palette: there is no quality to search for.
    quality: typeof transform.q === 'object' && !isLossy(format) ? undefined : (transform.q ?? DEFAULT_QUALITY[format]),
    anchor: anchorOf(transform.g, focal),
    region,
    trim: transform.trim ?? null,
    rotate: transform.a ?? null,
    flip: transform.flip ?? null,
    background: transform.b ?? null,
    blur: transform.blur ?? null,
    sharpen: transform.sharpen ?? null,
    effect: transform.e ?? null,
    frame: transform.fr ?? null,
    animated: frames > 1 && transform.fr === undefined && ANIMATED_FORMATS.has(format),
    request,
  };
}

/**
 * Each field's part of the variant key: null leaves it out. A Record over every field of the
 * plan, so a field added to the plan does not compile until it says how it keys the cache
 * (two plans with different pixels must never share a file). The first five keep the key of
 * every transform that existed before the others, so old variants stay valid.
 */
const KEY_PARTS: { readonly [F in keyof TransformPlan]-?: (value: TransformPlan[F], plan: TransformPlan) => string | null } = {
  width: (width, plan) => `${width}x${plan.height}`,
  height: () => null, // part of width's `WxH`
  fit: (fit) => fit,
  // The level, not the quality it finds: the key is known before encoding (the chosen number is
  // stored with the variant, see `delivery.ts`).
  quality: (quality) => (typeof quality === 'object' ? `qauto-${quality.auto}` : `q${quality ?? 'lossless'}`),
  // Only a crop or a pad has a place to anchor.
  anchor: (anchor, plan) => {
    if (plan.fit === 'scale' || anchor === 'center') return null;
    if (typeof anchor === 'string') return `g${anchor}`;
    return plan.fit === 'cover' ? `p${anchor.x.toFixed(4)}_${anchor.y.toFixed(4)}` : null; // a pad centres on a point
  },
  region: (region) => (region ? `cr${region.x}_${region.y}_${region.width}_${region.height}` : null),
  trim: (trim) => (trim === null ? null : `trim${trim}`),
  rotate: (angle) => (angle === null ? null : `a${angle}`),
  flip: (flip) => (flip === null ? null : `flip${flip}`),
  background: (background) => (background === null ? null : `b${background}`),
  blur: (blur) => (blur === null ? null : `blur${blur}`),
  sharpen: (sharpen) => (sharpen === null ? null : `sharpen${sharpen}`),
  effect: (effect) => effect,
  frame: (frame) => (frame === null ? null : `fr${frame}`),
  animated: (animated) => (animated ? 'anim' : null),
  // The output size already follows from it; with trim, size + trim + source version decide.
  request: () => null,
  format: () => null, // the extension
};

/** A file-name-safe key (letters, digits, `_ . , -`) that is equal for every transform producing the same pixels. */
export function variantKey(plan: TransformPlan): string {
  const parts = (Object.keys(KEY_PARTS) as (keyof TransformPlan)[])
    .map((field) => (KEY_PARTS[field] as (value: unknown, plan: TransformPlan) => string | null)(plan[field], plan))
    .filter((part): part is string => part !== null);
  return `${parts.join('-')}.${plan.format}`;
}
