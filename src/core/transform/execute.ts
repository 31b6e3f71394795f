import sharp, { type Sharp } from 'sharp';
import { AppError } from '../errors';
import { turned, type Box } from './area';
import { encodeAutoQuality } from './auto-quality';
import { secondsLeft } from './deadline';
import { rgbaOf, type Rgba } from './ops/background';
import { blurSigma } from './ops/blur';
import { STAGES, type Stage } from './ops/op';
import { sharpenSigma } from './ops/sharpen';
import { sizeFor, type Anchor, type TransformPlan } from './plan';
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
      return pipeline.webp({ quality, effort: 4 });
    case 'avif':
      return pipeline.avif({ quality, effort: 2, tune: 'ssim' });
    case 'png':
      return pipeline.png();
  }
}

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
  /** A fresh pipeline over the oriented source, for a stage that must read it again. */
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
    if (plan.rotate) {
      pipeline = pipeline.rotate(plan.rotate);
      if (plan.rotate !== 180) [width, height] = [height, width];
    }
    // sharp mirrors before it rotates, whatever the call order: `flip` acts on the unrotated image.
    if (plan.flip === 'h' || plan.flip === 'hv') pipeline = pipeline.flop();
    if (plan.flip === 'v' || plan.flip === 'hv') pipeline = pipeline.flip();
    // sharp cuts one area before resizing. Asked after a rotation, it cuts it from the turned
    // (and mirrored) image, so the area is turned too; with no rotation, mirroring comes after it.
    if (working.area) pipeline = pipeline.extract(plan.rotate ? turned(working.area, working.source, plan.rotate, plan.flip) : working.area);
    return { ...working, pipeline, width, height };
  },
  resize: (working, plan) => {
    const size = plan.trim === null ? plan : sizeFor(plan.request, working.width, working.height);
    if (size.width === working.width && size.height === working.height && size.fit === 'scale') return working;
    const background = backgroundOf(plan, plan.format === 'jpeg' ? WHITE : TRANSPARENT);
    const anchor = plan.anchor;
    if (typeof anchor === 'object' && size.fit === 'cover') {
      // A focal point: scale to cover, then cut the window centred on the point, kept inside.
      const scale = Math.max(size.width / working.width, size.height / working.height);
      const scaledWidth = Math.max(size.width, Math.round(working.width * scale));
      const scaledHeight = Math.max(size.height, Math.round(working.height * scale));
      const left = Math.min(scaledWidth - size.width, Math.max(0, Math.round(anchor.x * scaledWidth - size.width / 2)));
      const top = Math.min(scaledHeight - size.height, Math.max(0, Math.round(anchor.y * scaledHeight - size.height / 2)));
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
    return { ...working, pipeline: typeof plan.quality === 'object' ? pixels : encode(pixels, plan, plan.quality) };
  },
};

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
  input: string | Uint8Array,
  source: { width: number; height: number },
  plan: TransformPlan,
  limits: ExecuteLimits,
): Promise<PlanResult> {
  const deadline = Date.now() + limits.timeoutSeconds * 1000;
  try {
    const reopen = () => sharp(input, { limitInputPixels: limits.maxPixels, sequentialRead: true }).autoOrient();
    let working: Working = {
      pipeline: reopen(),
      width: source.width,
      height: source.height,
      area: null,
      source,
      reopen,
      deadline,
    };
    for (const stage of STAGES) working = await STAGE_STEPS[stage](working, plan);
    const pipeline = working.pipeline.timeout({ seconds: secondsLeft(deadline) });
    if (typeof plan.quality !== 'object' || plan.format === 'png') {
      return { body: bytesOf(await pipeline.toBuffer()), quality: plan.quality as number | undefined };
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
  input: string | Uint8Array,
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
