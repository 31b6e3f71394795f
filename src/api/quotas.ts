import { t, type Static } from 'elysia';
import { QUOTA_MAXIMUM, type QuotaPatch, type Quotas } from '../core/quotas';
import { Integer } from './integer';
import { auditRecorder } from './audit';
import type { Actor, ApiServices, Caller } from './services';

const limit = (description: string) => t.Union([Integer({ minimum: 1 }), t.Null()], { description: `${description}; null: no limit` });

export const QuotasView = t.Object(
  {
    maxImages: limit('Images in the library (the trash not counted)'),
    maxBytes: limit('Bytes of the originals'),
    maxUploadBytes: limit("One upload's file size in bytes (the server's IMGAPI_MAX_UPLOAD_BYTES applies too)"),
    maxTransformsPerMinute: limit('New variants made a minute, all nodes together: misses past it are refused, eager and warmed variants wait (hits are never limited)'),
  },
  { title: 'Quotas' },
);
export type QuotasView = Static<typeof QuotasView>;

const settable = (max: number, description: string) =>
  t.Optional(t.Union([Integer({ minimum: 1, maximum: max }), t.Null()], { description: `${description}: an integer from 1 to ${max}, or null to clear it; absent: unchanged` }));

/** A change of limits: absent keys stay, null clears one, any other key is refused. */
export const QuotasPatch = t.Object(
  {
    maxImages: settable(QUOTA_MAXIMUM.maxImages, 'Images in the library'),
    maxBytes: settable(QUOTA_MAXIMUM.maxBytes, 'Bytes of the originals'),
    maxUploadBytes: settable(QUOTA_MAXIMUM.maxUploadBytes, "One upload's file size in bytes"),
    maxTransformsPerMinute: settable(QUOTA_MAXIMUM.maxTransformsPerMinute, 'New variants a minute, all nodes together'),
  },
  { additionalProperties: false, title: 'QuotasPatch' },
);

export const QuotaStatus = t.Object(
  {
    clientId: t.String(),
    quotas: QuotasView,
    usage: t.Object({
      images: Integer({ minimum: 0, description: 'Images in the library now (the trash not counted)' }),
      originalsBytes: Integer({ minimum: 0, description: 'Bytes of their originals now' }),
    }),
  },
  { title: 'QuotaStatus' },
);
export type QuotaStatus = Static<typeof QuotaStatus>;

/** Clients' limits: read by anyone acting for the client, set by owners and admins (their route's guard). */
export function quotasApi(services: Pick<ApiServices, 'accounts' | 'quotas' | 'audit'>) {
  const { accounts, quotas } = services;
  const audit = auditRecorder(services.audit);
  return {
    /** The calling client's limits with what it stores now: what the dashboard draws its bars from. */
    async status(caller: Pick<Caller, 'clientId'>): Promise<QuotaStatus> {
      const [limits, stored] = await Promise.all([quotas.of(caller.clientId), quotas.stored(caller.clientId)]);
      return { clientId: caller.clientId, quotas: limits, usage: { images: stored.images, originalsBytes: stored.bytes } };
    },
    of: (clientId: string): Promise<Quotas> => quotas.of(clientId),
    /** Every client's limits at once, for a list of clients. */
    all: () => quotas.all(),
    /** Owners' and admins' (the route's guard; the CLI on the data directory): recorded in the audit log. */
    async set(who: { actor: Actor; address: string | null }, clientId: string, patch: QuotaPatch): Promise<Quotas> {
      const client = await accounts.getClient(clientId);
      const set = await quotas.set(clientId, patch);
      await audit({ ...who, clientId, base: '' }, 'client.quota', { id: client.id, name: client.name });
      return set;
    },
  };
}
