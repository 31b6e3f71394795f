import { Elysia, t } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { knownFields } from '../../api/known-fields';
import { CreatedKey, CreateKeyBody, KeyList } from '../../api/keys';
import { callerAuth, type AuthDeps } from '../auth';
import { optionalJsonBody } from '../optional-json-body';

const tags = ['keys'];

export const keyRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/keys' })
    .use(callerAuth(auth))
    .get('', ({ caller }) => api.keys.list(caller), {
      response: { 200: KeyList, ...apiErrors() },
      detail: { tags, operationId: 'listKeys', summary: 'List API keys', description: 'Names and prefixes, never the keys.' },
    })
    .post('', async ({ caller, body, status }) => status(201, await api.keys.create(caller, body?.name)), {
      ...knownFields(CreateKeyBody),
      parse: optionalJsonBody,
      body: CreateKeyBody,
      response: { 201: CreatedKey, ...apiErrors() },
      detail: { tags, operationId: 'createKey', summary: 'Create an API key', description: 'The key is in the answer, and only there.' },
    })
    .delete(
      '/:id',
      async ({ caller, params, status }) => {
        await api.keys.revoke(caller, params.id);
        return status(204, undefined);
      },
      {
        params: t.Object({ id: t.String({ description: 'API key id' }) }),
        response: { 204: t.Void({ description: 'Revoked' }), ...apiErrors(404) },
        detail: { tags, operationId: 'revokeKey', summary: 'Revoke an API key' },
      },
    );
