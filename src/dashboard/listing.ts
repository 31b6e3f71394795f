import type { ListImagesQuery } from '../api/images';
import { dayBound } from '../core/date-bounds';
import { normalizeTag } from '../core/image-labels';
import { parseListing, type ListingParams } from '../core/listing-filters';

type Sort = NonNullable<ListImagesQuery['sort']>;
type Format = NonNullable<ListImagesQuery['format']>;
type Orientation = NonNullable<ListImagesQuery['orientation']>;

/** The library's order and filters as its controls hold them: text, '' for "any". */
export interface Listing {
  sort: Sort;
  format: Format | '';
  orientation: Orientation | '';
  minWidth: string;
  from: string;
  to: string;
  tag: string;
}

export const DEFAULT_LISTING: Listing = { sort: 'newest', format: '', orientation: '', minWidth: '', from: '', to: '', tag: '' };

// Typed as records of the API's own unions: a value added there and not here fails to compile.
export const SORT_LABELS: Record<Sort, string> = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  name: 'Name (A–Z)',
  size: 'Largest first',
  width: 'Widest first',
};
export const FORMAT_LABELS: Record<Format, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  avif: 'AVIF',
  gif: 'GIF',
  tiff: 'TIFF',
  heic: 'HEIC',
  svg: 'SVG',
};
export const ORIENTATION_LABELS: Record<Orientation, string> = { landscape: 'Landscape', portrait: 'Portrait', square: 'Square' };

/** How many filters narrow the listing (the order is not one). */
export const activeFilters = (listing: Listing) =>
  (['format', 'orientation', 'minWidth', 'from', 'to', 'tag'] as const).filter((key) => listing[key].trim() !== '').length;

/** The listing as query parameters of GET /images: only what is set. */
export function listingQuery(listing: Listing): Partial<Pick<ListImagesQuery, 'sort' | 'format' | 'orientation' | 'minWidth' | 'from' | 'to' | 'tag'>> {
  const text = (value: string) => value.trim() || undefined;
  return {
    sort: listing.sort === 'newest' ? undefined : listing.sort,
    format: listing.format || undefined,
    orientation: listing.orientation || undefined,
    minWidth: text(listing.minWidth),
    from: text(listing.from),
    to: text(listing.to),
    tag: text(listing.tag),
  };
}

/** Whether the server's own check takes it: a listing read from an address is never one it would refuse. */
const passes = (check: () => boolean) => {
  try {
    return check();
  } catch {
    return false;
  }
};
const accepted = (params: ListingParams) => passes(() => !!parseListing(params));
/** A whole day as the date fields hold it: a date-time the API takes could not be shown in them. */
const isDay = (text: string, name: 'from' | 'to') => passes(() => dayBound(text, name) !== undefined);
/** The API's longest tag filter (its schema's limit); a longer one is a 400, not a search. */
const MAX_TAG_FILTER = 1000;
/** A tag the listing normalizes as tags are; `red,blue`, a control character or 65 characters are refused. */
const isTag = (text: string) => text.length <= MAX_TAG_FILTER && passes(() => !!normalizeTag(text));

/**
 * The listing an address asks for (`sort=name&format=png&minWidth=800`): a value the server
 * would refuse, or the controls could not show, is left at its default rather than sent.
 */
export function listingOf(params: URLSearchParams): Listing {
  const listing = { ...DEFAULT_LISTING };
  const text = (key: keyof Listing) => params.get(key)?.trim() || undefined;
  const sort = text('sort');
  if (sort && accepted({ sort })) listing.sort = sort as Sort;
  const format = text('format');
  if (format && accepted({ format })) listing.format = format as Format;
  const orientation = text('orientation');
  if (orientation && accepted({ orientation })) listing.orientation = orientation as Orientation;
  const minWidth = text('minWidth');
  if (minWidth && accepted({ minWidth })) listing.minWidth = minWidth;
  const tag = text('tag');
  if (tag && isTag(tag)) listing.tag = tag;
  const from = text('from');
  const to = text('to');
  const fromOk = from !== undefined && isDay(from, 'from');
  const toOk = to !== undefined && isDay(to, 'to');
  // A range that ends before it starts says neither bound meant.
  if (fromOk && toOk && !accepted({ from, to })) return listing;
  if (fromOk) listing.from = from;
  if (toOk) listing.to = to;
  return listing;
}

/** The listing as an address writes it: what `listingQuery` sends, so only what differs from the default. */
export function writeListing(params: URLSearchParams, listing: Listing): void {
  for (const [key, value] of Object.entries(listingQuery(listing))) if (value !== undefined) params.set(key, value);
}
