import { describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { AppError } from '../../src/core/errors';
import { LIMITS } from '../../src/core/limits';
import { secondsLeft, transformSeconds } from '../../src/core/transform/deadline';
import { executePlan } from '../../src/core/transform/execute';
import { parseTransform } from '../../src/core/transform/parse';
import { planTransform } from '../../src/core/transform/plan';
import { findTrimBox } from '../../src/core/transform/trim-box';

const LATER = () => Date.now() + 60_000;

/** White with a block of colour: the border trim should find. */
async function framed(width: number, height: number, block: { left: number; top: number; width: number; height: number }) {
  const patch = await sharp({ create: { width: block.width, height: block.height, channels: 3, background: '#336699' } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite([{ input: patch, left: block.left, top: block.top }]).png({ compressionLevel: 1 }).toBuffer();
}

describe('trim is bounded by LIMITS.trimAnalysisPixels', () => {
  test('a larger image is searched on a shrunk copy: the content is kept whole, at most a shrink factor of border stays', async () => {
    const [width, height] = [2800, 1800];
    expect(width * height).toBeGreaterThan(LIMITS.trimAnalysisPixels);
    const block = { left: 401, top: 303, width: 1601, height: 1001 };
    const input = await framed(width, height, block);
    const box = await findTrimBox(sharp(input), { width, height }, 10, LATER());
    const slack = Math.ceil(Math.sqrt((width * height) / LIMITS.trimAnalysisPixels)) + 1;
    expect(box.left).toBeLessThanOrEqual(block.left);
    expect(box.top).toBeLessThanOrEqual(block.top);
    expect(box.left + box.width).toBeGreaterThanOrEqual(block.left + block.width);
    expect(box.top + box.height).toBeGreaterThanOrEqual(block.top + block.height);
    expect(block.left - box.left).toBeLessThanOrEqual(slack);
    expect(box.width - block.width).toBeLessThanOrEqual(2 * slack);
    expect(box.height - block.height).toBeLessThanOrEqual(2 * slack);
  });

  test('through the executor, with a region first and w referring to the trimmed image', async () => {
    const input = new Uint8Array(await framed(2800, 1800, { left: 401, top: 303, width: 1601, height: 1001 }));
    const source = { width: 2800, height: 1800 };
    const run = async (transform: string) => sharp(await executePlan(input, source, planTransform(parseTransform(transform), source, 'png'), { maxPixels: 100_000_000, timeoutSeconds: 60 })).metadata();
    const trimmed = await run('cr_1:1:2799:1799,trim_10');
    expect(trimmed.width! - 1601).toBeWithin(0, 5);
    expect(trimmed.height! - 1001).toBeWithin(0, 5);
    expect((await run('trim_10,w_400')).width).toBe(400);
  });
});

describe('sharpen is bounded by LIMITS.sharpenOutputPixels', () => {
  const huge = { width: 10000, height: 10000 };
  const plan = (transform: string) => planTransform(parseTransform(transform), huge, 'jpeg');

  test('a larger output is refused with 422 before any work, naming the bound', () => {
    const error = (() => {
      try {
        plan('w_8192,h_8192,c_fill,sharpen_1');
      } catch (e) {
        return e;
      }
    })();
    expect([error instanceof AppError, (error as AppError).status, (error as AppError).code]).toEqual([true, 422, 'limit_exceeded']);
    expect((error as AppError).message).toContain('4096×4096');
    expect(() => plan('sharpen_50')).toThrow('10000×10000'); // no resize: the source's size
    expect(() => plan('w_2048,dpr_4,sharpen_50')).toThrow(AppError); // dpr counts
  });

  test('up to it, and blur at any output size, are planned', () => {
    expect(plan('w_4096,h_4096,c_fill,sharpen_100').sharpen).toBe(100);
    expect(plan('w_8192,h_8192,c_fill,blur_100').blur).toBe(100);
    expect(plan('w_8192,h_8192,c_fill,sharpen_1,cr_0:0:4096:4096').sharpen).toBe(1); // the region bounds the output
  });
});

describe('one deadline for every pass', () => {
  test('whole seconds left, and a spent deadline is 503 overloaded', () => {
    expect(secondsLeft(Date.now() + 9_500)).toBe(10);
    const error = (() => {
      try {
        return secondsLeft(Date.now() - 1);
      } catch (e) {
        return e;
      }
    })();
    expect([error instanceof AppError, (error as AppError).status, (error as AppError).code]).toEqual([true, 503, 'overloaded']);
  });

  test("trim's own pass starts only within the deadline", async () => {
    const input = await framed(40, 30, { left: 5, top: 5, width: 20, height: 10 });
    await expect(findTrimBox(sharp(input), { width: 40, height: 30 }, 10, Date.now() - 1)).rejects.toMatchObject({ code: 'overloaded' });
    expect(await findTrimBox(sharp(input), { width: 40, height: 30 }, 10, LATER())).toEqual({ left: 5, top: 5, width: 20, height: 10 });
  });
});

describe('an animation gets one deadline per 10 MP of frames, at most ten', () => {
  const plan = (transform: string, source: { width: number; height: number; frames: number }) => planTransform(parseTransform(transform), source, transform.includes('f_gif') ? 'gif' : 'webp');
  const pan = { width: 480, height: 270, frames: 300 };

  test('a still, a chosen frame and a JPEG of an animation keep the configured deadline', () => {
    const still = { width: 6000, height: 4000, frames: 1 };
    expect(transformSeconds(10, plan('w_600', still), still)).toBe(10);
    expect(transformSeconds(10, plan('fr_3,w_600', pan), pan)).toBe(10);
    expect(transformSeconds(10, planTransform(parseTransform('w_600'), pan, 'jpeg'), pan)).toBe(10);
  });

  test('300 frames of 480×270 (38.9 MP of frames) get four; the larger of source and output frame counts', () => {
    expect(transformSeconds(10, plan('w_240,f_gif', pan), pan)).toBe(40);
    const small = { width: 48, height: 27, frames: 10 };
    expect(transformSeconds(10, plan('w_48', small), small)).toBe(10);
    const svgLike = { width: 100, height: 100, frames: 300 };
    // Animated sources are never enlarged, so the source frame is the larger here: 3 MP, one deadline.
    expect(transformSeconds(10, plan('w_2000', svgLike), svgLike)).toBe(10);
  });

  test('never more than ten, whatever the frames', () => {
    const huge = { width: 1000, height: 1000, frames: 300 };
    expect(transformSeconds(7, plan('w_1000', huge), huge)).toBe(70);
  });
});

