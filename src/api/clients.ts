import { t, type Static } from 'elysia';
import type { ClientRecord } from '../core/ports';
import type { Actor, ApiServices } from './services';
import { auditRecorder } from './audit';

const clientFields = { id: t.String(), name: t.String(), createdAt: t.String({ format: 'date-time' }) };
export const ClientView = t.Object(clientFields, { title: 'Client' });
export type ClientView = Static<typeof ClientView>;
export const ClientList = t.Object({ items: t.Array(ClientView) }, { title: 'ClientList' });
export const CreatedClient = t.Object({ ...clientFields, apiKey: t.String({ description: 'Its first API key: shown this once' }) }, { title: 'CreatedClient' });
const ClientName = t.String({ maxLength: 400, description: 'Trimmed, 1–100 characters, no control or bidi characters; unique per installation ignoring case (else 409)' });
export const CreateClientBody = t.Object({
  name: ClientName,
  id: t.Optional(t.String({ maxLength: 32, description: '[a-z0-9][a-z0-9-]{1,31}; generated from the name when absent' })),
});

export const RenameClientBody = t.Object({ name: ClientName });
export const ClientParams = t.Object({ id: t.String({ maxLength: 64 }) });

export const presentClient = (c: ClientRecord): ClientView => ({ id: c.id, name: c.name, createdAt: c.createdAt });

/** Who changes clients (a dashboard user, or the CLI on the data directory) and from where: what the audit log records. */
export interface InstanceCaller {
  actor: Actor;
  address: string | null;
}

/** Tenants: for dashboard users; owners and admins manage them. */
export function clientsApi(services: Pick<ApiServices, 'accounts' | 'audit'>) {
  const { accounts } = services;
  const audit = auditRecorder(services.audit);
  const as = (who: InstanceCaller, client: ClientRecord) => ({ ...who, clientId: client.id, base: '' });
  return {
    /** Every client, or only those in `reachable` (a member's or viewer's grants). */
    list: async (reachable: readonly string[] | null = null) => ({
      items: (await accounts.listClients()).filter((c) => reachable === null || reachable.includes(c.id)).map(presentClient),
    }),
    async create(who: InstanceCaller, name: string, id?: string) {
      const { client, apiKey } = await accounts.createClient(name, id || undefined);
      // Its first key is in this answer only: the log names the client.
      await audit(as(who, client), 'client.create', { id: client.id, name: client.name });
      return { ...presentClient(client), apiKey: apiKey.apiKey };
    },
    async rename(who: InstanceCaller, id: string, name: string) {
      const client = await accounts.renameClient(id, name);
      await audit(as(who, client), 'client.rename', { id: client.id, name: client.name });
      return presentClient(client);
    },
    async remove(who: InstanceCaller, id: string) {
      const client = await accounts.getClient(id);
      await accounts.deleteClient(id);
      await audit(as(who, client), 'client.delete', { id: client.id, name: client.name });
    },
  };
}
