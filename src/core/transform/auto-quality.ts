import sharp, { type Sharp } from 'sharp';
import { secondsLeft } from './deadline';
import type { AutoQualityLevel } from './ops/quality';
import { DEFAULT_QUALITY } from './plan';
import { AUTO_QUALITY_RANGES, AUTO_QUALITY_TARGETS, searchQuality, type Candidate } from './quality-search';
import { SSIM_WINDOW, halve, luma, ssim, tiledSsim, type Plane } from './ssim';
import { TILE, tileSample, type RawImage } from './tile-sample';
import type { LossyFormat } from './types';

/** Candidates are tried on about an eighth of the output, between 16 and 64 tiles (64 K–256 K px). */
const SAMPLE_SHARE = 8;
const MIN_TILES = 16;
const MAX_TILES = 64;
/**
 * A sample's score strays from the whole image's by −0.006 to +0.008 on the corpus (mean under
 * 0.001 each way): the search on a sample aims a little higher, so the check on the whole image
 * seldom falls short.
 */
const SAMPLE_MARGIN = 0.0015;
/** A correction after a short check: at least this many qualities up, at most this many times. */
const MIN_CORRECTION = 2;
const MAX_CORRECTIONS = 2;

type Rgb = { readonly r: number; readonly g: number; readonly b: number };

export interface AutoQualityJob {
  /** The finished pixels at the output size, before encoding: the reference every candidate is scored against. */
  readonly reference: RawImage;
  readonly format: LossyFormat;
  readonly level: AutoQualityLevel;
  /** What transparent pixels are seen against when scoring (JPEG's flattening colour). */
  readonly background: Rgb;
  /** The executor's encoder for the format at a quality. */
  readonly encodeAt: (pipeline: Sharp, quality: number) => Sharp;
  /** Epoch ms by which the whole transform must be done (IMGAPI_TRANSFORM_TIMEOUT_SECONDS). */
  readonly deadline: number;
}

export interface AutoQualityResult {
  readonly body: Uint8Array;
  readonly quality: number;
  /** The output's score against the reference (undefined for images too small to score). */
  readonly score: number | undefined;
  /** Candidates tried on the sample. */
  readonly tried: readonly Candidate[];
}

const bytesOf = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

/** What the score compares: Rec. 601 luma at half scale (see `ssim.ts`). */
export const scoringPlane = (image: RawImage, background: Rgb): Plane =>
  halve({ data: luma(image.data, image.channels, background), width: image.width, height: image.height });

async function decodedPlane(body: Uint8Array, background: Rgb, timeoutSeconds: number): Promise<Plane> {
  const { data, info } = await sharp(body).raw().timeout({ seconds: timeoutSeconds }).toBuffer({ resolveWithObject: true });
  return scoringPlane({ data: bytesOf(data), width: info.width, height: info.height, channels: info.channels }, background);
}

/** The SSIM of an encoded image against the scoring plane of the pixels it was encoded from. */
export async function scoreEncoded(reference: Plane, body: Uint8Array, background: Rgb, timeoutSeconds = 60): Promise<number> {
  const candidate = await decodedPlane(body, background, timeoutSeconds);
  return ssim(reference.data, candidate.data, reference.width, reference.height);
}

/**
 * Encodes `reference` at the lowest quality whose score against it reaches the level's target.
 * A binary search over the format's range tries at most five candidates, each encoded, decoded
 * and scored on an evenly spread sample of tiles (on the whole image when it is small: then
 * the winning candidate is the output). From a sample, the whole image is encoded once at the
 * chosen quality and scored; if it falls short, it is encoded higher (by the score's slope
 * between the candidates, then between the whole-image encodes) at most twice more.
 */
export async function encodeAutoQuality(job: AutoQualityJob): Promise<AutoQualityResult> {
  const { reference, format, background } = job;
  const seconds = () => secondsLeft(job.deadline);
  const encode = async (image: RawImage, quality: number) => {
    const raw = { width: image.width, height: image.height, channels: image.channels as 1 | 2 | 3 | 4 };
    return bytesOf(await job.encodeAt(sharp(image.data, { raw }), quality).timeout({ seconds: seconds() }).toBuffer());
  };
  if (reference.width < 2 * SSIM_WINDOW || reference.height < 2 * SSIM_WINDOW) {
    // Nothing to measure on a few pixels: the format's usual quality costs next to nothing here.
    const quality = DEFAULT_QUALITY[format]!;
    return { body: await encode(reference, quality), quality, score: undefined, tried: [] };
  }
  const target = AUTO_QUALITY_TARGETS[job.level];
  const range = AUTO_QUALITY_RANGES[format];
  const tiles = Math.min(MAX_TILES, Math.max(MIN_TILES, Math.ceil((reference.width * reference.height) / SAMPLE_SHARE / TILE ** 2)));
  // A sample worth less than half the encoding work of the whole image buys nothing: search whole.
  const wholeTiles = Math.floor(reference.width / TILE) * Math.floor(reference.height / TILE);
  const sample = wholeTiles <= 2 * tiles ? reference : tileSample(reference, tiles);
  const whole = sample === reference;
  const samplePlane = scoringPlane(sample, background);
  const kept = new Map<number, Uint8Array>();
  const { quality, tried } = await searchQuality(range, whole ? target : target + SAMPLE_MARGIN, async (q) => {
    const body = await encode(sample, q);
    const plane = await decodedPlane(body, background, seconds());
    const score = whole ? ssim(samplePlane.data, plane.data, plane.width, plane.height) : tiledSsim(samplePlane, plane, TILE / 2);
    if (whole) kept.set(q, body);
    return { bytes: body.byteLength, score };
  });
  if (whole) return { body: kept.get(quality) ?? (await encode(reference, quality)), quality, score: tried.find((c) => c.quality === quality)?.score, tried };

  const fullPlane = scoringPlane(reference, background);
  const checked: Candidate[] = [];
  for (let q = quality; ; ) {
    const body = await encode(reference, q);
    const score = await scoreEncoded(fullPlane, body, background, seconds());
    checked.push({ quality: q, bytes: body.byteLength, score });
    if (score >= target || q >= range.max || checked.length > MAX_CORRECTIONS) return { body, quality: q, score, tried };
    // Aimed past the target by the sample's margin: AVIF's score climbs in uneven steps.
    const deficit = target + SAMPLE_MARGIN - score;
    q = Math.min(range.max, q + Math.max(MIN_CORRECTION, Math.ceil(deficit / slopeAt(q, checked.length > 1 ? checked : tried))));
  }
}

/** Score gained per quality step near `quality`, from the two encodes nearest to it. */
function slopeAt(quality: number, encodes: readonly Candidate[]): number {
  const [a, b] = [...encodes].sort((x, y) => Math.abs(x.quality - quality) - Math.abs(y.quality - quality));
  const slope = a && b && a.quality !== b.quality ? (b.score - a.score) / (b.quality - a.quality) : 0;
  // A flat or noisy stretch says little: assume the corpus's typical 0.0005 per step at least.
  return Math.max(slope, 0.0005);
}
