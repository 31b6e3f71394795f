import type { Database } from 'bun:sqlite';
import type { UsageDay, UsageRepository } from '../core/usage';

export function createSqliteUsageRepository(db: Database): UsageRepository {
  const ofClient = db.query<{ images: number; bytes: number }, [string]>('SELECT COUNT(*) AS images, COALESCE(SUM(bytes), 0) AS bytes FROM images WHERE client_id = ?');
  // A client deleted since the counts were taken has no row to add to: its counts are dropped,
  // not the whole flush.
  const add = db.query(
    `INSERT INTO usage_days (client_id, day, deliveries, bytes_served, hits, misses, transforms, uploads)
     SELECT $clientId, $date, $deliveries, $bytesServed, $hits, $misses, $transforms, $uploads WHERE EXISTS (SELECT 1 FROM clients WHERE id = $clientId)
     ON CONFLICT (client_id, day) DO UPDATE SET
       deliveries = deliveries + excluded.deliveries, bytes_served = bytes_served + excluded.bytes_served,
       hits = hits + excluded.hits, misses = misses + excluded.misses,
       transforms = transforms + excluded.transforms, uploads = uploads + excluded.uploads`,
  );
  const addAll = db.transaction((deltas: Parameters<UsageRepository['addDays']>[0]) => {
    for (const d of deltas) {
      add.run({ clientId: d.clientId, date: d.date, deliveries: d.deliveries, bytesServed: d.bytesServed, hits: d.hits, misses: d.misses, transforms: d.transforms, uploads: d.uploads });
    }
  });
  const days = db.query<UsageDay, [string, string, string]>(
    `SELECT day AS date, deliveries, bytes_served AS bytesServed, hits, misses, transforms, uploads
     FROM usage_days WHERE client_id = ? AND day BETWEEN ? AND ? ORDER BY day`,
  );
  return {
    async ofClient(clientId) {
      const row = ofClient.get(clientId)!;
      return { images: row.images, originalsBytes: row.bytes };
    },
    async addDays(deltas) {
      if (deltas.length > 0) addAll(deltas);
    },
    async days(clientId, from, to) {
      return days.all(clientId, from, to);
    },
  };
}
