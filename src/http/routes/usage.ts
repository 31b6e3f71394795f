import { Elysia } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { UsageQuery, UsageView } from '../../api/usage';
import { callerAuth, type AuthDeps } from '../auth';

export const usageRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/usage' })
    .use(callerAuth(auth))
    .get('', ({ caller, query }) => api.usage.get(caller, query), {
      query: UsageQuery,
      response: { 200: UsageView, ...apiErrors() },
      detail: {
        tags: ['clients'],
        operationId: 'getUsage',
        summary: "The client's usage",
        description:
          'What it stores (images, originals, variants) and its traffic per UTC day from `from` to `to` (default: the last 30 days; at most 366), with totals. Each node counts in memory and writes every few seconds; the answering node writes its own counts first.',
      },
    });
