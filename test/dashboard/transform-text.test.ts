import { expect, test } from 'bun:test';
import { canonicalize } from '../../src/core/transform/parse';
import { OPS } from '../../src/core/transform/registry';
import { CONTROL_GROUPS } from '../../src/dashboard/transform-controls';
import { segmentValues, withSegment } from '../../src/dashboard/transform-text';

// The playground's string and controls: which keys a string sets, and one key written back.

test('every key of the registry has a control in the playground, but exp (the URL expiry, chosen beside the URL)', () => {
  const controlled: string[] = CONTROL_GROUPS.flatMap((g) => g.controls.map((c) => c.key as string)).sort();
  expect(controlled).toEqual(OPS.map((op) => op.key as string).filter((key) => key !== 'exp').sort());
});

test.each([
  ['', {}, {}],
  ['w_300,f_jpg,q_auto:good,dpr_2.0', { w: '300', f: 'jpg', q: 'auto:good', dpr: '2.0' }, { w: '300', f: 'jpeg', q: 'auto', dpr: '2' }],
  // A bad or half-typed segment: shown as typed, the rest still read.
  ['w_12,g_up,h_', { w: '12', g: 'up', h: '' }, { w: '12' }],
  // A repeated key: the first counts (the server refuses the whole).
  ['w_10,w_20', { w: '10' }, { w: '10' }],
  ['b_FF000080,cr_0:0:10:10,nonsense', { b: 'FF000080', cr: '0:0:10:10' }, { b: 'ff000080', cr: '0:0:10:10' }],
] as const)('segmentValues(%p)', (text, typed, parsed) => {
  expect(segmentValues(text)).toEqual({ typed, parsed });
});

test.each([
  ['w_800,f_webp', 'w', '200', 'w_200,f_webp'],
  ['w_800,f_webp', 'h', '100', 'w_800,h_100,f_webp'],
  ['w_800,f_webp', 'sharpen', '5', 'w_800,f_webp,sharpen_5'],
  ['', 'q', 'auto', 'q_auto'],
  ['f_png', 'w', '50', 'w_50,f_png'],
  ['w_800,f_webp', 'w', null, 'f_webp'],
  ['w_800', 'w', null, ''],
  // What is typed elsewhere stays as typed, in its place.
  ['f_jpg,w_10,g_up', 'a', '90', 'f_jpg,w_10,g_up,a_90'],
  ['f_jpg,w_10', 'f', 'png', 'f_png,w_10'],
] as const)('withSegment(%p, %p, %p)', (text, key, value, expected) => {
  expect(withSegment(text, key, value)).toBe(expected);
});

test('a string built with the controls alone is already in canonical form', () => {
  let text = '';
  for (const [key, value] of [['e', 'grayscale'], ['f', 'png'], ['w', '10'], ['blur', '3'], ['c', 'cover'], ['h', '5'], ['a', '90']] as const) {
    text = withSegment(text, key, value);
  }
  expect(text).toBe(canonicalize(text));
});
