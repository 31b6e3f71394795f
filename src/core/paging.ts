import { invalid } from './errors';

/** Listing pages: one size for the API's default, the dashboard and the CLI. */
export const DEFAULT_PAGE_SIZE = 24;
export const MAX_PAGE_SIZE = 100;
/** Past any real listing; a bigger page number is a mistake (and its offset would overflow). */
export const MAX_PAGE = 999_999_999;

const PAGE_MESSAGE = 'page must be a whole number from 1';
const PAGE_TOO_FAR = `page must be a whole number from 1 to ${MAX_PAGE}`;
const PAGE_SIZE_MESSAGE = `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}`;

/** Every paged read's check of its numbers, in the words the query's text gets too. */
export function checkPaging(page: number, pageSize: number): void {
  if (!Number.isInteger(page) || page < 1) throw invalid(PAGE_MESSAGE);
  if (page > MAX_PAGE) throw invalid(PAGE_TOO_FAR);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw invalid(PAGE_SIZE_MESSAGE);
}

/**
 * `page` or `pageSize` as a query string gives it: plain decimal digits only (1e2, 0x10, +5,
 * 010 and -1 are refused, not guessed at), in range.
 */
export function pageParam(text: string | undefined, name: 'page' | 'pageSize'): number | undefined {
  if (text === undefined) return undefined;
  const digits = /^[1-9][0-9]*$/.test(text);
  if (name === 'pageSize') {
    if (!digits || text.length > 3 || Number(text) > MAX_PAGE_SIZE) throw invalid(PAGE_SIZE_MESSAGE);
  } else if (!digits) throw invalid(PAGE_MESSAGE);
  else if (text.length > String(MAX_PAGE).length) throw invalid(PAGE_TOO_FAR);
  return Number(text);
}
