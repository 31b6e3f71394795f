import { Elysia } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { QuotaStatus } from '../../api/quotas';
import { callerAuth, type AuthDeps } from '../auth';

/** The calling client's limits and what it stores now (owners and admins set them: PATCH /clients/:id). */
export const quotaRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/quotas' })
    .use(callerAuth(auth))
    .get('', ({ caller }) => api.quotas.status(caller), {
      response: { 200: QuotaStatus, ...apiErrors() },
      detail: {
        tags: ['clients'],
        operationId: 'getQuotas',
        summary: "The client's quotas",
        description:
          'Its limits (null: none) and what it stores now. Over a limit, uploads and replaces (and misses over the transforms a minute) answer 403 `quota_exceeded`, naming the limit. Set by owners and admins with `PATCH /api/v1/clients/:id { quotas }`.',
      },
    });
