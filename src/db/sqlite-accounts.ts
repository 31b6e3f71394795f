import type { Database } from 'bun:sqlite';
import type { ApiKeyRepository, ClientRepository } from '../core/ports';
import { KEY_COLUMNS, toClient, toKey, type ClientRow, type KeyRow } from './rows';
import { clientConflict } from './client-conflict';
import { isUniqueViolation } from './sqlite';

export function createSqliteClientRepository(db: Database): ClientRepository {
  const byId = db.query<ClientRow, [string]>('SELECT * FROM clients WHERE id = ?');
  return {
    async insert(c) {
      try {
        db.query('INSERT INTO clients (id, name, signing_secret, created_at) VALUES (?, ?, ?, ?)').run(c.id, c.name, c.signingSecret, c.createdAt);
      } catch (error) {
        throw clientConflict(error, isUniqueViolation(error), c);
      }
    },
    async get(id) {
      const row = byId.get(id);
      return row ? toClient(row) : null;
    },
    async list() {
      return db.query<ClientRow, []>('SELECT * FROM clients ORDER BY created_at, id').all().map(toClient);
    },
    async rotateSecret(id, current, secret, previous) {
      return (
        db
          .query('UPDATE clients SET signing_secret = ?, previous_signing_secret = ?, previous_secret_valid_until = ? WHERE id = ? AND signing_secret = ?')
          .run(secret, previous?.secret ?? null, previous?.validUntil ?? null, id, current).changes > 0
      );
    },
    async rename(id, name) {
      try {
        return db.query('UPDATE clients SET name = ? WHERE id = ?').run(name, id).changes > 0;
      } catch (error) {
        throw clientConflict(error, isUniqueViolation(error), { id, name });
      }
    },
    async delete(id) {
      return db.query('DELETE FROM clients WHERE id = ?').run(id).changes > 0;
    },
  };
}

export function createSqliteApiKeyRepository(db: Database): ApiKeyRepository {
  const byHash = db.query<KeyRow, [string]>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = ?`,
  );
  return {
    async insert(k, keyHash) {
      db.query('INSERT INTO api_keys (id, client_id, name, prefix, key_hash, created_at, last_used_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(k.id, k.clientId, k.name, k.prefix, keyHash, k.createdAt, k.lastUsedAt, k.createdBy);
    },
    async findByHash(keyHash) {
      const row = byHash.get(keyHash);
      return row ? toKey(row) : null;
    },
    async list(clientId) {
      return db
        .query<KeyRow, [string]>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE client_id = ? ORDER BY created_at, id`)
        .all(clientId)
        .map(toKey);
    },
    async listByCreator(userId) {
      return db
        .query<KeyRow, [string]>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE created_by = ? ORDER BY created_at, id`)
        .all(userId)
        .map(toKey);
    },
    async countByCreator() {
      const rows = db.query<{ created_by: string; n: number }, []>('SELECT created_by, count(*) AS n FROM api_keys WHERE created_by IS NOT NULL GROUP BY created_by').all();
      return new Map(rows.map((r) => [r.created_by, r.n]));
    },
    async delete(clientId, id) {
      return db.query('DELETE FROM api_keys WHERE client_id = ? AND id = ?').run(clientId, id).changes > 0;
    },
    async touch(id, at) {
      db.query('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(at, id);
    },
  };
}
