import { describe, expect, test } from 'bun:test';
import { AppError } from '../../src/core/errors';
import { canonicalize, parseTransform } from '../../src/core/transform/parse';

describe('parseTransform: valid input and its canonical form', () => {
  const cases: [string, object, string][] = [
    ['', {}, ''],
    ['w_600', { w: 600 }, 'w_600'],
    ['h_1', { h: 1 }, 'h_1'],
    ['w_8192,h_8192', { w: 8192, h: 8192 }, 'w_8192,h_8192'],
    ['q_80,w_600,f_webp', { w: 600, f: 'webp', q: 80 }, 'w_600,f_webp,q_80'],
    ['dpr_2.0,w_100', { w: 100, dpr: 2 }, 'w_100,dpr_2'],
    ['dpr_1.5', { dpr: 1.5 }, 'dpr_1.5'],
    ['dpr_1', { dpr: 1 }, 'dpr_1'],
    ['dpr_4', { dpr: 4 }, 'dpr_4'],
    ['dpr_1.250', { dpr: 1.25 }, 'dpr_1.25'],
    ['f_jpg', { f: 'jpeg' }, 'f_jpeg'],
    ['f_jpeg', { f: 'jpeg' }, 'f_jpeg'],
    ['f_png', { f: 'png' }, 'f_png'],
    ['f_avif', { f: 'avif' }, 'f_avif'],
    ['f_auto', { f: 'auto' }, 'f_auto'],
    ['q_1', { q: 1 }, 'q_1'],
    ['q_100', { q: 100 }, 'q_100'],
    ['c_fit', { c: 'fit' }, 'c_fit'],
    ['c_fill', { c: 'fill' }, 'c_fill'],
    ['c_cover', { c: 'cover' }, 'c_cover'],
    ['c_contain', { c: 'contain' }, 'c_contain'],
    ['c_inside', { c: 'inside' }, 'c_inside'],
    ['dpr_2,q_75,f_jpg,c_cover,h_400,w_600', { w: 600, h: 400, c: 'cover', f: 'jpeg', q: 75, dpr: 2 }, 'w_600,h_400,c_cover,f_jpeg,q_75,dpr_2'],
  ];
  for (const [input, parsed, canonical] of cases) {
    test(`"${input}" → "${canonical}"`, () => {
      expect(parseTransform(input)).toEqual(parsed);
      expect(canonicalize(input)).toBe(canonical);
    });
  }
});

describe('parseTransform: every bad segment is a 400 naming it', () => {
  const cases: [string, string][] = [
    ['w_0', 'w_0'],
    ['w_8193', 'w_8193'],
    ['h_0', 'h_0'],
    ['h_9000', 'h_9000'],
    ['w_-5', 'w_-5'],
    ['w_+10', 'w_+10'],
    ['w_010', 'w_010'],
    ['w_1e3', 'w_1e3'],
    ['w_0x64', 'w_0x64'],
    ['w_10.5', 'w_10.5'],
    ['w_Infinity', 'w_Infinity'],
    ['w_', 'w_'],
    ['q_0', 'q_0'],
    ['q_101', 'q_101'],
    ['dpr_0.5', 'dpr_0.5'],
    ['dpr_4.5', 'dpr_4.5'],
    ['dpr_5', 'dpr_5'],
    ['dpr_abc', 'dpr_abc'],
    ['dpr_1.23456', 'dpr_1.23456'],
    ['c_stretch', 'c_stretch'],
    ['f_bmp', 'f_bmp'],
    ['f_JPEG', 'f_JPEG'],
    ['x_1', 'x_1'],
    ['w600', 'w600'],
    ['_600', '_600'],
    ['__proto___1', '__proto___1'],
    ['constructor_1', 'constructor_1'],
    ['w_600,w_700', 'w_700'],
    ['f_jpg,f_jpeg', 'f_jpeg'],
    ['w_600,,h_400', ''],
    ['w_600,', ''],
  ];
  for (const [input, segment] of cases) {
    test(`"${input}" is refused, naming "${segment}"`, () => {
      let error: unknown;
      try {
        parseTransform(input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(400);
      expect((error as AppError).message).toContain(`"${segment}"`);
    });
  }

  test('a transform over 512 characters is refused', () => {
    const long = Array.from({ length: 100 }, () => 'w_600').join(',');
    expect(() => parseTransform(long)).toThrow(/longer than 512/);
  });
});
