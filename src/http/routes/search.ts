import { Elysia } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { SearchQuery, SearchResult } from '../../api/search';
import { callerAuth, type AuthDeps } from '../auth';

export const searchRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia().use(callerAuth(auth)).get('/search', ({ caller, query }) => api.search.search(caller, query.q), {
    query: SearchQuery,
    response: { 200: SearchResult, ...apiErrors() },
    detail: { tags: ['search'], operationId: 'search', summary: 'Search images and folders', description: 'Case-insensitive on names; up to 50 of each.' },
  });
