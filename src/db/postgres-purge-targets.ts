import type { SQL } from 'bun';
import type { PurgeTargetRepository } from '../core/purge/ports';
import { configColumn, toPurgeTarget, type PurgeTargetRow } from './sqlite-purge-targets';

export function createPostgresPurgeTargetRepository(sql: SQL): PurgeTargetRepository {
  return {
    async insert(t) {
      await sql`INSERT INTO purge_targets (id, client_id, kind, config, created_at)
        VALUES (${t.id}, ${t.clientId}, ${t.config.kind}, ${configColumn(t.config)}, ${t.createdAt})`;
    },
    async list(clientId) {
      return (await sql<PurgeTargetRow[]>`SELECT * FROM purge_targets WHERE client_id = ${clientId} ORDER BY created_at, id`).map(toPurgeTarget);
    },
    async get(clientId, id) {
      const [row] = await sql<PurgeTargetRow[]>`SELECT * FROM purge_targets WHERE client_id = ${clientId} AND id = ${id}`;
      return row ? toPurgeTarget(row) : null;
    },
    async delete(clientId, id) {
      return (await sql`DELETE FROM purge_targets WHERE client_id = ${clientId} AND id = ${id}`).count > 0;
    },
  };
}
