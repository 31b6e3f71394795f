import { describe, expect, test } from 'bun:test';
import { MAX_SVG_RENDER_PIXELS, renderScale, renderSize } from '../../src/core/source-input';
import { parseTransform } from '../../src/core/transform/parse';
import { planTransform } from '../../src/core/transform/plan';

// How large a vector source is drawn before the raster pipeline: as large as the output needs
// from the part kept, never more than the pixel limits or 16383 a side.

const LOGO = { width: 100, height: 50, vector: true };
const scaleOf = (transform: string, image = LOGO, maxPixels = 100_000_000) =>
  renderScale(image, planTransform(parseTransform(transform), image, 'png'), maxPixels);

describe('renderScale', () => {
  test('drawn at the output size: w_2000 of a 100 px logo is 20×; a smaller output is drawn small', () => {
    expect(scaleOf('w_2000')).toBe(20);
    expect(scaleOf('w_50')).toBe(0.5);
    expect(scaleOf('')).toBe(1);
  });

  test('a crop is drawn so the kept part covers the output (cr in the SVG’s own units)', () => {
    expect(scaleOf('cr_0:0:25:25,w_500')).toBe(20);
    // Turned a quarter, the 100 px side becomes the height.
    expect(scaleOf('a_90,h_1000')).toBe(10);
  });

  test('bounded by the pixel limit, by the render cap and by 16383 a side', () => {
    const dot = { width: 1, height: 1, vector: true };
    expect(scaleOf('w_8192', dot, 1_000_000)).toBe(1000);
    const capped = renderSize(dot, planTransform(parseTransform('w_8192'), dot, 'png'), 100_000_000);
    expect(capped.width * capped.height).toBeLessThanOrEqual(MAX_SVG_RENDER_PIXELS);
    expect(capped.width).toBeGreaterThan(5000);
    const line = { width: 1000, height: 1, vector: true };
    expect(1000 * scaleOf('w_8192', line)).toBe(8192);
    const tall = { width: 1, height: 2000, vector: true };
    expect(2000 * scaleOf('h_8192', tall)).toBe(8192);
    expect(2000 * scaleOf('h_8192', tall, 10_000)).toBeCloseTo(4472, 0);
  });
});
