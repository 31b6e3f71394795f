import type { SQL } from 'bun';
import type { UsageRepository } from '../core/usage';

export function createPostgresUsageRepository(sql: SQL): UsageRepository {
  return {
    async ofClient(clientId) {
      // SUM of a BIGINT is NUMERIC: text on the wire, a number here (bytes stay below 2^53).
      const [row] = await sql<{ images: number; bytes: string }[]>`SELECT count(*)::int AS images, COALESCE(sum(bytes), 0)::text AS bytes FROM images WHERE client_id = ${clientId}`;
      return { images: row!.images, originalBytes: Number(row!.bytes) };
    },
  };
}
