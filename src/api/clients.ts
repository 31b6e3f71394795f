import { t, type Static } from 'elysia';
import { invalid } from '../core/errors';
import type { ClientRecord } from '../core/ports';
import { checkQuotaPatch, NO_QUOTAS, type QuotaPatch, type Quotas } from '../core/quotas';
import type { Actor, ApiServices } from './services';
import { auditRecorder } from './audit';
import { QuotasPatch, QuotasView, quotasApi } from './quotas';

const clientFields = { id: t.String(), name: t.String(), createdAt: t.String({ format: 'date-time' }), quotas: QuotasView };
export const ClientView = t.Object(clientFields, { title: 'Client' });
export type ClientView = Static<typeof ClientView>;
export const ClientList = t.Object({ items: t.Array(ClientView) }, { title: 'ClientList' });
export const CreatedClient = t.Object({ ...clientFields, apiKey: t.String({ description: 'Its first API key: shown this once' }) }, { title: 'CreatedClient' });
const ClientName = t.String({ maxLength: 400, description: 'Trimmed, 1–100 characters, no control or bidi characters; unique per installation ignoring case (else 409)' });
export const CreateClientBody = t.Object({
  name: ClientName,
  id: t.Optional(t.String({ maxLength: 32, description: '[a-z0-9][a-z0-9-]{1,31}; generated from the name when absent' })),
});

/** A rename, a change of limits (owners and admins), or both; anything else is refused. */
export const UpdateClientBody = t.Object(
  { name: t.Optional(ClientName), quotas: t.Optional(QuotasPatch) },
  { additionalProperties: false, description: 'At least one of name and quotas. In quotas, a key absent stays, null clears that limit.' },
);
export type UpdateClientBody = Static<typeof UpdateClientBody>;

/**
 * Run before the schema (the route's transform): the schema alone would drop unknown keys
 * silently and take "10" for 10, so a mistyped limit would change nothing and still say 200.
 */
export function checkUpdateClientBody(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  for (const key of Object.keys(body)) if (key !== 'name' && key !== 'quotas') throw invalid(`Unknown field "${key.slice(0, 40)}": expected name, quotas or both`);
  const { quotas } = body as { quotas?: unknown };
  if (quotas !== undefined) checkQuotaPatch(quotas as QuotaPatch);
}
export const ClientParams = t.Object({ id: t.String({ maxLength: 64 }) });

export const presentClient = (c: ClientRecord, quotas: Quotas): ClientView => ({ id: c.id, name: c.name, createdAt: c.createdAt, quotas });

/** Who changes clients (a dashboard user, or the CLI on the data directory) and from where: what the audit log records. */
export interface InstanceCaller {
  actor: Actor;
  address: string | null;
}

/** Tenants: for dashboard users; owners and admins manage them. */
export function clientsApi(services: Pick<ApiServices, 'accounts' | 'audit' | 'quotas'>) {
  const { accounts } = services;
  const quotas = quotasApi(services);
  const audit = auditRecorder(services.audit);
  const as = (who: InstanceCaller, client: ClientRecord) => ({ ...who, clientId: client.id, base: '' });
  return {
    /** Every client, or only those in `reachable` (a member's or viewer's grants). */
    async list(reachable: readonly string[] | null = null) {
      const limits = await quotas.all();
      return {
        items: (await accounts.listClients()).filter((c) => reachable === null || reachable.includes(c.id)).map((c) => presentClient(c, limits.get(c.id) ?? NO_QUOTAS)),
      };
    },
    async create(who: InstanceCaller, name: string, id?: string) {
      const { client, apiKey } = await accounts.createClient(name, id || undefined, who.actor.kind === 'user' ? who.actor.id : null);
      // Its first key is in this answer only: the log names the client.
      await audit(as(who, client), 'client.create', { id: client.id, name: client.name });
      return { ...presentClient(client, NO_QUOTAS), apiKey: apiKey.apiKey };
    },
    async rename(who: InstanceCaller, id: string, name: string) {
      const client = await accounts.renameClient(id, name);
      await audit(as(who, client), 'client.rename', { id: client.id, name: client.name });
      return presentClient(client, await quotas.of(client.id));
    },
    /** PATCH: a rename, new limits, or both; the limits are checked before anything changes. */
    async update(who: InstanceCaller, id: string, body: { name?: string; quotas?: QuotaPatch }): Promise<ClientView> {
      if (body.name === undefined && body.quotas === undefined) throw invalid('Nothing to change: give name, quotas or both');
      if (body.quotas !== undefined) checkQuotaPatch(body.quotas);
      const renamed = body.name === undefined ? null : await this.rename(who, id, body.name);
      if (body.quotas === undefined) return renamed!;
      const set = await quotas.set(who, id, body.quotas);
      return presentClient(await accounts.getClient(id), set);
    },
    async remove(who: InstanceCaller, id: string) {
      const client = await accounts.getClient(id);
      await accounts.deleteClient(id);
      await audit(as(who, client), 'client.delete', { id: client.id, name: client.name });
    },
  };
}
