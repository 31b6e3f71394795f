import { invalid } from './errors';
import { dateBound, rangeOrderMessage } from './date-bounds';
import type { ImageFilters, ImageSort } from './ports';

export { dateBound };

export const IMAGE_SORTS = ['newest', 'oldest', 'name', 'size', 'width'] as const satisfies readonly ImageSort[];
/** The formats an original is stored as (a HEIF upload is stored as avif or heic). */
export const LISTED_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'gif', 'tiff', 'heic', 'svg'] as const;
export const ORIENTATIONS = ['landscape', 'portrait', 'square'] as const;
/** Wider than any stored image; a bigger bound is a mistake, not a filter. */
export const MAX_MIN_WIDTH = 999_999;

/** A listing's order and filters as the API and the CLI receive them: text, checked here once. */
export interface ListingParams {
  sort?: string;
  format?: string;
  orientation?: string;
  minWidth?: string;
  /** A date (`2026-03-01`, from its first millisecond, UTC) or a date-time with a zone. */
  from?: string;
  /** A date (to its last millisecond, UTC) or a date-time with a zone; inclusive. */
  to?: string;
}

const oneOf = <T extends string>(values: readonly T[], value: string | undefined, name: string): T | undefined => {
  if (value === undefined) return undefined;
  if ((values as readonly string[]).includes(value)) return value as T;
  throw invalid(`${name} must be one of ${values.join(', ')}`);
};

function minWidthOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  // Plain decimal digits only: 1e3, 0x10, +5, 010 and -1 are refused, not guessed at.
  if (!/^[1-9][0-9]*$/.test(text) || text.length > String(MAX_MIN_WIDTH).length || Number(text) > MAX_MIN_WIDTH) {
    throw invalid(`minWidth must be a whole number of pixels from 1 to ${MAX_MIN_WIDTH}, not "${text.slice(0, 40)}"`);
  }
  return Number(text);
}

/** Checks a listing's order and filters; every bad value is a 400 that names it. */
export function parseListing(params: ListingParams): { sort: ImageSort; filters: ImageFilters } {
  const sort = oneOf(IMAGE_SORTS, params.sort, 'sort') ?? 'newest';
  const filters: ImageFilters = {};
  const format = oneOf(LISTED_FORMATS, params.format, 'format');
  if (format) filters.format = format;
  const orientation = oneOf(ORIENTATIONS, params.orientation, 'orientation');
  if (orientation) filters.orientation = orientation;
  const minWidth = minWidthOf(params.minWidth);
  if (minWidth !== undefined) filters.minWidth = minWidth;
  const from = dateBound(params.from, 'from');
  const to = dateBound(params.to, 'to');
  if (from !== undefined && to !== undefined && from > to) throw invalid(rangeOrderMessage(params.from!, params.to!));
  if (from !== undefined) filters.createdFrom = from;
  if (to !== undefined) filters.createdTo = to;
  return { sort, filters };
}
