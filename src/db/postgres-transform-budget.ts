import type { SQL } from 'bun';
import type { TransformBudget } from '../core/transform-budget';

/**
 * The budget every node draws on: one row per client in PostgreSQL, refilled and drawn in one
 * statement under the row's lock, so N nodes together make at most the client's transforms a
 * minute (each node counting its own allowed N times as many).
 */
export function createPostgresTransformBudget(sql: SQL): TransformBudget {
  // Refilled from the time of its last draw, never backwards (nodes' clocks differ a little).
  const draw = (clientId: string, perMinute: number, now: number, force: boolean) => sql<{ tokens: number; taken: boolean }[]>`
    WITH current AS (
      SELECT client_id, LEAST(${perMinute}::float8, tokens + GREATEST(0, ${now}::bigint - at_ms) * ${perMinute}::float8 / 60000) AS tokens
      FROM transform_budgets WHERE client_id = ${clientId} FOR UPDATE
    )
    UPDATE transform_budgets b
    SET tokens = CASE WHEN ${force}::boolean OR current.tokens >= 1 THEN current.tokens - 1 ELSE current.tokens END,
        at_ms = GREATEST(b.at_ms, ${now}::bigint)
    FROM current WHERE b.client_id = current.client_id
    RETURNING b.tokens, (${force}::boolean OR current.tokens >= 1) AS taken`;
  return {
    async take(clientId, perMinute, now, force) {
      for (;;) {
        const [row] = await draw(clientId, perMinute, now, force);
        if (row) return { taken: row.taken, tokens: Number(row.tokens) };
        // The client's first draw: a full bucket, less this one. Another node's first draw may
        // win the insert; then draw from the row it made.
        const inserted = await sql`INSERT INTO transform_budgets (client_id, tokens, at_ms) VALUES (${clientId}, ${perMinute - 1}, ${now})
          ON CONFLICT (client_id) DO NOTHING RETURNING client_id`;
        if (inserted.length > 0) return { taken: true, tokens: perMinute - 1 };
      }
    },
    async reset(clientId) {
      await sql`DELETE FROM transform_budgets WHERE client_id = ${clientId}`;
    },
    changedElsewhere() {
      // The node that changed the limit reset the shared row.
    },
  };
}
