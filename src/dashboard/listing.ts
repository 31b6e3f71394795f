import type { ListImagesQuery } from '../api/images';

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
