import { Elysia, t } from 'elysia';
import type { Api } from '../../api';
import { apiErrors } from '../../api/errors';
import { knownFields } from '../../api/known-fields';
import { CreatedWebhook, CreateWebhookBody, DeliveryList, TestEventQueued, WebhookList } from '../../api/webhooks';
import { callerAuth, type AuthDeps } from '../auth';

const tags = ['webhooks'];
const params = t.Object({ id: t.String({ description: 'Webhook id' }) });

export const webhookRoutes = (api: Api, auth: AuthDeps) =>
  new Elysia({ prefix: '/webhooks' })
    .use(callerAuth(auth))
    .get('', ({ caller }) => api.webhooks.list(caller), {
      response: { 200: WebhookList, ...apiErrors() },
      detail: { tags, operationId: 'listWebhooks', summary: 'List webhook endpoints', description: 'Without their secrets.' },
    })
    .post(
      '',
      async ({ caller, body, set, status }) => {
        const created = await api.webhooks.create(caller, body);
        // The secret is in this answer: no browser or proxy may keep it.
        set.headers['cache-control'] = 'no-store';
        return status(201, created);
      },
      {
      ...knownFields(CreateWebhookBody),
      body: CreateWebhookBody,
      response: { 201: CreatedWebhook, ...apiErrors() },
      detail: {
        tags,
        operationId: 'createWebhook',
        summary: 'Register a webhook endpoint',
        description: 'Events are POSTed as { type, timestamp, data }, signed per Standard Webhooks with the secret in this answer (shown once, never cached). Registering never connects to the URL; a private target is a 400 forbidden_target.',
      },
    },
    )
    .get('/:id/deliveries', ({ caller, params }) => api.webhooks.deliveries(caller, params.id), {
      params,
      response: { 200: DeliveryList, ...apiErrors(404) },
      detail: { tags, operationId: 'listWebhookDeliveries', summary: 'The last 100 delivery attempts, newest first' },
    })
    .post('/:id/test', async ({ caller, params, status }) => status(202, await api.webhooks.test(caller, params.id)), {
      params,
      response: { 202: TestEventQueued, ...apiErrors(404) },
      detail: { tags, operationId: 'testWebhook', summary: 'Send a webhook.test event', description: 'Queued at once; its attempt shows in the deliveries. Goes to a disabled endpoint too, and enables it again when it gets through.' },
    })
    .delete(
      '/:id',
      async ({ caller, params, status }) => {
        await api.webhooks.delete(caller, params.id);
        return status(204, undefined);
      },
      { params, response: { 204: t.Void({ description: 'Deleted' }), ...apiErrors(404) }, detail: { tags, operationId: 'deleteWebhook', summary: 'Delete a webhook endpoint' } },
    );
