import { AppError, invalid, notFound } from '../errors';
import { newId } from '../ids';
import { CHANGE_EVENT_TYPES, newMessageId, type ChangeEvent, type ChangeEventType, type ChangeSubscriber } from '../outbox/change-events';
import type { OutboxSender, SendResult } from '../outbox/dispatcher';
import type { ClaimedMessage, DeliveryAttempt, OutboxRepository } from '../outbox/ports';
import { outboundPost, type OutboundResult } from '../outbound/outbound-post';
import { checkTargetForRegistration, forbiddenTarget, resolveTarget, type Lookup, type OutboundPolicy } from '../outbound/ssrf-guard';
import type { WebhookEndpoint, WebhookRepository } from './ports';
import { newWebhookSecret, signWebhook } from './signature';

/** An event as the outbox keeps it until it is fanned out: the record, presented at fan-out. */
export interface StoredEvent {
  type: ChangeEventType;
  timestamp: string;
  data: { kind: 'image' | 'folder' | 'preset'; record: unknown };
}

interface DeliveryPayload {
  endpointId: string;
  /** The `webhook-id`: the same for every endpoint and every retry of one event. */
  eventId: string;
  type: string;
  body: string;
}

/** The SSRF guard refused the target (it resolves to a private address now): retrying cannot help. */
export const isForbidden = (error: unknown): boolean => error instanceof AppError && error.code === 'forbidden_target';

export const WEBHOOK_EVENT = 'webhook.event';
export const WEBHOOK_DELIVERY = 'webhook';
export const TEST_EVENT = 'webhook.test';

/** Every change as one outbox row; the fan-out to the client's endpoints happens when it is sent. */
export const webhookSubscriber: ChangeSubscriber = (event: ChangeEvent) => {
  const data: StoredEvent['data'] =
    'image' in event ? { kind: 'image', record: event.image } : 'folder' in event ? { kind: 'folder', record: event.folder } : { kind: 'preset', record: event.preset };
  const payload: StoredEvent = { type: event.type, timestamp: event.at, data };
  return [{ id: newMessageId(), kind: WEBHOOK_EVENT, clientId: event.clientId, payload }];
};

export interface WebhookDeps {
  repos: { webhooks: WebhookRepository; outbox: OutboxRepository };
  policy: OutboundPolicy;
  /** A failing run this long disables the endpoint (default 24 h). */
  disableAfterMs: number;
  /** The event's `data` as the API presents the image, folder or preset. */
  present: (clientId: string, data: StoredEvent['data']) => Promise<unknown>;
  now?: () => number;
  lookup?: Lookup;
  post?: typeof outboundPost;
  /** Called after rows were enqueued, so the dispatcher looks at once. */
  onEnqueued?: () => void;
}

export interface WebhookInput {
  url: string;
  events: readonly string[];
}

export function createWebhookService(deps: WebhookDeps) {
  const { repos, policy, disableAfterMs, present } = deps;
  const now = deps.now ?? Date.now;
  const post = deps.post ?? outboundPost;
  const iso = (ms: number) => new Date(ms).toISOString();

  async function get(clientId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await repos.webhooks.get(clientId, id);
    if (!endpoint) throw notFound('Webhook');
    return endpoint;
  }

  /** Fans one event out to the endpoints that want it: one delivery row each, retried on its own. */
  async function fanOut(message: ClaimedMessage): Promise<SendResult> {
    const event = message.payload as StoredEvent;
    const endpoints = (await repos.webhooks.list(message.clientId)).filter((e) => e.enabled && e.events.includes(event.type));
    if (endpoints.length === 0) return { ok: true };
    const body = JSON.stringify({ type: event.type, timestamp: event.timestamp, data: await present(message.clientId, event.data) });
    await repos.outbox.enqueue(
      endpoints.map((endpoint) => ({
        // Fanning out again (a node died before this row was completed) writes the same ids: kept once.
        id: `${message.id}.${endpoint.id}`,
        kind: WEBHOOK_DELIVERY,
        clientId: message.clientId,
        payload: { endpointId: endpoint.id, eventId: message.id, type: event.type, body } satisfies DeliveryPayload,
      })),
      now(),
    );
    deps.onEnqueued?.();
    return { ok: true };
  }

  async function attemptOnce(endpoint: WebhookEndpoint, delivery: DeliveryPayload): Promise<OutboundResult & { forbidden?: boolean }> {
    try {
      const target = await resolveTarget(endpoint.url, policy, deps.lookup);
      const headers = signWebhook(endpoint.secret, delivery.eventId, Math.floor(now() / 1000), delivery.body);
      return await post({ target, headers, body: delivery.body });
    } catch (error) {
      return { status: null, body: '', latencyMs: 0, error: error instanceof Error ? error.message : String(error), forbidden: isForbidden(error) };
    }
  }

  async function deliver(message: ClaimedMessage): Promise<SendResult> {
    const delivery = message.payload as DeliveryPayload;
    const endpoint = await repos.webhooks.get(message.clientId, delivery.endpointId);
    // Deleted, or disabled since: nothing to send. A test event still goes to a disabled endpoint.
    if (!endpoint || (!endpoint.enabled && delivery.type !== TEST_EVENT)) return { ok: false, error: 'endpoint gone or disabled', drop: true };
    const result = await attemptOnce(endpoint, delivery);
    const ok = result.error === null && result.status !== null && result.status >= 200 && result.status < 300;
    const error = ok ? null : (result.error ?? `HTTP ${result.status}${result.body ? `: ${result.body.slice(0, 200)}` : ''}`);
    const attempt: DeliveryAttempt = {
      targetId: endpoint.id, messageId: delivery.eventId, event: delivery.type, attempt: message.attempt, ok,
      status: result.status, latencyMs: result.latencyMs, error, at: iso(now()),
    };
    await repos.outbox.logAttempt(attempt);
    if (ok) {
      await repos.webhooks.recordSuccess(endpoint.id);
      return { ok: true };
    }
    if (delivery.type === TEST_EVENT) return { ok: false, error: error!, drop: true };
    const after = await repos.webhooks.recordFailure(endpoint.id, iso(now()), iso(now() - disableAfterMs));
    // A target the SSRF guard refuses at send time (it resolves to a private address now) is not retried.
    return { ok: false, error: error!, drop: result.forbidden === true || !after?.enabled };
  }

  return {
    get,
    list: (clientId: string) => repos.webhooks.list(clientId),

    /** Registers an endpoint; never connects to it. The secret is in the answer (and kept, to sign). */
    async create(clientId: string, input: WebhookInput): Promise<WebhookEndpoint> {
      const url = await checkTargetForRegistration(input.url.trim(), policy, deps.lookup);
      if (url.href.length > 2048) throw invalid('url is longer than 2048 characters');
      const events = [...new Set(input.events)];
      if (events.length === 0) throw invalid(`events must name at least one of ${CHANGE_EVENT_TYPES.join(', ')}`);
      const unknown = events.filter((e) => !CHANGE_EVENT_TYPES.includes(e as ChangeEventType));
      if (unknown.length > 0) throw invalid(`Unknown event ${unknown.join(', ')}: expected ${CHANGE_EVENT_TYPES.join(', ')}`);
      const endpoint: WebhookEndpoint = {
        id: newId(), clientId, url: url.href, events: events as ChangeEventType[], secret: newWebhookSecret(),
        enabled: true, failingSince: null, disabledAt: null, createdAt: iso(now()),
      };
      await repos.webhooks.insert(endpoint);
      return endpoint;
    },

    async delete(clientId: string, id: string): Promise<void> {
      if (!(await repos.webhooks.delete(clientId, id))) throw notFound('Webhook');
    },

    /** The last 100 attempts, newest first. */
    async deliveries(clientId: string, id: string): Promise<DeliveryAttempt[]> {
      await get(clientId, id);
      return repos.outbox.attempts(id, 100);
    },

    /** Queues a `webhook.test` event for this endpoint only; returns its `webhook-id`. */
    async test(clientId: string, id: string): Promise<{ id: string }> {
      const endpoint = await get(clientId, id);
      const eventId = newMessageId();
      const body = JSON.stringify({ type: TEST_EVENT, timestamp: iso(now()), data: { webhookId: endpoint.id, url: endpoint.url } });
      await repos.outbox.enqueue(
        [{ id: `${eventId}.${endpoint.id}`, kind: WEBHOOK_DELIVERY, clientId, payload: { endpointId: endpoint.id, eventId, type: TEST_EVENT, body } satisfies DeliveryPayload }],
        now(),
      );
      deps.onEnqueued?.();
      return { id: eventId };
    },

    /** The outbox kinds this feature sends, for each server's dispatcher. */
    senders: { [WEBHOOK_EVENT]: fanOut, [WEBHOOK_DELIVERY]: deliver } satisfies Record<string, OutboxSender>,
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
export { forbiddenTarget };
