import { describe, expect, test } from 'bun:test';
import { negotiateFormat, resolveOutputFormat } from '../../src/core/transform/format';
import { parseTransform } from '../../src/core/transform/parse';
import { planTransform, variantKey, type TransformPlan } from '../../src/core/transform/plan';

const SOURCE = { width: 1200, height: 800 };

describe('planTransform: exact output size for every fit mode', () => {
  const cases: [string, number, number, TransformPlan['fit']][] = [
    ['', 1200, 800, 'scale'],
    ['w_600', 600, 400, 'scale'],
    ['h_200', 300, 200, 'scale'],
    ['w_5000', 1200, 800, 'scale'], // never enlarge
    ['h_5000', 1200, 800, 'scale'],
    ['w_600,h_600', 600, 400, 'scale'], // fit is the default
    ['w_600,h_600,c_fit', 600, 400, 'scale'],
    ['w_600,h_600,c_inside', 600, 400, 'scale'],
    ['w_600,h_600,c_cover', 600, 600, 'cover'],
    ['w_600,h_600,c_fill', 600, 600, 'cover'],
    ['w_600,h_600,c_contain', 600, 600, 'contain'],
    ['w_2400,h_2400,c_fit', 1200, 800, 'scale'],
    // The cover box 2400x1200 would need a 2x upscale: it shrinks by 2 to 1200x600, which the source fills.
    ['w_2400,h_1200,c_cover', 1200, 600, 'cover'],
    ['w_300,dpr_2', 600, 400, 'scale'],
    ['w_300,dpr_1.5', 450, 300, 'scale'],
    ['w_8192,dpr_4', 1200, 800, 'scale'],
    ['w_1,h_1,c_cover', 1, 1, 'cover'],
  ];
  for (const [input, width, height, fit] of cases) {
    test(`"${input}" on 1200x800 → ${width}x${height} ${fit}`, () => {
      const plan = planTransform(parseTransform(input), SOURCE, 'webp');
      expect([plan.width, plan.height, plan.fit]).toEqual([width, height, fit]);
    });
  }

  test('contain shrinks an oversized box to where the source fits without upscaling', () => {
    const plan = planTransform(parseTransform('w_2400,h_2400,c_contain'), SOURCE, 'png');
    expect([plan.width, plan.height]).toEqual([1200, 1200]);
  });

  test('computed sides are at least 1 px for extreme aspect ratios', () => {
    const plan = planTransform(parseTransform('w_10'), { width: 100000, height: 1 }, 'png');
    expect([plan.width, plan.height]).toEqual([10, 1]);
  });

  test('per-format default quality, explicit q wins', () => {
    const q = (input: string, format: 'jpeg' | 'webp' | 'avif' | 'png') => planTransform(parseTransform(input), SOURCE, format).quality;
    expect([q('', 'jpeg'), q('', 'webp'), q('', 'avif'), q('', 'png')]).toEqual([80, 80, 55, undefined]);
    expect(q('q_33', 'webp')).toBe(33);
  });

  test('equivalent transforms share one variant key', () => {
    const key = (input: string) => variantKey(planTransform(parseTransform(input), SOURCE, 'webp'));
    expect(key('w_600')).toBe(key('w_600,dpr_1'));
    expect(key('w_600')).toBe(key('w_300,dpr_2'));
    expect(key('w_600,h_600')).toBe(key('w_600,h_600,c_inside'));
    expect(key('w_600,q_80')).toBe(key('w_600'));
    expect(key('w_600')).not.toBe(key('w_601'));
  });
});

describe('output format', () => {
  const cases: [string | null, boolean, string][] = [
    [null, false, 'webp'],
    ['*/*', false, 'webp'],
    ['image/*', false, 'webp'],
    ['image/avif,image/webp,image/apng,image/*,*/*;q=0.8', false, 'avif'],
    ['image/webp,*/*', false, 'webp'],
    ['image/avif;q=0,image/webp', false, 'webp'],
    ['image/jpeg,image/png', false, 'jpeg'],
    ['image/jpeg,image/png', true, 'png'],
    ['image/png', true, 'png'],
  ];
  for (const [accept, alpha, format] of cases) {
    test(`f_auto with Accept ${accept} (alpha ${alpha}) → ${format}`, () => {
      expect(negotiateFormat(accept, { hasAlpha: alpha, animated: false })).toBe(format as never);
    });
  }

  const still = { hasAlpha: false, animated: false };
  test('f_auto keeps an animation: animated WebP when accepted or unstated, else GIF', () => {
    const animation = { hasAlpha: false, animated: true };
    expect(negotiateFormat('image/avif,image/webp,*/*', animation)).toBe('webp');
    expect(negotiateFormat(null, animation)).toBe('webp');
    expect(negotiateFormat('image/avif,image/png', animation)).toBe('gif');
    expect(negotiateFormat('image/webp;q=0,image/jpeg', animation)).toBe('gif');
  });

  test('without f the extension decides; a concrete f must match it', () => {
    expect(resolveOutputFormat(parseTransform('w_10'), 'jpg', null, still)).toBe('jpeg');
    expect(resolveOutputFormat(parseTransform('f_jpg'), 'jpeg', null, still)).toBe('jpeg');
    expect(resolveOutputFormat(parseTransform('f_gif'), 'gif', null, still)).toBe('gif');
    expect(resolveOutputFormat(parseTransform('f_auto'), 'png', 'image/webp', still)).toBe('webp');
    expect(() => resolveOutputFormat(parseTransform('f_webp'), 'png', null, still)).toThrow(/does not match/);
    expect(() => resolveOutputFormat(parseTransform(''), 'bmp', null, still)).toThrow(/Unsupported extension/);
  });
});
