import type { SQL } from 'bun';
import { MAX_ATTEMPTS_KEPT, type OutboxMessage, type OutboxRepository } from '../core/outbox/ports';
import { toAttempt, toClaimed } from './sqlite-outbox';

/** Writes outbox rows on `tx`; call it inside the transaction that commits the change. */
export async function writeOutbox(tx: SQL, messages: readonly OutboxMessage[], now = Date.now()): Promise<void> {
  for (const m of messages) {
    await tx`INSERT INTO outbox (id, kind, client_id, payload, created_at, next_attempt_at)
      VALUES (${m.id}, ${m.kind}, ${m.clientId}, ${JSON.stringify(m.payload)}, ${now}, ${now}) ON CONFLICT (id) DO NOTHING`;
  }
}

export function createPostgresOutboxRepository(sql: SQL): OutboxRepository {
  return {
    async enqueue(messages, now) {
      if (messages.length > 0) await sql.begin((tx) => writeOutbox(tx, messages, now));
    },
    async claimDue(now, limit, leaseMs) {
      // SKIP LOCKED: nodes claiming at the same moment take different rows instead of waiting.
      const rows = await sql`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ${now + leaseMs}
        WHERE id IN (SELECT id FROM outbox WHERE next_attempt_at <= ${now} ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING id, kind, client_id, payload, created_at, attempts`;
      return rows.map(toClaimed);
    },
    async complete(id, attempt) {
      await sql`DELETE FROM outbox WHERE id = ${id} AND attempts = ${attempt}`;
    },
    async reschedule(id, attempt, at, error) {
      await sql`UPDATE outbox SET next_attempt_at = ${at}, last_error = ${error.slice(0, 1000)} WHERE id = ${id} AND attempts = ${attempt}`;
    },
    async logAttempt(a) {
      await sql.begin(async (tx) => {
        await tx`INSERT INTO outbox_attempts (target_id, message_id, event, attempt, ok, status, latency_ms, error, at)
          VALUES (${a.targetId}, ${a.messageId}, ${a.event}, ${a.attempt}, ${a.ok}, ${a.status}, ${Math.round(a.latencyMs)}, ${a.error}, ${a.at})`;
        await tx`DELETE FROM outbox_attempts WHERE target_id = ${a.targetId} AND seq <= (
          SELECT seq FROM outbox_attempts WHERE target_id = ${a.targetId} ORDER BY seq DESC LIMIT 1 OFFSET ${MAX_ATTEMPTS_KEPT})`;
      });
    },
    async attempts(targetId, limit) {
      return (await sql`SELECT * FROM outbox_attempts WHERE target_id = ${targetId} ORDER BY seq DESC LIMIT ${limit}`).map(toAttempt);
    },
    async pending() {
      const [row] = await sql`SELECT count(*)::int AS n FROM outbox`;
      return row.n;
    },
  };
}
