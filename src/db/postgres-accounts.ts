import type { SQL } from 'bun';
import { conflict } from '../core/errors';
import type { ApiKeyRepository, ClientRepository } from '../core/ports';
import { clientConflict } from './client-conflict';
import { isUniqueViolation } from './postgres';
import { KEY_COLUMNS, toClient, toKey, type ClientRow, type KeyRow } from './rows';

/** Runs an insert; a duplicate key becomes a 409 with `message`. */
export async function insertUnique(run: () => Promise<unknown>, message: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(message);
    throw error;
  }
}

export function createPostgresClientRepository(sql: SQL): ClientRepository {
  return {
    async insert(c) {
      try {
        await sql`INSERT INTO clients (id, name, signing_secret, created_at) VALUES (${c.id}, ${c.name}, ${c.signingSecret}, ${c.createdAt})`;
      } catch (error) {
        throw clientConflict(error, isUniqueViolation(error), c);
      }
    },
    async get(id) {
      const [row] = await sql<ClientRow[]>`SELECT * FROM clients WHERE id = ${id}`;
      return row ? toClient(row) : null;
    },
    async list() {
      return (await sql<ClientRow[]>`SELECT * FROM clients ORDER BY created_at, id`).map(toClient);
    },
    async rotateSecret(id, current, secret, previous) {
      const rows = await sql`UPDATE clients SET signing_secret = ${secret}, previous_signing_secret = ${previous?.secret ?? null},
        previous_secret_valid_until = ${previous?.validUntil ?? null} WHERE id = ${id} AND signing_secret = ${current} RETURNING id`;
      return rows.length > 0;
    },
    async rename(id, name) {
      try {
        return (await sql`UPDATE clients SET name = ${name} WHERE id = ${id} RETURNING id`).length > 0;
      } catch (error) {
        throw clientConflict(error, isUniqueViolation(error), { id, name });
      }
    },
    async delete(id) {
      return (await sql`DELETE FROM clients WHERE id = ${id} RETURNING id`).length > 0;
    },
  };
}

export function createPostgresApiKeyRepository(sql: SQL): ApiKeyRepository {
  return {
    async insert(k, keyHash) {
      await sql`INSERT INTO api_keys (id, client_id, name, prefix, key_hash, created_at, last_used_at, created_by)
        VALUES (${k.id}, ${k.clientId}, ${k.name}, ${k.prefix}, ${keyHash}, ${k.createdAt}, ${k.lastUsedAt}, ${k.createdBy})`;
    },
    async findByHash(keyHash) {
      const [row] = await sql.unsafe<KeyRow[]>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = $1`, [keyHash]);
      return row ? toKey(row) : null;
    },
    async list(clientId) {
      const rows = await sql.unsafe<KeyRow[]>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE client_id = $1 ORDER BY created_at, id`, [clientId]);
      return rows.map(toKey);
    },
    async listByCreator(userId) {
      const rows = await sql.unsafe<KeyRow[]>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE created_by = $1 ORDER BY created_at, id`, [userId]);
      return rows.map(toKey);
    },
    async countByCreator() {
      const rows = await sql<{ created_by: string; n: string }[]>`SELECT created_by, count(*) AS n FROM api_keys WHERE created_by IS NOT NULL GROUP BY created_by`;
      return new Map(rows.map((r) => [r.created_by, Number(r.n)]));
    },
    async delete(clientId, id) {
      return (await sql`DELETE FROM api_keys WHERE client_id = ${clientId} AND id = ${id}`).count > 0;
    },
    async touch(id, at) {
      await sql`UPDATE api_keys SET last_used_at = ${at} WHERE id = ${id}`;
    },
  };
}
