import { t, type Static } from 'elysia';
import { CHANGE_EVENT_TYPES } from '../core/outbox/change-events';
import type { DeliveryAttempt } from '../core/outbox/ports';
import type { WebhookEndpoint } from '../core/webhooks/ports';
import type { WebhookService } from '../core/webhooks/webhooks';
import { attemptFields, presentAttemptFields } from './attempt-view';
import type { Caller } from './services';
import type { AuditLog } from '../core/audit/audit-log';
import { auditRecorder, urlForLog } from './audit';

const EVENTS_DOC = `Events to receive: ${CHANGE_EVENT_TYPES.join(', ')}`;

const webhookFields = {
  id: t.String(),
  url: t.String(),
  events: t.Array(t.String(), { description: EVENTS_DOC }),
  enabled: t.Boolean({ description: 'false once every attempt failed for the disable window (24 h); a successful test event enables it again' }),
  failingSince: t.Union([t.String({ format: 'date-time' }), t.Null()], { description: 'Start of the current run of failures' }),
  disabledAt: t.Union([t.String({ format: 'date-time' }), t.Null()]),
  createdAt: t.String({ format: 'date-time' }),
};
export const WebhookView = t.Object(webhookFields, { title: 'Webhook' });
export type WebhookView = Static<typeof WebhookView>;
export const WebhookList = t.Object({ items: t.Array(WebhookView) }, { title: 'WebhookList' });
export const CreatedWebhook = t.Object(
  { ...webhookFields, secret: t.String({ description: 'whsec_<base64>: verifies the webhook-signature header (Standard Webhooks); shown this once' }) },
  { title: 'CreatedWebhook' },
);
export type CreatedWebhook = Static<typeof CreatedWebhook>;
export const CreateWebhookBody = t.Object({
  url: t.String({ maxLength: 2048, description: 'http:// or https:// URL; never contacted at registration. Private, loopback and link-local targets are refused (forbidden_target)' }),
  // Checked by the core, so the CLI's local mode gives the same 400.
  events: t.Array(t.String(), { maxItems: 20, description: EVENTS_DOC }),
});
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

export const DeliveryView = t.Object(
  {
    webhookId: t.String({ description: 'The webhook-id header: the same on every retry of an event' }),
    ...attemptFields('The event type sent'),
  },
  { title: 'WebhookDelivery' },
);
export type DeliveryView = Static<typeof DeliveryView>;
export const DeliveryList = t.Object({ items: t.Array(DeliveryView) }, { title: 'WebhookDeliveryList' });
export const TestEventQueued = t.Object({ id: t.String({ description: 'webhook-id of the queued webhook.test event' }) }, { title: 'TestEventQueued' });

export const presentWebhook = (e: WebhookEndpoint): WebhookView => ({
  id: e.id,
  url: e.url,
  events: e.events,
  enabled: e.enabled,
  failingSince: e.failingSince,
  disabledAt: e.disabledAt,
  createdAt: e.createdAt,
});

const presentDelivery = (a: DeliveryAttempt): DeliveryView => ({ webhookId: a.messageId, ...presentAttemptFields(a) });

/** Webhooks: the use cases behind `/api/v1/webhooks` and `imgapi webhook`. */
export function webhooksApi(services: { webhooks: WebhookService; audit: AuditLog }) {
  const { webhooks } = services;
  const audit = auditRecorder(services.audit);
  return {
    list: async (caller: Caller) => ({ items: (await webhooks.list(caller.clientId)).map(presentWebhook) }),
    async create(caller: Caller, body: CreateWebhookBody): Promise<CreatedWebhook> {
      const endpoint = await webhooks.create(caller.clientId, body);
      await audit(caller, 'webhook.create', { id: endpoint.id, name: urlForLog(endpoint.url) });
      return { ...presentWebhook(endpoint), secret: endpoint.secret };
    },
    async delete(caller: Caller, id: string) {
      const endpoint = (await webhooks.list(caller.clientId)).find((e) => e.id === id);
      await webhooks.delete(caller.clientId, id);
      await audit(caller, 'webhook.delete', { id, name: endpoint ? urlForLog(endpoint.url) : null });
    },
    deliveries: async (caller: Caller, id: string) => ({ items: (await webhooks.deliveries(caller.clientId, id)).map(presentDelivery) }),
    test: (caller: Caller, id: string) => webhooks.test(caller.clientId, id),
  };
}
