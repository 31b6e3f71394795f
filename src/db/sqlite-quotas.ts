import type { Database } from 'bun:sqlite';
import { NO_QUOTAS, type QuotaRepository, type Quotas, type StoredTotals } from '../core/quotas';

interface QuotaRow {
  client_id: string;
  max_images: number | null;
  max_bytes: number | null;
  max_upload_bytes: number | null;
  max_transforms_per_minute: number | null;
}

export const toQuotas = (row: Omit<QuotaRow, 'client_id'>): Quotas => ({
  maxImages: row.max_images === null ? null : Number(row.max_images),
  maxBytes: row.max_bytes === null ? null : Number(row.max_bytes),
  maxUploadBytes: row.max_upload_bytes === null ? null : Number(row.max_upload_bytes),
  maxTransformsPerMinute: row.max_transforms_per_minute === null ? null : Number(row.max_transforms_per_minute),
});

/** Images and originals' bytes of a client, on `db` (inside a write's transaction, or not). */
export function storedTotals(db: Database, clientId: string): StoredTotals {
  const row = db.query<{ images: number; bytes: number }, [string]>('SELECT count(*) AS images, COALESCE(SUM(bytes), 0) AS bytes FROM images WHERE client_id = ?').get(clientId)!;
  return { images: row.images, bytes: row.bytes };
}

export function createSqliteQuotaRepository(db: Database): QuotaRepository {
  const byClient = db.query<QuotaRow, [string]>('SELECT * FROM client_quotas WHERE client_id = ?');
  return {
    async get(clientId) {
      const row = byClient.get(clientId);
      return row ? toQuotas(row) : { ...NO_QUOTAS };
    },
    async set(clientId, q, at) {
      db.query(
        `INSERT INTO client_quotas (client_id, max_images, max_bytes, max_upload_bytes, max_transforms_per_minute, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (client_id) DO UPDATE SET max_images = excluded.max_images, max_bytes = excluded.max_bytes,
           max_upload_bytes = excluded.max_upload_bytes, max_transforms_per_minute = excluded.max_transforms_per_minute, updated_at = excluded.updated_at`,
      ).run(clientId, q.maxImages, q.maxBytes, q.maxUploadBytes, q.maxTransformsPerMinute, at);
    },
    async all() {
      const rows = db.query<QuotaRow, []>('SELECT * FROM client_quotas').all();
      return new Map(rows.map((row) => [row.client_id, toQuotas(row)]));
    },
    async stored(clientId) {
      return storedTotals(db, clientId);
    },
  };
}
