/** Listing pages: one size for the API's default, the dashboard and the CLI. */
export const DEFAULT_PAGE_SIZE = 24;
export const MAX_PAGE_SIZE = 100;
