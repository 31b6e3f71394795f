import type { Database } from 'bun:sqlite';
import type { ChangeEventType } from '../core/outbox/change-events';
import type { WebhookEndpoint, WebhookRepository } from '../core/webhooks/ports';

export interface WebhookRow {
  id: string;
  client_id: string;
  url: string;
  events: string;
  secret: string;
  enabled: number | boolean;
  failing_since: string | null;
  disabled_at: string | null;
  created_at: string;
}

export const toWebhook = (row: WebhookRow): WebhookEndpoint => ({
  id: row.id,
  clientId: row.client_id,
  url: row.url,
  events: JSON.parse(row.events) as ChangeEventType[],
  secret: row.secret,
  enabled: Boolean(row.enabled),
  failingSince: row.failing_since,
  disabledAt: row.disabled_at,
  createdAt: row.created_at,
});

export function createSqliteWebhookRepository(db: Database): WebhookRepository {
  const byId = db.query<WebhookRow, [string]>('SELECT * FROM webhook_endpoints WHERE id = ?');
  return {
    async insert(e) {
      db.query(
        'INSERT INTO webhook_endpoints (id, client_id, url, events, secret, enabled, failing_since, disabled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(e.id, e.clientId, e.url, JSON.stringify(e.events), e.secret, e.enabled ? 1 : 0, e.failingSince, e.disabledAt, e.createdAt);
    },
    async list(clientId) {
      return db.query<WebhookRow, [string]>('SELECT * FROM webhook_endpoints WHERE client_id = ? ORDER BY created_at, id').all(clientId).map(toWebhook);
    },
    async get(clientId, id) {
      const row = byId.get(id);
      return row && row.client_id === clientId ? toWebhook(row) : null;
    },
    async delete(clientId, id) {
      return db.query('DELETE FROM webhook_endpoints WHERE client_id = ? AND id = ?').run(clientId, id).changes > 0;
    },
    async recordSuccess(id) {
      db.query('UPDATE webhook_endpoints SET failing_since = NULL, enabled = TRUE, disabled_at = NULL WHERE id = ?').run(id);
    },
    async recordFailure(id, now, disableIfFailingSince) {
      const row = db
        .query<WebhookRow, [string, string, string, string]>(
          `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ?1),
             enabled = CASE WHEN COALESCE(failing_since, ?1) <= ?2 THEN 0 ELSE enabled END,
             disabled_at = CASE WHEN enabled = 1 AND COALESCE(failing_since, ?1) <= ?2 THEN ?3 ELSE disabled_at END
           WHERE id = ?4 RETURNING *`,
        )
        .get(now, disableIfFailingSince, now, id);
      return row ? toWebhook(row) : null;
    },
  };
}
