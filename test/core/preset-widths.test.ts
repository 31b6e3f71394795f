import { describe, expect, test } from 'bun:test';
import { presetWidthSegment, transformAtWidth, validatePresetWidths } from '../../src/core/preset-widths';
import { parseTransform } from '../../src/core/transform/parse';

describe('width-set presets', () => {
  test('w replaced; h scaled with it when both are given', () => {
    expect(transformAtWidth(parseTransform('w_1200,h_800,c_fill,q_70'), 300)).toEqual({ w: 300, h: 200, c: 'fill', q: 70 });
    expect(transformAtWidth(parseTransform('w_1000,h_333'), 16)).toEqual({ w: 16, h: 5 });
    expect(transformAtWidth(parseTransform('w_10,h_1'), 16)).toEqual({ w: 16, h: 2 });
    expect(transformAtWidth(parseTransform('f_avif'), 640)).toEqual({ w: 640, f: 'avif' });
  });

  test('widths: 1–20 distinct integers from 16 to 8192, ascending; no dpr', () => {
    expect(validatePresetWidths([640, 16, 8192], {})).toEqual([16, 640, 8192]);
    expect(validatePresetWidths([320], parseTransform('dpr_1'))).toEqual([320]);
    for (const bad of [[], Array(21).fill(0).map((_, i) => 100 + i), [15], [8193], [1.5], ['16'], [NaN], [Infinity], [320, 320]]) {
      expect(() => validatePresetWidths(bad, {})).toThrow();
    }
    expect(() => validatePresetWidths([320], parseTransform('dpr_2'))).toThrow('A width-set preset cannot have dpr');
    expect(() => validatePresetWidths([320], parseTransform('dpr_2'), 'A srcset')).toThrow('A srcset cannot have dpr');
    // h alone has no box to keep; a box whose height would pass 8192 at the largest width cannot keep its aspect.
    expect(() => validatePresetWidths([320], parseTransform('h_600,f_webp'))).toThrow('needs w');
    expect(validatePresetWidths([819], parseTransform('w_100,h_1000'))).toEqual([819]);
    expect(() => validatePresetWidths([320, 820], parseTransform('w_100,h_1000'))).toThrow('8200 px high');
  });

  test('the URL segment: w_<N> in plain decimal, nothing else', () => {
    expect(presetWidthSegment('w_640')).toBe(640);
    for (const segment of ['w_0640', 'w_0', 'w_640,h_1', 'W_640', 'w_6.4', 'w_', 'w_123456', ' w_640', 'h_640']) expect(presetWidthSegment(segment)).toBeNull();
  });
});
