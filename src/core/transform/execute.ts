import sharp, { type Sharp } from 'sharp';
import { AppError } from '../errors';
import { turned, type Box } from './area';
import { encodeAutoQuality } from './auto-quality';
import { secondsLeft } from './deadline';
import { rgbaOf, type Rgba } from './ops/background';
import { blurSigma } from './ops/blur';
import { STAGES, type Stage } from './ops/op';
import type { AutoQualityLevel } from './ops/quality';
import { sharpenSigma } from './ops/sharpen';
import { sizeFor, type Anchor, type TransformPlan } from './plan';
import { isLossy } from './types';
import { findTrimBox } from './trim-box';

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
function encode(pipeline: Sharp, plan: TransformPlan, quality: number | undefined): Sharp {
  switch (plan.format) {
    case 'jpeg':
      // JPEG has no alpha: flatten onto a defined background rather than libvips' black.
      return pipeline.flatten({ background: backgroundOf(plan, WHITE) }).jpeg({ quality, mozjpeg: true });
    case 'webp':
      // Every frame of an animation is encoded: effort 2 takes 0.6× the time of 4 for 2–3 % more bytes.
      return pipeline.webp({ quality, effort: plan.animated ? 2 : 4 });
    case 'avif':
      return pipeline.avif({ quality, effort: 2, tune: 'ssim' });
    case 'png':
      return pipeline.png();
    case 'gif':
      // Frame delays and the loop count come from the source's metadata, kept by sharp. Each
      // frame gets its own palette: at effort 1 that is 7× faster than the default for about 1 %
      // more bytes (300 frames of 400×225: 15 s against 108 s).
      return pipeline.gif(plan.animated ? { effort: 1 } : {});
  }
}

/**
 * The quality an animated output is encoded at for a `q_auto` level: the search scores one
 * still image, and running it per frame would multiply the cost by the frame count.
 */
const ANIMATED_AUTO_QUALITY: Record<AutoQualityLevel, number> = { best: 90, good: 80, eco: 70, low: 60 };

const backgroundOf = (plan: TransformPlan, fallback: Rgba): Rgba => (plan.background ? rgbaOf(plan.background) : fallback);

const POSITIONS: Record<Exclude<Anchor, object>, string | number> = {
  center: 'centre',
  north: 'north',
  south: 'south',
  east: 'east',
  west: 'west',
  north_east: 'northeast',
  north_west: 'northwest',
  south_east: 'southeast',
  south_west: 'southwest',
  attention: sharp.strategy.attention,
};

interface Working {
  pipeline: Sharp;
  /** The image's size at this point of the pipeline (after orientation, region, trim, rotation). */
  width: number;
  height: number;
  /** The part of the oriented source that `cr` and `trim` keep, cut by the rotate stage. */
  readonly area: Box | null;
  readonly source: { readonly width: number; readonly height: number };
  /** A fresh pipeline over the oriented source (its first frame, when animated), for a stage that must read it again. */
  readonly reopen: () => Sharp;
  /** Epoch ms by which every pass of the transform must be done. */
  readonly deadline: number;
}

/**
 * The stages in pipeline order (README, "Transforms"): orientation is applied on load, then
 * region → trim → rotate/flip → resize and crop → pad → blur → sharpen → effect; flattening
 * and encoding close it. Each key of the registry names its stage.
 */
const STAGE_STEPS: { readonly [S in Stage]: (working: Working, plan: TransformPlan) => Working | Promise<Working> } = {
  // Which frames go through is decided when the source is opened (`openSource`).
  frames: (working) => working,
  region: (working, plan) => {
    if (!plan.region) return working;
    const { x: left, y: top, width, height } = plan.region;
    return { ...working, area: { left, top, width, height }, width, height };
  },
  // What trim leaves is known only from the pixels: its box is found in a pass of its own.
  trim: async (working, plan) => {
    if (plan.trim === null) return working;
    const { area } = working;
    const box = await findTrimBox(area ? working.reopen().extract(area) : working.reopen(), working, plan.trim, working.deadline);
    return { ...working, area: { ...box, left: (area?.left ?? 0) + box.left, top: (area?.top ?? 0) + box.top }, width: box.width, height: box.height };
  },
  rotate: (working, plan) => {
    let { pipeline, width, height } = working;
    let mirrorH = plan.flip === 'h' || plan.flip === 'hv';
    let mirrorV = plan.flip === 'v' || plan.flip === 'hv';
    // libvips turns no multi-page image: half a turn of an animation is both mirrors, a quarter impossible.
    const halfTurnByMirrors = plan.animated && plan.rotate === 180;
    if (plan.animated && (plan.rotate === 90 || plan.rotate === 270)) {
      throw new AppError('limit_exceeded', `a_${plan.rotate} cannot turn an animation; add fr_<n> for a still frame, or use a_180`);
    }
    if (halfTurnByMirrors) {
      [mirrorH, mirrorV] = [!mirrorH, !mirrorV];
    } else if (plan.rotate) {
      pipeline = pipeline.rotate(plan.rotate);
      if (plan.rotate !== 180) [width, height] = [height, width];
    }
    // sharp mirrors before it rotates, whatever the call order: `flip` acts on the unrotated image.
    if (mirrorH) pipeline = pipeline.flop();
    if (mirrorV) pipeline = pipeline.flip();
    // sharp cuts one area before resizing. Asked after a rotation, it cuts it from the turned
    // (and mirrored) image, so the area is turned too; with no rotation, mirroring comes after it.
    const turnedArea = plan.rotate && !halfTurnByMirrors;
    if (working.area) pipeline = pipeline.extract(turnedArea ? turned(working.area, working.source, plan.rotate!, plan.flip) : working.area);
    return { ...working, pipeline, width, height };
  },
  resize: async (working, plan) => {
    const size = plan.trim === null ? plan : sizeFor(plan.request, working.width, working.height);
    if (size.width === working.width && size.height === working.height && size.fit === 'scale') return working;
    const background = backgroundOf(plan, plan.format === 'jpeg' ? WHITE : TRANSPARENT);
    const anchor = plan.anchor;
    const attentionOfAnimation = anchor === 'attention' && size.fit === 'cover' && plan.animated;
    if ((typeof anchor === 'object' || attentionOfAnimation) && size.fit === 'cover') {
      // A focal point: scale to cover, then cut the window centred on the point, kept inside.
      const scale = Math.max(size.width / working.width, size.height / working.height);
      const scaledWidth = Math.max(size.width, Math.round(working.width * scale));
      const scaledHeight = Math.max(size.height, Math.round(working.height * scale));
      const { left, top } =
        typeof anchor === 'object'
          ? {
              left: Math.min(scaledWidth - size.width, Math.max(0, Math.round(anchor.x * scaledWidth - size.width / 2))),
              top: Math.min(scaledHeight - size.height, Math.max(0, Math.round(anchor.y * scaledHeight - size.height / 2))),
            }
          : await attentionWindow(working, plan, size);
      const pipeline = working.pipeline
        .resize(scaledWidth, scaledHeight, { fit: 'fill' })
        .extract({ left, top, width: size.width, height: size.height });
      return { ...working, pipeline, width: size.width, height: size.height };
    }
    const position = typeof anchor === 'object' || (anchor === 'attention' && size.fit !== 'cover') ? 'centre' : POSITIONS[anchor];
    const pipeline = working.pipeline.resize(size.width, size.height, {
      fit: size.fit === 'scale' ? 'fill' : size.fit,
      position,
      background,
    });
    return { ...working, pipeline, width: size.width, height: size.height };
  },
  // c_contain's padding is part of its resize (with `b` as the colour); nothing more to do here.
  pad: (working) => working,
  blur: (working, plan) => (plan.blur === null ? working : { ...working, pipeline: working.pipeline.blur(blurSigma(plan.blur)) }),
  sharpen: (working, plan) =>
    plan.sharpen === null ? working : { ...working, pipeline: working.pipeline.sharpen({ sigma: sharpenSigma(plan.sharpen) }) },
  effect: (working, plan) => (plan.effect === 'grayscale' ? { ...working, pipeline: working.pipeline.grayscale() } : working),
  encode: (working, plan) => {
    // An opaque `b` flattens any alpha onto it, whatever the format; JPEG always flattens.
    const flattened = plan.background && rgbaOf(plan.background).alpha === 1 ? working.pipeline.flatten({ background: rgbaOf(plan.background) }) : working.pipeline;
    const pixels = flattened.toColourspace('srgb');
    // q_auto encodes from these pixels itself (`runPlan`), several times.
    return { ...working, pipeline: searchesQuality(plan) ? pixels : encode(pixels, plan, fixedQuality(plan)) };
  },
};

/**
 * Where libvips' attention strategy cuts the first frame: libvips finds no salient region in a
 * multi-page image, so every frame of an animation is cut where its first frame would be.
 */
async function attentionWindow(working: Working, plan: TransformPlan, size: { width: number; height: number }): Promise<{ left: number; top: number }> {
  let first = working.reopen();
  if (working.area) first = first.extract(working.area);
  if (plan.rotate === 180) first = first.rotate(180);
  if (plan.flip === 'h' || plan.flip === 'hv') first = first.flop();
  if (plan.flip === 'v' || plan.flip === 'hv') first = first.flip();
  const { info } = await first
    .resize(size.width, size.height, { fit: 'cover', position: sharp.strategy.attention })
    .timeout({ seconds: secondsLeft(working.deadline) })
    .toBuffer({ resolveWithObject: true });
  return { left: -(info.cropOffsetLeft ?? 0), top: -(info.cropOffsetTop ?? 0) };
}

const searchesQuality = (plan: TransformPlan) => typeof plan.quality === 'object' && !plan.animated;
const fixedQuality = (plan: TransformPlan): number | undefined =>
  typeof plan.quality === 'object' ? ANIMATED_AUTO_QUALITY[plan.quality.auto] : plan.quality;

/** Raw RGBA pixels, as a renderer (SVG) or a decoder (HEIC) hands them over. */
export interface RawPixels {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
}
/** A file path (lets libvips shrink JPEGs on load), encoded bytes, or decoded pixels. */
export type SourceInput = string | Uint8Array | RawPixels;

/**
 * The source as libvips reads it: every frame of an animation when the output keeps it,
 * else the one frame asked for (the first by default), oriented by its EXIF tag.
 */
export function openSource(input: SourceInput, plan: Pick<TransformPlan, 'animated' | 'frame'>, maxPixels: number, still = false): Sharp {
  if (typeof input === 'object' && 'pixels' in input) {
    return sharp(input.pixels, { raw: { width: input.width, height: input.height, channels: 4 }, limitInputPixels: maxPixels });
  }
  const frames = plan.animated && !still ? { animated: true } : { page: (plan.frame ?? 1) - 1 };
  return sharp(input, { limitInputPixels: maxPixels, sequentialRead: true, ...frames }).autoOrient();
}

export interface PlanResult {
  readonly body: Uint8Array;
  /** The encoder quality used (chosen by the search for `q_auto`); undefined for PNG. */
  readonly quality: number | undefined;
  /** For `q_auto`: the output's score against the unencoded pixels (see `auto-quality.ts`). */
  readonly score?: number;
}

/**
 * Runs one plan as one sharp pipeline (`trim` first finds its box in a pass of its own; `cr`
 * and `trim` are cut as one area once the rotation is known), every pass within one deadline.
 * mozjpeg's last step (trellis quantisation, scan optimisation) runs after libvips' last
 * progress report, so a JPEG can end past the deadline by that step (README, "Request limits").
 * For `q_auto` the pipeline ends in raw pixels, the reference from which the quality search encodes.
 * Reading from a file path (rather than a buffer) lets libvips shrink JPEGs on load. Metadata
 * (EXIF, GPS, XMP) is never copied to the output.
 */
export async function runPlan(
  input: SourceInput,
  source: { width: number; height: number },
  plan: TransformPlan,
  limits: ExecuteLimits,
): Promise<PlanResult> {
  const deadline = Date.now() + limits.timeoutSeconds * 1000;
  try {
    const reopen = () => openSource(input, plan, limits.maxPixels, true);
    let working: Working = {
      pipeline: openSource(input, plan, limits.maxPixels),
      width: source.width,
      height: source.height,
      area: null,
      source,
      reopen,
      deadline,
    };
    for (const stage of STAGES) working = await STAGE_STEPS[stage](working, plan);
    const pipeline = working.pipeline.timeout({ seconds: secondsLeft(deadline) });
    if (!searchesQuality(plan) || !isLossy(plan.format) || typeof plan.quality !== 'object') {
      return { body: bytesOf(await pipeline.toBuffer()), quality: fixedQuality(plan) };
    }
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const { r, g, b } = backgroundOf(plan, WHITE);
    return await encodeAutoQuality({
      reference: { data: bytesOf(data), width: info.width, height: info.height, channels: info.channels },
      format: plan.format,
      level: plan.quality.auto,
      background: { r, g, b },
      encodeAt: (pixels, quality) => encode(pixels, plan, quality),
      deadline,
    });
  } catch (error) {
    throw wrapSharpError(error);
  }
}

/** The encoded bytes alone (see `runPlan`). */
export async function executePlan(
  input: SourceInput,
  source: { width: number; height: number },
  plan: TransformPlan,
  limits: ExecuteLimits,
): Promise<Uint8Array> {
  return (await runPlan(input, source, plan, limits)).body;
}

const bytesOf = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

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
