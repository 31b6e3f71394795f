import { t, type Static } from 'elysia';
import type { DeliveryAttempt } from '../core/outbox/ports';
import type { PurgeTargetRecord } from '../core/purge/ports';
import { secretHint } from '../core/purge/purge-targets';
import type { PurgeTargetService } from '../core/purge/purge-targets';
import { attemptFields, presentAttemptFields } from './attempt-view';
import type { Caller } from './services';
import type { AuditLog } from '../core/audit/audit-log';
import { auditRecorder, urlForLog } from './audit';

const API_BASE_DOC = 'The provider API origin (default: the provider\'s own); for tests and proxies. Checked like a webhook URL: a private address is refused unless IMGAPI_WEBHOOK_ALLOW_PRIVATE=1.';
const apiBase = t.Optional(t.String({ maxLength: 2000, description: API_BASE_DOC }));
const secretField = (description: string) => t.String({ minLength: 1, maxLength: 500, description });

export const CreatePurgeTargetBody = t.Union(
  [
    t.Object({ kind: t.Literal('cloudflare'), zoneId: t.String({ minLength: 1, maxLength: 100 }), apiToken: secretField('An API token with the Cache Purge permission'), apiBase }, { title: 'CloudflarePurgeTarget' }),
    t.Object({ kind: t.Literal('fastly'), serviceId: t.String({ minLength: 1, maxLength: 100 }), apiToken: secretField('A Fastly API token with purge_select'), apiBase }, { title: 'FastlyPurgeTarget' }),
    t.Object({ kind: t.Literal('bunny'), accessKey: secretField('The bunny.net account API key'), apiBase }, { title: 'BunnyPurgeTarget' }),
    t.Object(
      {
        kind: t.Literal('http'),
        url: t.String({ minLength: 1, maxLength: 2000, description: 'Called with POST and JSON { event, imageId, clientId, urls, tags }. A private address is refused unless IMGAPI_WEBHOOK_ALLOW_PRIVATE=1.' }),
        secret: t.Optional(secretField('Signs each call the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature)')),
      },
      { title: 'HttpPurgeTarget' },
    ),
  ],
  { description: 'One of cloudflare, fastly, bunny or http, with that kind\'s fields' },
);
export type CreatePurgeTargetBody = Static<typeof CreatePurgeTargetBody>;

export const PurgeTargetView = t.Object(
  {
    id: t.String(),
    kind: t.Union([t.Literal('cloudflare'), t.Literal('fastly'), t.Literal('bunny'), t.Literal('http')]),
    zoneId: t.Optional(t.String()),
    serviceId: t.Optional(t.String()),
    apiBase: t.Optional(t.String()),
    url: t.Optional(t.String()),
    secretHint: t.Union([t.String(), t.Null()], { description: 'The token, key or hook secret masked to its last 4 characters; null when none. Never the secret itself.' }),
    createdAt: t.String({ format: 'date-time' }),
  },
  { title: 'PurgeTarget' },
);
export type PurgeTargetView = Static<typeof PurgeTargetView>;
export const PurgeTargetList = t.Object({ items: t.Array(PurgeTargetView) }, { title: 'PurgeTargetList' });

export const PurgeAttemptView = t.Object(
  {
    purgeId: t.String({ description: 'The same on every retry of one purge at this target' }),
    ...attemptFields('The change that caused it: image.replaced, image.deleted, image.updated (focal point), preset.updated (what it delivers or its name changed), preset.deleted'),
  },
  { title: 'PurgeAttempt' },
);
export type PurgeAttemptView = Static<typeof PurgeAttemptView>;
export const PurgeAttemptList = t.Object({ items: t.Array(PurgeAttemptView) }, { title: 'PurgeAttemptList' });

const presentAttempt = (a: DeliveryAttempt): PurgeAttemptView => ({ purgeId: a.messageId, ...presentAttemptFields(a) });

export function presentPurgeTarget(target: PurgeTargetRecord): PurgeTargetView {
  const c = target.config;
  const common = { id: target.id, kind: c.kind, createdAt: target.createdAt };
  switch (c.kind) {
    case 'cloudflare':
      return { ...common, zoneId: c.zoneId, ...(c.apiBase && { apiBase: c.apiBase }), secretHint: secretHint(c.apiToken) };
    case 'fastly':
      return { ...common, serviceId: c.serviceId, ...(c.apiBase && { apiBase: c.apiBase }), secretHint: secretHint(c.apiToken) };
    case 'bunny':
      return { ...common, ...(c.apiBase && { apiBase: c.apiBase }), secretHint: secretHint(c.accessKey) };
    case 'http':
      return { ...common, url: c.url, secretHint: secretHint(c.secret) };
  }
}

/** How the audit log names a purge target: its kind and what it purges, never its token. */
function purgeTargetName(target: PurgeTargetRecord): string {
  const c = target.config;
  switch (c.kind) {
    case 'cloudflare':
      return `cloudflare ${c.zoneId}`;
    case 'fastly':
      return `fastly ${c.serviceId}`;
    case 'bunny':
      return 'bunny';
    case 'http':
      return `http ${urlForLog(c.url)}`;
  }
}

export function purgeTargetsApi(services: { purgeTargets: Pick<PurgeTargetService, 'create' | 'list' | 'get' | 'delete' | 'attempts'>; audit: AuditLog }) {
  const { purgeTargets } = services;
  const audit = auditRecorder(services.audit);
  return {
    list: async (caller: Caller) => ({ items: (await purgeTargets.list(caller.clientId)).map(presentPurgeTarget) }),
    get: async (caller: Caller, id: string) => presentPurgeTarget(await purgeTargets.get(caller.clientId, id)),
    async create(caller: Caller, body: CreatePurgeTargetBody) {
      const target = await purgeTargets.create(caller.clientId, body);
      await audit(caller, 'purge-target.create', { id: target.id, name: purgeTargetName(target) });
      return presentPurgeTarget(target);
    },
    async delete(caller: Caller, id: string) {
      const target = await purgeTargets.get(caller.clientId, id);
      await purgeTargets.delete(caller.clientId, id);
      await audit(caller, 'purge-target.delete', { id, name: purgeTargetName(target) });
    },
    deliveries: async (caller: Caller, id: string) => ({ items: (await purgeTargets.attempts(caller.clientId, id)).map(presentAttempt) }),
  };
}
