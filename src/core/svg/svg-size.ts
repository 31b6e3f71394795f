import { AppError } from '../errors';

/** Pixels per unit at CSS's 96 dpi, the resolution resvg and librsvg both assume. */
const PX_PER_UNIT: Record<string, number> = { '': 1, px: 1, pt: 96 / 72, pc: 16, mm: 96 / 25.4, cm: 96 / 2.54, in: 96 };

/** The largest side libvips (and so every later step) will take. */
export const MAX_SVG_SIDE = 16383;

export interface ViewBox {
  readonly minX: number;
  readonly minY: number;
  readonly width: number;
  readonly height: number;
}

export interface SvgSize {
  /** Whole pixels, as stored and as the sanitized root says. */
  readonly width: number;
  readonly height: number;
  /** The document's viewBox, or one drawn from its unrounded size so rounding scales rather than crops. */
  readonly viewBox: ViewBox;
}

const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const LENGTH = new RegExp(String.raw`^\s*(${NUMBER})\s*(px|pt|pc|mm|cm|in|em|ex|%)?\s*$`);
const NUMBER_ONLY = new RegExp(`^${NUMBER}$`);

/**
 * An absolute length in px. Null for what has no absolute size here (missing, %, em, auto,
 * garbage): the viewBox decides then, as it does for resvg.
 */
export function parseAbsoluteLength(value: string | null): number | null {
  if (value === null) return null;
  const match = LENGTH.exec(value);
  if (!match) return null;
  const factor = PX_PER_UNIT[(match[2] ?? '').toLowerCase()];
  if (factor === undefined) return null;
  return Number(match[1]) * factor;
}

/** `min-x min-y width height`, separated by whitespace and/or commas; null unless all four are finite and the size positive. */
export function parseViewBox(value: string | null): ViewBox | null {
  if (value === null) return null;
  const parts = value.trim().split(/\s*,\s*|\s+/);
  if (parts.length !== 4 || !parts.every((p) => NUMBER_ONLY.test(p))) return null;
  const [minX, minY, width, height] = parts.map(Number) as [number, number, number, number];
  if (![minX, minY, width, height].every(Number.isFinite) || width <= 0 || height <= 0) return null;
  return { minX, minY, width, height };
}

const noSize = () => new AppError('unsupported_media_type', 'SVG has no size (width/height or viewBox)');

/**
 * The root's size in pixels: absolute width/height first, a missing one from the viewBox's
 * aspect, both from the viewBox when neither is absolute.
 */
export function svgSize(widthAttr: string | null, heightAttr: string | null, viewBoxAttr: string | null): SvgSize {
  const viewBox = parseViewBox(viewBoxAttr);
  let width = parseAbsoluteLength(widthAttr);
  let height = parseAbsoluteLength(heightAttr);
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    if (value !== null && !(value > 0 && Number.isFinite(value))) {
      throw new AppError('unsupported_media_type', `SVG ${name} must be a positive length; it is "${name === 'width' ? widthAttr : heightAttr}"`);
    }
  }
  if (width === null && height === null) {
    if (!viewBox) throw noSize();
    [width, height] = [viewBox.width, viewBox.height];
  } else if (width === null) {
    if (!viewBox) throw noSize();
    width = (height! * viewBox.width) / viewBox.height;
  } else if (height === null) {
    if (!viewBox) throw noSize();
    height = (width * viewBox.height) / viewBox.width;
  }
  const w = Math.max(1, Math.round(width));
  const h = Math.max(1, Math.round(height!));
  if (!Number.isFinite(width) || !Number.isFinite(height!) || w > MAX_SVG_SIDE || h > MAX_SVG_SIDE) {
    throw new AppError('limit_exceeded', `SVG is ${Math.round(width)}×${Math.round(height!)} pixels; at most ${MAX_SVG_SIDE} pixels a side are allowed`);
  }
  return { width: w, height: h, viewBox: viewBox ?? { minX: 0, minY: 0, width, height: height! } };
}
