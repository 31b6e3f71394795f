import { invalid } from './errors';
import type { ImageFilters, ImageSort } from './ports';

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

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch of a calendar moment, or NaN when a field is out of range (2026-02-30, 24:00). */
function utcMillis(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return NaN;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return NaN;
  return date.getTime() + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

const DAY_MS = 86_400_000;

/** A `from`/`to` bound as a stored createdAt (UTC ISO with milliseconds); a date's `to` takes in its whole day. */
export function dateBound(text: string | undefined, name: 'from' | 'to'): string | undefined {
  if (text === undefined) return undefined;
  let millis = NaN;
  const date = DATE.exec(text);
  const dateTime = date ? null : DATE_TIME.exec(text);
  if (date) {
    const start = utcMillis(Number(date[1]), Number(date[2]), Number(date[3]));
    millis = name === 'to' ? start + DAY_MS - 1 : start;
  } else if (dateTime) {
    const [, y, mo, d, h, mi, s, fraction, zone, sign, zh, zm] = dateTime;
    const local = utcMillis(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0), Number((fraction ?? '').padEnd(3, '0').slice(0, 3)));
    const offsetOk = zone === 'Z' || (Number(zh) <= 23 && Number(zm) <= 59);
    const offset = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm)) * 60_000;
    millis = offsetOk ? local - offset : NaN;
  }
  // Stored times are 4-digit years: a bound outside them could not compare as text.
  const year = Number.isFinite(millis) ? new Date(millis).getUTCFullYear() : NaN;
  if (!(year >= 0 && year <= 9999)) {
    throw invalid(`${name} must be a date (2026-03-01) or a date-time with a zone (2026-03-01T12:00:00Z), not "${text.slice(0, 40)}"`);
  }
  return new Date(millis).toISOString();
}

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
  if (from !== undefined && to !== undefined && from > to) throw invalid(`from (${params.from}) must not be after to (${params.to})`);
  if (from !== undefined) filters.createdFrom = from;
  if (to !== undefined) filters.createdTo = to;
  return { sort, filters };
}
