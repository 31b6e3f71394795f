import { t, type Static } from 'elysia';
import type { ClientRecord } from '../core/ports';
import type { ApiServices } from './services';

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

/** Tenants: for dashboard users, who manage every client. */
export function clientsApi(services: Pick<ApiServices, 'accounts'>) {
  const { accounts } = services;
  return {
    list: async () => ({ items: (await accounts.listClients()).map(presentClient) }),
    async create(name: string, id?: string) {
      const { client, apiKey } = await accounts.createClient(name, id || undefined);
      return { ...presentClient(client), apiKey: apiKey.apiKey };
    },
    rename: async (id: string, name: string) => presentClient(await accounts.renameClient(id, name)),
    remove: (id: string) => accounts.deleteClient(id),
  };
}
