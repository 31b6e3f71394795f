import type { Database } from 'bun:sqlite';
import type { UsageRepository } from '../core/usage';

export function createSqliteUsageRepository(db: Database): UsageRepository {
  const ofClient = db.query<{ images: number; bytes: number }, [string]>('SELECT COUNT(*) AS images, COALESCE(SUM(bytes), 0) AS bytes FROM images WHERE client_id = ?');
  return {
    async ofClient(clientId) {
      const row = ofClient.get(clientId)!;
      return { images: row.images, originalBytes: row.bytes };
    },
  };
}
