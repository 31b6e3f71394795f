import { describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { AppError } from '../../src/core/errors';
import { executePlan } from '../../src/core/transform/execute';
import { STAGES } from '../../src/core/transform/ops/op';
import { canonicalize, parseTransform } from '../../src/core/transform/parse';
import { planTransform, variantKey, type SourceInfo } from '../../src/core/transform/plan';
import { OPS } from '../../src/core/transform/registry';
import type { OutputFormat } from '../../src/core/transform/types';

const LIMITS = { maxPixels: 100_000_000, timeoutSeconds: 10 };

async function run(input: Uint8Array, transform: string, format: OutputFormat = 'png', focalPoint: SourceInfo['focalPoint'] = null) {
  const { width, height } = await sharp(input).metadata();
  const source = { width: width!, height: height!, focalPoint };
  const output = await executePlan(input, source, planTransform(parseTransform(transform), source, format), LIMITS);
  const { data, info } = await sharp(output).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4));
  return { width: info.width, height: info.height, at, data, info, format: (await sharp(output).metadata()).format };
}

const solid = (width: number, height: number, color: string) =>
  sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer().then((b) => new Uint8Array(b));

/** A canvas of `background` with a `color` block at (left, top). */
async function withBlock(width: number, height: number, background: string, block: { left: number; top: number; width: number; height: number; color: string }) {
  const patch = await sharp({ create: { width: block.width, height: block.height, channels: 3, background: block.color } }).png().toBuffer();
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background } }).composite([{ input: patch, left: block.left, top: block.top }]).png().toBuffer());
}

/** Left half red, right half blue. */
const halves = (width: number, height: number) => withBlock(width, height, '#0000ff', { left: 0, top: 0, width: width / 2, height, color: '#ff0000' });

/** Variance of a 3×3 Laplacian over the grey image: high-frequency energy. */
async function laplacianVariance(bytes: Uint8Array): Promise<number> {
  const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  const values: number[] = [];
  for (let y = 1; y < info.height - 1; y++) {
    for (let x = 1; x < info.width - 1; x++) {
      const i = y * info.width + x;
      values.push(4 * data[i]! - data[i - 1]! - data[i + 1]! - data[i - info.width]! - data[i + info.width]!);
    }
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
}

describe('grammar of the new keys', () => {
  const valid: [string, string][] = [
    ['e_grayscale,sharpen_5,blur_3,b_FF0000,trim_10,flip_hv,a_90,cr_0:0:10:20,g_auto,w_100', 'w_100,g_auto,cr_0:0:10:20,a_90,flip_hv,trim_10,b_ff0000,blur_3,sharpen_5,e_grayscale'],
    ['g_center,c_cover,h_50,w_50', 'w_50,h_50,c_cover,g_center'],
    ['g_north_east', 'g_north_east'],
    ['g_focus', 'g_focus'],
    ['b_00000080', 'b_00000080'],
    ['a_180', 'a_180'],
    ['flip_v', 'flip_v'],
    ['blur_100,sharpen_1', 'blur_100,sharpen_1'],
    ['exp_1900000000,fr_2,w_10', 'w_10,fr_2,exp_1900000000'],
    ['exp_253402300799', 'exp_253402300799'],
  ];
  for (const [input, canonical] of valid) test(`"${input}" → "${canonical}"`, () => expect(canonicalize(input)).toBe(canonical));

  const invalid = ['g_up', 'a_45', 'a_0', 'b_red', 'b_fff', 'b_ff00001', 'cr_0:0:0:0', 'cr_1:2:3', 'cr_-1:0:5:5', 'cr_01:0:5:5', 'blur_0', 'blur_101', 'sharpen_101', 'sharpen_0', 'e_sepia', 'flip_x', 'trim_0', 'trim_101', 'g_', 'fr_0', 'fr_01', 'fr_-1', 'fr_x', 'exp_0', 'exp_01', 'exp_-1', 'exp_1.5', 'exp_1e9', 'exp_253402300800', 'exp_'];
  for (const segment of invalid) {
    test(`"${segment}" → 400 naming it`, () => {
      const error = (() => {
        try {
          parseTransform(`w_10,${segment}`);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).message).toContain(`"${segment}"`);
    });
  }

  test('every key of the registry has documentation and a canonical round trip', () => {
    expect(OPS.map((op) => op.key)).toEqual(['w', 'h', 'c', 'f', 'q', 'dpr', 'g', 'cr', 'a', 'flip', 'trim', 'b', 'blur', 'sharpen', 'e', 'fr', 'exp']);
    for (const op of OPS) expect([op.key, op.doc.meaning.length > 3, op.doc.values.length > 0]).toEqual([op.key, true, true]);
    // A stage the executor does not run would drop the key silently.
    // Only exp acts in no stage: delivery reads it, and no pixel depends on it.
    expect(OPS.filter((op) => op.stage === null).map((op) => op.key)).toEqual(['exp']);
    for (const op of OPS) if (op.stage !== null) expect([op.key, STAGES.includes(op.stage)]).toEqual([op.key, true]);
  });
});

describe('variant keys', () => {
  const source = { width: 1200, height: 800 };
  const key = (input: string, focalPoint: SourceInfo['focalPoint'] = null) => variantKey(planTransform(parseTransform(input), { ...source, focalPoint }, 'webp'));

  test('transforms that existed before keep their cache key (old variants stay valid)', () => {
    expect([key('w_600'), key('w_600,h_600,c_cover'), key('w_2400,h_1200,c_contain,q_70')]).toEqual([
      '600x400-scale-q80.webp',
      '600x600-cover-q80.webp',
      '1600x800-contain-q70.webp',
    ]);
  });

  test('every new key that changes pixels changes the key; no-ops do not', () => {
    const base = key('w_600,h_600,c_cover');
    const changed = ['g_north', 'g_auto', 'cr_0:0:600:600', 'a_90', 'flip_h', 'trim_10', 'b_ff0000', 'blur_2', 'sharpen_2', 'e_grayscale', 'fr_1'].map((extra) => key(`w_600,h_600,c_cover,${extra}`));
    expect(new Set([base, ...changed]).size).toBe(changed.length + 1);
    expect(key('w_600,g_north')).toBe(key('w_600')); // a plain scale has nothing to anchor
    expect(key('w_600,h_600,c_cover,g_center')).toBe(base);
    expect(key('w_600,h_600,c_cover', { x: 0.1, y: 0.5 })).not.toBe(base);
    expect(key('w_600,h_600,c_cover,g_center', { x: 0.1, y: 0.5 })).toBe(base); // an explicit g_center wins
  });

  test('exp changes no variant key: every expiry of a transform shares one file', () => {
    expect(key('w_600,h_600,c_cover,exp_1900000000')).toBe(key('w_600,h_600,c_cover'));
    expect(key('w_600,exp_1900000001')).toBe(key('w_600,exp_1900000000'));
  });

  test('a region outside the image is 400; one hanging over its edge is clipped', () => {
    expect(() => planTransform(parseTransform('cr_1300:0:10:10'), source, 'png')).toThrow(/outside/);
    expect(planTransform(parseTransform('cr_1100:700:500:500'), source, 'png')).toMatchObject({ width: 100, height: 100 });
  });
});

describe('what a person sees', () => {
  test('g_auto keeps a salient object near the left edge that g_center cuts away', async () => {
    const image = await withBlock(400, 200, '#808080', { left: 10, top: 70, width: 60, height: 60, color: '#ff00ff' });
    const magenta = (r: { width: number; height: number; at: (x: number, y: number) => number[] }) => {
      let count = 0;
      for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) {
        const [red, green, blue] = r.at(x, y);
        if (red! > 200 && green! < 60 && blue! > 200) count++;
      }
      return count;
    };
    const auto = await run(image, 'w_100,h_200,c_cover,g_auto');
    const center = await run(image, 'w_100,h_200,c_cover');
    expect([auto.width, auto.height]).toEqual([100, 200]);
    expect(magenta(auto)).toBeGreaterThan(1000);
    expect(magenta(center)).toBe(0);
  });

  test('a focal point on the left keeps the left band; g_center still centres', async () => {
    const image = await withBlock(400, 200, '#0000ff', { left: 0, top: 0, width: 60, height: 200, color: '#ff0000' });
    const focused = await run(image, 'w_100,h_200,c_cover', 'png', { x: 0.05, y: 0.5 });
    expect(focused.at(10, 100).slice(0, 3)).toEqual([255, 0, 0]);
    const centred = await run(image, 'w_100,h_200,c_cover,g_center', 'png', { x: 0.05, y: 0.5 });
    expect(centred.at(10, 100).slice(0, 3)).toEqual([0, 0, 255]);
  });

  test('a_90 swaps the sides and turns the image clockwise; flip_h mirrors', async () => {
    const image = await halves(200, 100);
    const turned = await run(image, 'a_90');
    expect([turned.width, turned.height]).toEqual([100, 200]);
    // Clockwise: the red left half goes to the top.
    expect([turned.at(50, 20).slice(0, 3), turned.at(50, 180).slice(0, 3)]).toEqual([[255, 0, 0], [0, 0, 255]]);
    const mirrored = await run(image, 'flip_h');
    expect([mirrored.at(20, 50).slice(0, 3), mirrored.at(180, 50).slice(0, 3)]).toEqual([[0, 0, 255], [255, 0, 0]]);
    const sized = await run(image, 'a_90,w_50');
    expect([sized.width, sized.height]).toEqual([50, 100]); // w refers to the rotated image
  });

  test('c_contain,b_ff0000 pads with red in a JPEG; an opaque b flattens alpha', async () => {
    const padded = await run(await solid(200, 100, '#00ff00'), 'w_100,h_100,c_contain,b_ff0000', 'jpeg');
    expect(padded.format).toBe('jpeg');
    const [r, g, b] = padded.at(50, 5);
    expect([r! > 230, g! < 30, b! < 30]).toEqual([true, true, true]);
    const translucent = new Uint8Array(await sharp({ create: { width: 20, height: 20, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer());
    expect((await run(translucent, 'b_0000ff', 'png')).at(5, 5)).toEqual([0, 0, 255, 255]);
  });

  test('trim removes a uniform border; cr gives the region', async () => {
    const framed = await withBlock(300, 200, '#ffffff', { left: 50, top: 40, width: 120, height: 80, color: '#336699' });
    const trimmed = await run(framed, 'trim_10');
    expect([trimmed.width, trimmed.height]).toEqual([120, 80]);
    expect((await run(framed, 'trim_10,w_60')).width).toBe(60); // w refers to the trimmed image
    const regionThenTrim = await run(framed, 'cr_0:0:200:200,trim_10');
    expect([regionThenTrim.width, regionThenTrim.height]).toEqual([120, 80]); // the region first, then its border
    const region = await run(framed, 'cr_50:40:120:80');
    expect([region.width, region.height, region.at(0, 0).slice(0, 3)]).toEqual([120, 80, [0x33, 0x66, 0x99]]);
  });

  test('blur lowers and sharpen raises high-frequency energy; e_grayscale gives R=G=B', async () => {
    const noisy = new Uint8Array(await sharp(Buffer.from(Array.from({ length: 128 * 128 * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width: 128, height: 128, channels: 3 } }).blur(1.2).png().toBuffer());
    const plain = await laplacianVariance(noisy);
    const blurred = await laplacianVariance(new Uint8Array(await sharp((await run(noisy, 'blur_4')).data, { raw: (await run(noisy, 'blur_4')).info }).png().toBuffer()));
    const sharpened = await laplacianVariance(new Uint8Array(await sharp((await run(noisy, 'sharpen_40')).data, { raw: (await run(noisy, 'sharpen_40')).info }).png().toBuffer()));
    expect(blurred).toBeLessThan(plain * 0.5);
    expect(sharpened).toBeGreaterThan(plain * 1.2);
    const grey = await run(await halves(40, 20), 'e_grayscale');
    for (const [x, y] of [[5, 5], [35, 15]] as const) {
      const [r, g, b] = grey.at(x, y);
      expect([r === g, g === b]).toEqual([true, true]);
    }
  });
});

test('every variant key is a safe blob key name', () => {
  const plan = planTransform(parseTransform('w_40,h_40,c_fill,q_70,g_north,cr_0:0:200:100,a_90,flip_hv,trim_5,b_ffffff80,blur_1,sharpen_5,e_grayscale'), { width: 300, height: 200 }, 'png');
  const focused = planTransform(parseTransform('w_40,h_40,c_fill'), { width: 300, height: 200, focalPoint: { x: 0.25, y: 0.75 } }, 'webp');
  for (const key of [variantKey(plan), variantKey(focused)]) expect(key).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9_.,-]*$/);
});
