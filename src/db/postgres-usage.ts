import type { SQL } from 'bun';
import type { UsageDay, UsageRepository } from '../core/usage';

type DayRow = { [K in keyof UsageDay]: string };

export function createPostgresUsageRepository(sql: SQL): UsageRepository {
  return {
    async ofClient(clientId) {
      // SUM of a BIGINT is NUMERIC: text on the wire, a number here (bytes stay below 2^53).
      const [row] = await sql<{ images: number; bytes: string }[]>`SELECT count(*)::int AS images, COALESCE(sum(bytes), 0)::text AS bytes FROM images WHERE client_id = ${clientId}`;
      return { images: row!.images, originalsBytes: Number(row!.bytes) };
    },

    async addDays(deltas) {
      if (deltas.length === 0) return;
      await sql.begin(async (tx) => {
        // A client deleted since the counts were taken has no row to add to: its counts are
        // dropped, not the whole flush.
        const ids = [...new Set(deltas.map((d) => d.clientId))];
        const known = new Set((await tx<{ id: string }[]>`SELECT id FROM clients WHERE id IN ${tx(ids)}`).map((row) => row.id));
        // Sorted, so concurrent flushes from several nodes lock rows in the same order (no deadlock).
        const rows = deltas
          .filter((d) => known.has(d.clientId))
          .sort((a, b) => (a.clientId === b.clientId ? (a.date < b.date ? -1 : 1) : a.clientId < b.clientId ? -1 : 1))
          .map((d) => ({ client_id: d.clientId, day: d.date, deliveries: d.deliveries, bytes_served: d.bytesServed, hits: d.hits, misses: d.misses, transforms: d.transforms, uploads: d.uploads }));
        if (rows.length === 0) return;
        await tx`INSERT INTO usage_days ${tx(rows)}
          ON CONFLICT (client_id, day) DO UPDATE SET
            deliveries = usage_days.deliveries + excluded.deliveries, bytes_served = usage_days.bytes_served + excluded.bytes_served,
            hits = usage_days.hits + excluded.hits, misses = usage_days.misses + excluded.misses,
            transforms = usage_days.transforms + excluded.transforms, uploads = usage_days.uploads + excluded.uploads`;
      });
    },

    async days(clientId, from, to) {
      // BIGINT comes back as text: numbers here (counts stay below 2^53).
      const rows = await sql<DayRow[]>`
        SELECT day AS date, deliveries::text, bytes_served::text AS "bytesServed", hits::text, misses::text, transforms::text, uploads::text
        FROM usage_days WHERE client_id = ${clientId} AND day BETWEEN ${from} AND ${to} ORDER BY day`;
      return rows.map((row) => ({
        date: row.date,
        deliveries: Number(row.deliveries),
        bytesServed: Number(row.bytesServed),
        hits: Number(row.hits),
        misses: Number(row.misses),
        transforms: Number(row.transforms),
        uploads: Number(row.uploads),
      }));
    },
  };
}
