import { describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { AppError } from '../../src/core/errors';
import { scoreEncoded, scoringPlane } from '../../src/core/transform/auto-quality';
import { runPlan } from '../../src/core/transform/execute';
import { AUTO_QUALITY_LEVELS } from '../../src/core/transform/ops/quality';
import { canonicalize, parseTransform } from '../../src/core/transform/parse';
import { planTransform, variantKey } from '../../src/core/transform/plan';
import { AUTO_QUALITY_RANGES, AUTO_QUALITY_TARGETS, searchQuality } from '../../src/core/transform/quality-search';
import type { RawImage } from '../../src/core/transform/tile-sample';
import type { OutputFormat } from '../../src/core/transform/types';

const LIMITS = { maxPixels: 100_000_000, timeoutSeconds: 30 };
const WHITE = { r: 255, g: 255, b: 255 };

/** Deterministic noise, so a failing run can be repeated. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An RGB image from a function of the pixel position; lossless PNG so the fixture is exact. */
async function generated(width: number, height: number, rgb: (x: number, y: number) => [number, number, number]) {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(rgb(x, y).map((v) => Math.max(0, Math.min(255, Math.round(v)))), (y * width + x) * 3);
  return new Uint8Array(await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer());
}

const smooth = (width: number, height: number) => generated(width, height, (x, y) => [40 + (170 * x) / width, 60 + (120 * y) / height, 200 - (100 * x) / width]);
/** Fine grey texture (noise softened a little, like foliage or gravel seen from afar). */
const detailed = async (width: number, height: number) => {
  const next = random(7);
  const noisy = await generated(width, height, () => {
    const v = 128 + (next() + next() + next() - 1.5) * 60;
    return [v, v, v];
  });
  return new Uint8Array(await sharp(noisy).blur(0.6).png().toBuffer());
};
/** Photo-like: soft shapes with edges over a gradient, and a little sensor noise. */
const typical = (width: number, height: number) => {
  const next = random(11);
  return generated(width, height, (x, y) => {
    const inDisc = (x - width * 0.35) ** 2 + (y - height * 0.5) ** 2 < (height * 0.3) ** 2;
    const stripes = 30 * Math.sin(x / 7) * Math.sin(y / 11);
    const base = inDisc ? [200, 80, 60] : [60 + (100 * y) / height, 110, 150];
    const grain = (next() - 0.5) * 12;
    return base.map((v, i) => v + (i === 1 ? stripes : stripes / 2) + grain) as [number, number, number];
  });
};

async function encodeWith(input: Uint8Array, transform: string, format: OutputFormat) {
  const { width, height } = await sharp(input).metadata();
  const source = { width: width!, height: height! };
  const plan = planTransform(parseTransform(transform), source, format);
  return runPlan(input, source, plan, LIMITS);
}

/** The score of an output against its source's pixels (the fixtures need no resizing). */
async function scoreOf(input: Uint8Array, body: Uint8Array) {
  const { data, info } = await sharp(input).raw().toBuffer({ resolveWithObject: true });
  const reference: RawImage = { data: new Uint8Array(data), width: info.width, height: info.height, channels: info.channels };
  return scoreEncoded(scoringPlane(reference, WHITE), body, WHITE);
}

describe('q_auto grammar', () => {
  test.each([
    ['q_auto', 'q_auto'],
    ['q_auto:good', 'q_auto'],
    ['q_auto:best', 'q_auto:best'],
    ['q_auto:eco', 'q_auto:eco'],
    ['q_auto:low', 'q_auto:low'],
    ['q_80', 'q_80'],
    ['f_webp,w_300,q_auto:good', 'w_300,f_webp,q_auto'],
  ])('%s → %s', (input, canonical) => {
    expect(canonicalize(input)).toBe(canonical);
  });

  test.each(['q_auto:max', 'q_auto:', 'q_autogood', 'q_auto:Good', 'q_0', 'q_101', 'q_auto:good:x'])('%s is refused naming the segment', (input) => {
    let error: unknown;
    try {
      parseTransform(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).message).toContain(`"${input}"`);
  });

  test('the variant key names the level; each level its own file; PNG stays lossless', () => {
    const source = { width: 800, height: 600 };
    const key = (transform: string, format: OutputFormat = 'webp') => variantKey(planTransform(parseTransform(transform), source, format));
    expect(key('w_400,q_auto')).toBe('400x300-scale-qauto-good.webp');
    expect(key('w_400,q_auto:good')).toBe(key('w_400,q_auto'));
    expect(new Set(AUTO_QUALITY_LEVELS.map((level) => key(`w_400,q_auto:${level}`))).size).toBe(4);
    expect(key('w_400,q_auto')).not.toBe(key('w_400,q_80'));
    expect(key('w_400,q_auto', 'png')).toBe(key('w_400', 'png'));
  });
});

describe('searchQuality', () => {
  // A score rising with quality; the lowest passing quality for target 0.9 is 63.
  const score = (q: number) => Promise.resolve({ bytes: q * 100, score: q >= 63 ? 0.9 + q / 10_000 : 0.5 });

  test('finds the lowest passing quality within two, in at most five encodes', async () => {
    const result = await searchQuality({ min: 30, max: 95 }, 0.9, score);
    expect(result.tried.length).toBeLessThanOrEqual(5);
    expect(result.quality).toBeGreaterThanOrEqual(63);
    expect(result.quality).toBeLessThanOrEqual(65);
    expect(result.tried.find((c) => c.quality === result.quality)!.score).toBeGreaterThanOrEqual(0.9);
  });

  test('nothing passes: the top of the range; everything passes: near the bottom', async () => {
    expect((await searchQuality({ min: 30, max: 95 }, 2, score)).quality).toBe(95);
    expect((await searchQuality({ min: 30, max: 95 }, 0, score)).quality).toBeLessThanOrEqual(32);
  });

  test('of the passing candidates, the cheapest wins even if its quality is higher', async () => {
    const bumpy = (q: number) => Promise.resolve({ bytes: q === 62 ? 5000 : 9000 - q, score: 1 });
    expect((await searchQuality({ min: 30, max: 95 }, 0.5, bumpy)).quality).toBe(62);
  });
});

describe('q_auto on real encoders', () => {
  test.each(['webp', 'jpeg', 'avif'] as const)('%s: a smooth image gets a lower quality than a detailed one', async (format) => {
    const [flat, busy] = await Promise.all([smooth(320, 240), detailed(320, 240)]);
    const low = await encodeWith(flat, 'q_auto', format);
    const high = await encodeWith(busy, 'q_auto', format);
    expect(low.quality!).toBeLessThan(high.quality!);
    expect(low.quality!).toBeGreaterThanOrEqual(AUTO_QUALITY_RANGES[format].min);
    expect(high.quality!).toBeLessThanOrEqual(AUTO_QUALITY_RANGES[format].max);
  });

  test.each(['webp', 'jpeg'] as const)('%s: every level scores at least its target, stricter levels with higher qualities', async (format) => {
    const input = await typical(320, 240);
    let previous = 101;
    for (const level of AUTO_QUALITY_LEVELS) {
      const result = await encodeWith(input, `q_auto:${level}`, format);
      expect(await scoreOf(input, result.body)).toBeGreaterThanOrEqual(AUTO_QUALITY_TARGETS[level]);
      expect(result.quality!).toBeLessThanOrEqual(previous);
      previous = result.quality!;
    }
  });

  test.each(['webp', 'jpeg'] as const)('%s: a large image, searched on a sample of tiles, still reaches the target as a whole', async (format) => {
    const input = await typical(1600, 1200);
    const result = await encodeWith(input, 'q_auto', format);
    const score = await scoreOf(input, result.body);
    expect(score).toBeGreaterThanOrEqual(AUTO_QUALITY_TARGETS.good);
    expect(result.score!).toBeCloseTo(score, 10);
  });

  test.each(['webp', 'jpeg'] as const)('%s: q_auto is smaller than q_80 for a typical image, with the expected size and format', async (format) => {
    const input = await typical(1200, 900);
    const auto = await encodeWith(input, 'w_600,q_auto', format);
    const fixed = await encodeWith(input, 'w_600,q_80', format);
    expect(auto.body.byteLength).toBeLessThan(fixed.body.byteLength);
    expect(fixed.quality).toBe(80);
    const meta = await sharp(auto.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([format, 600, 450]);
  });

  test('PNG ignores q_auto (lossless, no quality); tiny images take the format default', async () => {
    const input = await typical(64, 48);
    expect((await encodeWith(input, 'q_auto', 'png')).quality).toBeUndefined();
    expect((await encodeWith(input, 'w_16,q_auto', 'webp')).quality).toBe(80);
  });
});
