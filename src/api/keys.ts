import { t, type Static } from 'elysia';
import type { ApiKeyRecord } from '../core/ports';
import type { ApiServices, Caller } from './services';
import { auditRecorder } from './audit';

const keyFields = {
  id: t.String(),
  name: t.String(),
  prefix: t.String({ description: 'The first characters of the key, to recognise it' }),
  createdAt: t.String({ format: 'date-time' }),
  lastUsedAt: t.Union([t.String({ format: 'date-time' }), t.Null()]),
};
export const KeyView = t.Object(keyFields, { title: 'ApiKey' });
export type KeyView = Static<typeof KeyView>;
export const KeyList = t.Object({ items: t.Array(KeyView) }, { title: 'ApiKeyList' });
export const CreatedKey = t.Object({ ...keyFields, apiKey: t.String({ description: 'The key itself: shown this once' }) }, { title: 'CreatedApiKey' });
export type CreatedKey = Static<typeof CreatedKey>;
export const CreateKeyBody = t.Optional(t.Object({ name: t.Optional(t.String({ maxLength: 100 })) }));

export const presentKey = (k: ApiKeyRecord): KeyView => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt });

export function keysApi(services: ApiServices) {
  const { accounts } = services;
  const audit = auditRecorder(services.audit);
  return {
    list: async (caller: Caller) => ({ items: (await accounts.listKeys(caller.clientId)).map(presentKey) }),
    async create(caller: Caller, name?: string): Promise<CreatedKey> {
      const { key, apiKey } = await accounts.createKey(caller.clientId, name);
      // The key's id and name only: the key itself is in this answer and nowhere else.
      await audit(caller, 'key.create', { id: key.id, name: key.name });
      return { ...presentKey(key), apiKey };
    },
    async revoke(caller: Caller, id: string) {
      const key = (await accounts.listKeys(caller.clientId)).find((k) => k.id === id);
      await accounts.revokeKey(caller.clientId, id);
      await audit(caller, 'key.revoke', { id, name: key?.name ?? null });
    },
  };
}
