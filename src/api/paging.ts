import { t } from 'elysia';
import { DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, pageParam } from '../core/paging';

/**
 * A paged listing's query fields. Text, checked by `pagingOf` rather than by a schema pattern,
 * so a bad value is refused in words ("page must be a whole number from 1"), not a regex.
 */
export const PageQueryFields = {
  page: t.Optional(t.String({ description: `A whole number from 1 (to ${MAX_PAGE}); default 1` })),
  pageSize: t.Optional(t.String({ description: `A whole number from 1 to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}` })),
};

/** The page and its size a query asks for, defaults filled in. */
export function pagingOf(query: { page?: string; pageSize?: string }): { page: number; pageSize: number } {
  return { page: pageParam(query.page, 'page') ?? 1, pageSize: pageParam(query.pageSize, 'pageSize') ?? DEFAULT_PAGE_SIZE };
}
