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
  createdBy: t.Union([t.Object({ id: t.String(), username: t.String() }), t.Null()], {
    description: 'The dashboard user who made the key (disabling them can revoke it); null when the CLI or another key made it',
  }),
};
export const KeyView = t.Object(keyFields, { title: 'ApiKey' });
export type KeyView = Static<typeof KeyView>;
export const KeyList = t.Object({ items: t.Array(KeyView) }, { title: 'ApiKeyList' });
export const CreatedKey = t.Object({ ...keyFields, apiKey: t.String({ description: 'The key itself: shown this once' }) }, { title: 'CreatedApiKey' });
export type CreatedKey = Static<typeof CreatedKey>;
export const CreateKeyBody = t.Optional(t.Object({ name: t.Optional(t.String({ maxLength: 100 })) }));

/** `makers`: user id → user name, for the keys' `createdBy`. */
export const presentKey = (k: ApiKeyRecord, makers: ReadonlyMap<string, string>): KeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  createdBy: k.createdBy === null ? null : { id: k.createdBy, username: makers.get(k.createdBy) ?? k.createdBy },
});

export function keysApi(services: ApiServices) {
  const { accounts, users } = services;
  const audit = auditRecorder(services.audit);
  /**
   * The user a new key answers to: the dashboard user making it, or the maker of the key making
   * it, so a key made with a user's key is revoked with theirs (one request must not outlive them).
   */
  async function makerOf(caller: Caller): Promise<string | null> {
    if (caller.actor.kind === 'user') return caller.actor.id;
    if (caller.actor.kind !== 'key' || caller.actor.id === null) return null;
    return (await accounts.listKeys(caller.clientId)).find((k) => k.id === caller.actor.id)?.createdBy ?? null;
  }
  return {
    async list(caller: Caller) {
      const keys = await accounts.listKeys(caller.clientId);
      const makers = keys.some((k) => k.createdBy !== null) ? new Map((await users.list()).map((u) => [u.id, u.username])) : new Map<string, string>();
      return { items: keys.map((k) => presentKey(k, makers)) };
    },
    async create(caller: Caller, name?: string): Promise<CreatedKey> {
      const maker = await makerOf(caller);
      const { key, apiKey } = await accounts.createKey(caller.clientId, name, maker);
      // The key's id and name only: the key itself is in this answer and nowhere else.
      await audit(caller, 'key.create', { id: key.id, name: key.name });
      const makers = maker ? new Map((await users.list()).filter((u) => u.id === maker).map((u) => [u.id, u.username])) : new Map<string, string>();
      return { ...presentKey(key, makers), apiKey };
    },
    async revoke(caller: Caller, id: string) {
      const key = (await accounts.listKeys(caller.clientId)).find((k) => k.id === id);
      await accounts.revokeKey(caller.clientId, id);
      await audit(caller, 'key.revoke', { id, name: key?.name ?? null });
    },
  };
}
