import { invalid } from './errors';
import { planTransform, type SourceInfo } from './transform/plan';
import type { Transform } from './transform/registry';
import { MAX_DIMENSION } from './transform/types';

/**
 * Width-set presets: a preset's fixed list of widths that anyone may ask for without a
 * signature (`/t/<client>/preset:<name>/w_<N>/<id>.<ext>`). The list keeps the variants an
 * outsider can make finite (widths × formats), where letting front-ends sign any width would not.
 */
export const PRESET_WIDTHS = { maxCount: 20, min: 16, max: 8192 } as const;

/**
 * Checks widths against the transform they apply to (a width-set preset's, or one signed as a
 * srcset): 1–20 distinct integers from 16 to 8192, returned ascending. Refused too: a `dpr`
 * other than 1 (each width is the pixel width a `w` descriptor names; the browser picks the
 * density), `h` without `w` (there is no box whose aspect a width could keep), and a width at
 * which the box's height would pass 8192 (its aspect could not be kept).
 */
export function validatePresetWidths(widths: readonly unknown[], transform: Transform, owner = 'A width-set preset'): number[] {
  const { maxCount, min, max } = PRESET_WIDTHS;
  if (widths.length < 1 || widths.length > maxCount) throw invalid(`widths must list 1 to ${maxCount} widths; got ${widths.length}`);
  for (const width of widths) {
    if (typeof width !== 'number' || !Number.isInteger(width) || width < min || width > max) {
      throw invalid(`Each width must be an integer from ${min} to ${max}; got ${JSON.stringify(width)}`);
    }
  }
  const sorted = [...new Set(widths as number[])].sort((a, b) => a - b);
  if (sorted.length !== widths.length) throw invalid('widths lists a width more than once');
  if (transform.dpr !== undefined && transform.dpr !== 1) {
    throw invalid(`${owner} cannot have dpr: each width is already the pixel width a srcset names`);
  }
  if (transform.h !== undefined && transform.w === undefined) {
    throw invalid(`${owner} with h needs w too: each width keeps the aspect of the w × h box`);
  }
  const tallest = transformAtWidth(transform, sorted[sorted.length - 1]!).h;
  if (tallest !== undefined && tallest > MAX_DIMENSION) {
    throw invalid(`At w_${sorted[sorted.length - 1]} the box would be ${tallest} px high, over ${MAX_DIMENSION}: use smaller widths`);
  }
  return sorted;
}

/**
 * The transform at one width of the set: `w` becomes the width and `h`, when given, scales
 * with it so the box keeps its aspect (widths are checked so that it stays within 8192).
 */
export function transformAtWidth(transform: Transform, width: number): Transform {
  const { h, ...rest } = transform;
  if (h === undefined || transform.w === undefined) return { ...rest, w: width };
  return { ...rest, w: width, h: Math.max(1, Math.round((h * width) / transform.w)) };
}

/** A width asked of a preset: one of its widths, else 400 naming them. */
export function checkPresetWidth(name: string, widths: readonly number[] | null, width: number): void {
  if (widths === null) throw invalid(`Preset "${name}" has no widths, so its URLs take no w_<N> segment`);
  if (!widths.includes(width)) throw invalid(`Preset "${name}" serves the widths ${widths.join(', ')}; w_${width} is not one of them`);
}

/** `w_<N>`, the one segment a preset URL may carry; null for anything else. */
export function presetWidthSegment(segment: string): number | null {
  const match = /^w_([1-9][0-9]{0,4})$/.exec(segment);
  return match ? Number(match[1]) : null;
}

/** One width of a set and the output it gives: the srcset descriptor is the output's width. */
export interface WidthStep {
  readonly width: number;
  readonly output: { readonly width: number; readonly height: number };
}

/**
 * The widths with the output each gives on this source, ascending. A raster source is never
 * enlarged, so widths past its own give the same pixels as the one before: those add nothing
 * to a srcset and are left out, and no descriptor claims pixels the image does not have.
 */
export function widthSteps(transform: Transform, widths: readonly number[], source: SourceInfo): WidthStep[] {
  const steps: WidthStep[] = [];
  for (const width of widths) {
    const { width: w, height: h } = planTransform(transformAtWidth(transform, width), source, 'jpeg');
    if (steps.length && steps[steps.length - 1]!.output.width === w) continue;
    steps.push({ width, output: { width: w, height: h } });
  }
  return steps;
}
