import type { Database } from 'bun:sqlite';
import type { PurgeTargetRecord, PurgeTargetRepository } from '../core/purge/ports';
import type { PurgeTargetConfig } from '../core/purge/types';

export interface PurgeTargetRow {
  id: string;
  client_id: string;
  kind: string;
  config: string;
  created_at: string;
}

export const toPurgeTarget = (row: PurgeTargetRow): PurgeTargetRecord => ({
  id: row.id,
  clientId: row.client_id,
  config: { ...JSON.parse(row.config), kind: row.kind } as PurgeTargetConfig,
  createdAt: row.created_at,
});

/** The provider's fields without the kind, which has its own column. */
export function configColumn(config: PurgeTargetConfig): string {
  const { kind: _kind, ...fields } = config;
  return JSON.stringify(fields);
}

export function createSqlitePurgeTargetRepository(db: Database): PurgeTargetRepository {
  return {
    async insert(t) {
      db.query('INSERT INTO purge_targets (id, client_id, kind, config, created_at) VALUES (?, ?, ?, ?, ?)').run(t.id, t.clientId, t.config.kind, configColumn(t.config), t.createdAt);
    },
    async list(clientId) {
      return db.query<PurgeTargetRow, [string]>('SELECT * FROM purge_targets WHERE client_id = ? ORDER BY created_at, id').all(clientId).map(toPurgeTarget);
    },
    async get(clientId, id) {
      const row = db.query<PurgeTargetRow, [string, string]>('SELECT * FROM purge_targets WHERE client_id = ? AND id = ?').get(clientId, id);
      return row ? toPurgeTarget(row) : null;
    },
    async delete(clientId, id) {
      return db.query('DELETE FROM purge_targets WHERE client_id = ? AND id = ?').run(clientId, id).changes > 0;
    },
  };
}
