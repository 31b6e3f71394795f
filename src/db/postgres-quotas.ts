import type { SQL } from 'bun';
import { NO_QUOTAS, type QuotaRepository, type StoredTotals } from '../core/quotas';
import { toQuotas } from './sqlite-quotas';

type QuotaRow = Parameters<typeof toQuotas>[0] & { client_id: string };

/**
 * Images and originals' bytes of a client on `db`. Inside a write's transaction, after
 * `lockClientQuota`: the totals every other quota-checked write of the client has committed.
 */
export async function storedTotals(db: SQL, clientId: string): Promise<StoredTotals> {
  // SUM of a BIGINT is NUMERIC: text on the wire, a number here (bytes stay below 2^53).
  const [row] = await db<{ images: number; bytes: string }[]>`SELECT count(*)::int AS images, COALESCE(sum(bytes), 0)::text AS bytes FROM images WHERE client_id = ${clientId}`;
  return { images: row!.images, bytes: Number(row!.bytes) };
}

/**
 * Quota-checked writes of one client take turns (on every node): each counts after the one
 * before it committed. FOR NO KEY UPDATE leaves the foreign-key checks of other writes free.
 */
export async function lockClientQuota(db: SQL, clientId: string): Promise<void> {
  await db`SELECT id FROM clients WHERE id = ${clientId} FOR NO KEY UPDATE`;
}

export function createPostgresQuotaRepository(sql: SQL): QuotaRepository {
  return {
    async get(clientId) {
      const [row] = await sql<QuotaRow[]>`SELECT * FROM client_quotas WHERE client_id = ${clientId}`;
      return row ? toQuotas(row) : { ...NO_QUOTAS };
    },
    async set(clientId, q, at) {
      await sql`INSERT INTO client_quotas (client_id, max_images, max_bytes, max_upload_bytes, max_transforms_per_minute, updated_at)
        VALUES (${clientId}, ${q.maxImages}, ${q.maxBytes}, ${q.maxUploadBytes}, ${q.maxTransformsPerMinute}, ${at})
        ON CONFLICT (client_id) DO UPDATE SET max_images = EXCLUDED.max_images, max_bytes = EXCLUDED.max_bytes,
          max_upload_bytes = EXCLUDED.max_upload_bytes, max_transforms_per_minute = EXCLUDED.max_transforms_per_minute, updated_at = EXCLUDED.updated_at`;
    },
    async all() {
      const rows = await sql<QuotaRow[]>`SELECT * FROM client_quotas`;
      return new Map(rows.map((row) => [row.client_id, toQuotas(row)]));
    },
    async stored(clientId) {
      return storedTotals(sql, clientId);
    },
  };
}
