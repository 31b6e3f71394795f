import { Elysia, t } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { knownFields } from '../../api/known-fields';
import { CreatePurgeTargetBody, PurgeAttemptList, PurgeTargetList, PurgeTargetView } from '../../api/purge-targets';
import { parseTargetConfig } from '../../core/purge/purge-targets';
import { callerAuth, type AuthDeps } from '../auth';

const tags = ['purge targets'];
const known = knownFields(CreatePurgeTargetBody);

export const purgeTargetRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/purge-targets' })
    .use(callerAuth(auth))
    .get('', ({ caller }) => api.purgeTargets.list(caller), {
      response: { 200: PurgeTargetList, ...apiErrors() },
      detail: { tags, operationId: 'listPurgeTargets', summary: 'List CDN purge targets', description: 'Tokens and secrets are never returned: secretHint shows their last 4 characters.' },
    })
    .post('', async ({ caller, body, status }) => status(201, await api.purgeTargets.create(caller, body)), {
      transform: [
        known.transform,
        // The core's own check before the schema's: the union named a field of another kind
        // ("Invalid serviceId" for a cloudflare target with an empty token, or for kind "evil").
        ({ body }: { body: unknown }) => {
          if (typeof body === 'object' && body !== null && !Array.isArray(body)) parseTargetConfig(body as Record<string, unknown>);
        },
      ],
      beforeHandle: known.beforeHandle,
      body: CreatePurgeTargetBody,
      response: { 201: PurgeTargetView, ...apiErrors() },
      detail: {
        tags,
        operationId: 'createPurgeTarget',
        summary: 'Add a CDN purge target',
        description: 'On image replace, delete and focal-point change, and on preset delete, the affected tags or URLs are purged at every target of the client, through the outbox (retried, logged). Registering never calls the target. 400 forbidden_target: the URL resolves to a private address.',
      },
    })
    .get('/:id', ({ caller, params }) => api.purgeTargets.get(caller, params.id), {
      params: t.Object({ id: t.String({ description: 'Purge target id' }) }),
      response: { 200: PurgeTargetView, ...apiErrors(404) },
      detail: { tags, operationId: 'getPurgeTarget', summary: 'One CDN purge target', description: 'As listed: the token or secret masked to its last 4 characters (secretHint). 404 for another client\'s target.' },
    })
    .get('/:id/deliveries', ({ caller, params }) => api.purgeTargets.deliveries(caller, params.id), {
      params: t.Object({ id: t.String({ description: 'Purge target id' }) }),
      response: { 200: PurgeAttemptList, ...apiErrors(404) },
      detail: { tags, operationId: 'listPurgeAttempts', summary: 'The last 100 purge attempts at this target, newest first', description: 'One entry per attempt: a failed purge is retried with the outbox back-off under the same purgeId.' },
    })
    .delete(
      '/:id',
      async ({ caller, params, status }) => {
        await api.purgeTargets.delete(caller, params.id);
        return status(204, undefined);
      },
      {
        params: t.Object({ id: t.String({ description: 'Purge target id' }) }),
        response: { 204: t.Void({ description: 'Removed' }), ...apiErrors(404) },
        detail: { tags, operationId: 'deletePurgeTarget', summary: 'Remove a CDN purge target' },
      },
    );
