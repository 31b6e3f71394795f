import { Elysia, t } from 'elysia';
import type { Api } from '../../api';
import { ClientList, ClientParams, ClientView, CreateClientBody, CreatedClient, UpdateClientBody, checkUpdateClientBody } from '../../api/clients';
import { apiErrors } from '../../api/errors';
import { knownFields } from '../../api/known-fields';
import { assertManagesClients, sessionAuth, type AuthDeps } from '../auth';

const tags = ['clients'];

/**
 * Tenants, for dashboard users: a session, never an API key. Everyone lists the clients they
 * reach; only owners and admins change them (every route below but GET).
 */
export const clientRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/clients' })
    .use(sessionAuth(auth))
    .onBeforeHandle(({ request, session }) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') assertManagesClients(session);
    })
    .get('', ({ session }) => api.clients.list(session.clientIds), {
      response: { 200: ClientList, ...apiErrors(403) },
      detail: {
        tags,
        operationId: 'listClients',
        summary: 'List clients',
        description: 'Dashboard session only. Owners and admins see every client, members and viewers the clients granted to them.',
        security: [{ session: [] }],
      },
    })
    .post('', async ({ actor, address, body, status }) => status(201, await api.clients.create({ actor, address }, body.name, body.id)), {
      // `quotas` here would be dropped unseen: limits are set with PATCH once the client exists.
      ...knownFields(CreateClientBody),
      body: CreateClientBody,
      response: { 201: CreatedClient, ...apiErrors(403, 409) },
      detail: { tags, operationId: 'createClient', summary: 'Create a client', description: 'Owner or admin session. Answers its first API key, once.', security: [{ session: [] }] },
    })
    .patch('/:id', ({ actor, address, params, body }) => api.clients.update({ actor, address }, params.id, body), {
      params: ClientParams,
      transform: ({ body }) => checkUpdateClientBody(body),
      body: UpdateClientBody,
      response: { 200: ClientView, ...apiErrors(400, 403, 404, 409) },
      detail: {
        tags,
        operationId: 'updateClient',
        summary: 'Rename a client, or set its quotas',
        description:
          'Owner or admin session. `name`: the id, keys and URLs stay. `quotas`: maxImages, maxBytes, maxUploadBytes, maxTransformsPerMinute, each a positive integer or null (no limit); keys left out stay. Over a limit, uploads answer 403 `quota_exceeded`.',
        security: [{ session: [] }],
      },
    })
    .delete(
      '/:id',
      async ({ actor, address, params, status }) => {
        await api.clients.remove({ actor, address }, params.id);
        return status(204, undefined);
      },
      {
        params: ClientParams,
        response: { 204: t.Void({ description: 'Deleted' }), ...apiErrors(403, 404, 409) },
        detail: {
          tags,
          operationId: 'deleteClient',
          summary: 'Delete a client',
          description: 'Owner or admin session. Removes its keys, folders, presets, webhooks and purge targets; 409 for the last client and while it has images.',
          security: [{ session: [] }],
        },
      },
    );
