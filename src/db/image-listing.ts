import type { ImageFilters, ImageSort } from '../core/ports';

/** A listing's order: one key column, then the row's identity as the tie-break in the same direction. */
export interface SortOrder {
  column: string;
  descending: boolean;
  /** Compared as text: PostgreSQL must compare bytes (COLLATE "C"), as SQLite does, for both to agree. */
  text: boolean;
}

const ORDERS: Record<ImageSort, SortOrder> = {
  newest: { column: 'i.created_at', descending: true, text: false },
  oldest: { column: 'i.created_at', descending: false, text: false },
  name: { column: 'i.name_lower', descending: false, text: true },
  size: { column: 'i.bytes', descending: true, text: false },
  width: { column: 'i.width', descending: true, text: false },
};

export const sortOrder = (sort: ImageSort = 'newest'): SortOrder => ORDERS[sort];

/** `ORDER BY` terms: the key, then `tie` (a unique column), both in the order's direction. */
export function orderTerms(key: string, tie: string, order: SortOrder): string {
  const direction = order.descending ? 'DESC' : 'ASC';
  return `${key} ${direction}, ${tie} ${direction}`;
}

const ORIENTATION = { landscape: '>', portrait: '<', square: '=' } as const;

/**
 * The filters as SQL conditions on `images i`; `bind` adds a parameter and returns its
 * placeholder (`?` for SQLite, `$n` for PostgreSQL), so both databases share one wording.
 */
export function filterConditions(filters: ImageFilters | undefined, bind: (value: string | number) => string): string[] {
  if (!filters) return [];
  const parts: string[] = [];
  if (filters.format !== undefined) parts.push(`i.format = ${bind(filters.format)}`);
  if (filters.orientation !== undefined) parts.push(`i.width ${ORIENTATION[filters.orientation]} i.height`);
  if (filters.minWidth !== undefined) parts.push(`i.width >= ${bind(filters.minWidth)}`);
  // createdAt is stored as UTC ISO 8601 text of one length: text order is time order.
  if (filters.createdFrom !== undefined) parts.push(`i.created_at >= ${bind(filters.createdFrom)}`);
  if (filters.createdTo !== undefined) parts.push(`i.created_at <= ${bind(filters.createdTo)}`);
  return parts;
}
