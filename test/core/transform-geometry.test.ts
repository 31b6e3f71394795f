import { describe, expect, test } from 'bun:test';
import sharp, { type Sharp } from 'sharp';
import { turned } from '../../src/core/transform/area';
import { executePlan } from '../../src/core/transform/execute';
import { parseTransform } from '../../src/core/transform/parse';
import { planTransform } from '../../src/core/transform/plan';

const [W, H] = [90, 60];
/** A white frame (for trim) around a two-way gradient: every place has its own colour. */
async function source(): Promise<Uint8Array> {
  const data = Buffer.alloc(W * H * 3, 255);
  for (let y = 6; y < H - 6; y++) for (let x = 6; x < W - 6; x++) data.set([x * 2, y * 3, 60], (y * W + x) * 3);
  return new Uint8Array(await sharp(data, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer());
}

const rawOf = async (pipeline: Sharp) => {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
};

/** Each step on its own, materialized between steps, in the documented order. */
async function stepByStep(input: Uint8Array, region: [number, number, number, number] | null, trim: boolean, angle: 90 | 180 | 270 | null, flip: 'h' | 'v' | 'hv' | null, width: number | null) {
  let image = sharp(input);
  if (region) image = await rawOf(image.extract({ left: region[0], top: region[1], width: region[2], height: region[3] }));
  if (trim) image = await rawOf(image.trim({ threshold: 10 }));
  if (flip === 'h' || flip === 'hv') image = await rawOf(image.flop());
  if (flip === 'v' || flip === 'hv') image = await rawOf(image.flip());
  if (angle) image = await rawOf(image.rotate(angle));
  if (width) image = await rawOf(image.resize({ width }));
  return image.raw().toBuffer({ resolveWithObject: true });
}

describe('cr and trim with a and flip, resized or not', () => {
  const cases: [string, [number, number, number, number] | null, boolean, 90 | 180 | 270 | null, 'h' | 'v' | 'hv' | null][] = [];
  for (const angle of [null, 90, 180, 270] as const) {
    for (const flip of [null, 'h', 'v', 'hv'] as const) {
      const turn = `${angle ? `,a_${angle}` : ''}${flip ? `,flip_${flip}` : ''}`;
      cases.push([`cr_10:4:50:40${turn}`, [10, 4, 50, 40], false, angle, flip]);
      cases.push([`trim_10${turn}`, null, true, angle, flip]);
      cases.push([`cr_0:0:70:50,trim_10${turn}`, [0, 0, 70, 50], true, angle, flip]);
    }
  }
  for (const [transform, region, trim, angle, flip] of cases) {
    for (const width of [null, 20]) {
      const full = width ? `${transform},w_${width}` : transform;
      test(`${full}: the same pixels as each step on its own`, async () => {
        const input = await source();
        const plan = planTransform(parseTransform(full), { width: W, height: H }, 'png');
        const ours = await sharp(await executePlan(input, { width: W, height: H }, plan, { maxPixels: 1e8, timeoutSeconds: 30 })).raw().toBuffer({ resolveWithObject: true });
        const expected = await stepByStep(input, region, trim, angle, flip, width);
        expect([ours.info.width, ours.info.height]).toEqual([expected.info.width, expected.info.height]);
        let difference = 0;
        for (let i = 0; i < ours.data.length; i++) difference += Math.abs(ours.data[i]! - expected.data[i]!);
        expect(difference / ours.data.length).toBeLessThan(width ? 3 : 0.01);
      });
    }
  }
});

test('a box turned with its image', () => {
  const box = { left: 10, top: 4, width: 50, height: 40 };
  const frame = { width: 90, height: 60 };
  expect(turned(box, frame, null, null)).toEqual(box);
  expect(turned(box, frame, 90, null)).toEqual({ left: 16, top: 10, width: 40, height: 50 });
  expect(turned(box, frame, 180, null)).toEqual({ left: 30, top: 16, width: 50, height: 40 });
  expect(turned(box, frame, 270, null)).toEqual({ left: 4, top: 30, width: 40, height: 50 });
  expect(turned(box, frame, null, 'hv')).toEqual({ left: 30, top: 16, width: 50, height: 40 });
});
