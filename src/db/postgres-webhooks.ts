import type { SQL } from 'bun';
import type { WebhookRepository } from '../core/webhooks/ports';
import { toWebhook, type WebhookRow } from './sqlite-webhooks';

export function createPostgresWebhookRepository(sql: SQL): WebhookRepository {
  return {
    async insert(e) {
      await sql`INSERT INTO webhook_endpoints (id, client_id, url, events, secret, enabled, failing_since, disabled_at, created_at)
        VALUES (${e.id}, ${e.clientId}, ${e.url}, ${JSON.stringify(e.events)}, ${e.secret}, ${e.enabled}, ${e.failingSince}, ${e.disabledAt}, ${e.createdAt})`;
    },
    async list(clientId) {
      return (await sql<WebhookRow[]>`SELECT * FROM webhook_endpoints WHERE client_id = ${clientId} ORDER BY created_at, id`).map(toWebhook);
    },
    async get(clientId, id) {
      const [row] = await sql<WebhookRow[]>`SELECT * FROM webhook_endpoints WHERE client_id = ${clientId} AND id = ${id}`;
      return row ? toWebhook(row) : null;
    },
    async delete(clientId, id) {
      return (await sql`DELETE FROM webhook_endpoints WHERE client_id = ${clientId} AND id = ${id}`).count > 0;
    },
    async recordSuccess(id) {
      await sql`UPDATE webhook_endpoints SET failing_since = NULL, enabled = TRUE, disabled_at = NULL WHERE id = ${id}`;
    },
    async recordFailure(id, now, disableIfFailingSince) {
      const [row] = await sql<WebhookRow[]>`UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, ${now}),
          enabled = CASE WHEN COALESCE(failing_since, ${now}) <= ${disableIfFailingSince} THEN FALSE ELSE enabled END,
          disabled_at = CASE WHEN enabled AND COALESCE(failing_since, ${now}) <= ${disableIfFailingSince} THEN ${now} ELSE disabled_at END
        WHERE id = ${id} RETURNING *`;
      return row ? toWebhook(row) : null;
    },
  };
}
