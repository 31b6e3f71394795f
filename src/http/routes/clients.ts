import { Elysia } from 'elysia';
import type { Api } from '../../api';
import { ClientList, CreateClientBody, CreatedClient } from '../../api/clients';
import { apiErrors } from '../../api/errors';
import { sessionAuth, type AuthDeps } from '../auth';

const tags = ['clients'];

/** Tenants, for dashboard users (who manage every client): a session, never an API key. */
export const clientRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/clients' })
    .use(sessionAuth(auth))
    .get('', () => api.clients.list(), {
      response: { 200: ClientList, ...apiErrors(403) },
      detail: { tags, operationId: 'listClients', summary: 'List clients', description: 'Dashboard session only.', security: [{ session: [] }] },
    })
    .post('', async ({ body, status }) => status(201, await api.clients.create(body.name, body.id)), {
      body: CreateClientBody,
      response: { 201: CreatedClient, ...apiErrors(403, 409) },
      detail: { tags, operationId: 'createClient', summary: 'Create a client', description: 'Dashboard session only. Answers its first API key, once.', security: [{ session: [] }] },
    });
