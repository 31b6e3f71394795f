import { Elysia } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { UsageView } from '../../api/usage';
import { callerAuth, type AuthDeps } from '../auth';

export const usageRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/usage' })
    .use(callerAuth(auth))
    .get('', ({ caller }) => api.usage.get(caller), {
      response: { 200: UsageView, ...apiErrors() },
      detail: { tags: ['clients'], operationId: 'getUsage', summary: "The client's usage", description: 'Its images and the bytes of their originals (the trash not counted).' },
    });
