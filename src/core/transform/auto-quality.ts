import sharp, { type Sharp } from 'sharp';
import { AppError } from '../errors';
import type { AutoQualityLevel } from './ops/quality';
import { DEFAULT_QUALITY } from './plan';
import { AUTO_QUALITY_RANGES, AUTO_QUALITY_TARGETS, searchQuality, type Candidate } from './quality-search';
import { SSIM_WINDOW, halve, luma, ssim, type Plane } from './ssim';
import { TILE, tileSample, type RawImage } from './tile-sample';
import type { OutputFormat } from './types';

/** Candidates are tried on about an eighth of the output, between 16 and 64 tiles (64 K–256 K px). */
const SAMPLE_SHARE = 8;
const MIN_TILES = 16;
const MAX_TILES = 64;

export interface AutoQualityJob {
  /** The finished pixels at the output size, before encoding: the reference every candidate is scored against. */
  readonly reference: RawImage;
  readonly format: Exclude<OutputFormat, 'png'>;
  readonly level: AutoQualityLevel;
  /** What transparent pixels are seen against when scoring (JPEG's flattening colour). */
  readonly background: { r: number; g: number; b: number };
  /** The executor's encoder for the format at a quality. */
  readonly encodeAt: (pipeline: Sharp, quality: number) => Sharp;
  /** Epoch ms by which the whole transform must be done (IMGAPI_TRANSFORM_TIMEOUT_SECONDS). */
  readonly deadline: number;
}

export interface AutoQualityResult {
  readonly body: Uint8Array;
  readonly quality: number;
  readonly tried: readonly Candidate[];
}

const bytesOf = (buffer: Buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);

type Rgb = AutoQualityJob['background'];

/** What the score compares: Rec. 601 luma at half scale (see `ssim.ts`). */
export const scoringPlane = (image: RawImage, background: Rgb): Plane =>
  halve({ data: luma(image.data, image.channels, background), width: image.width, height: image.height });

/** The SSIM of an encoded image against the scoring plane of the pixels it was encoded from. */
export async function scoreEncoded(reference: Plane, body: Uint8Array, background: Rgb, timeoutSeconds = 60): Promise<number> {
  const { data, info } = await sharp(body).raw().timeout({ seconds: timeoutSeconds }).toBuffer({ resolveWithObject: true });
  const candidate = scoringPlane({ data: bytesOf(data), width: info.width, height: info.height, channels: info.channels }, background);
  return ssim(reference.data, candidate.data, reference.width, reference.height);
}

/**
 * Encodes `reference` at the lowest quality whose SSIM against it reaches the level's target:
 * a binary search over the format's range, each candidate encoded, decoded and scored on an
 * evenly spread sample of tiles (the whole image when small, and then the winning candidate is
 * the output), then one encode of the whole image at the chosen quality.
 */
export async function encodeAutoQuality(job: AutoQualityJob): Promise<AutoQualityResult> {
  const { reference, format } = job;
  const seconds = () => {
    const left = job.deadline - Date.now();
    if (left <= 0) throw new AppError('overloaded', 'The transform took too long; retry shortly', { details: { retryAfterSeconds: 1 } });
    return Math.ceil(left / 1000);
  };
  const encode = async (image: RawImage, quality: number) => {
    const raw = { width: image.width, height: image.height, channels: image.channels as 1 | 2 | 3 | 4 };
    return bytesOf(await job.encodeAt(sharp(image.data, { raw }), quality).timeout({ seconds: seconds() }).toBuffer());
  };
  if (reference.width < 2 * SSIM_WINDOW || reference.height < 2 * SSIM_WINDOW) {
    // Nothing to measure on a few pixels: the format's usual quality costs next to nothing here.
    const quality = DEFAULT_QUALITY[format]!;
    return { body: await encode(reference, quality), quality, tried: [] };
  }
  const tiles = Math.min(MAX_TILES, Math.max(MIN_TILES, Math.ceil((reference.width * reference.height) / SAMPLE_SHARE / TILE ** 2)));
  const sample = tileSample(reference, tiles);
  const referencePlane = scoringPlane(sample, job.background);
  const kept = new Map<number, Uint8Array>();
  const { quality, tried } = await searchQuality(AUTO_QUALITY_RANGES[format], AUTO_QUALITY_TARGETS[job.level], async (q) => {
    const body = await encode(sample, q);
    const score = await scoreEncoded(referencePlane, body, job.background, seconds());
    if (sample === reference) kept.set(q, body);
    return { bytes: body.byteLength, score };
  });
  return { body: kept.get(quality) ?? (await encode(reference, quality)), quality, tried };
}
