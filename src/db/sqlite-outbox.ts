import type { Database } from 'bun:sqlite';
import { MAX_ATTEMPTS_KEPT, type ClaimedMessage, type DeliveryAttempt, type OutboxMessage, type OutboxRepository } from '../core/outbox/ports';

interface OutboxRow {
  id: string;
  kind: string;
  client_id: string;
  payload: string;
  created_at: number;
  attempts: number;
}

interface AttemptRow {
  target_id: string;
  message_id: string;
  event: string;
  attempt: number;
  ok: number | boolean;
  status: number | null;
  latency_ms: number;
  error: string | null;
  at: string;
}

export const toAttempt = (row: AttemptRow): DeliveryAttempt => ({
  targetId: row.target_id,
  messageId: row.message_id,
  event: row.event,
  attempt: Number(row.attempt),
  ok: Boolean(row.ok),
  status: row.status === null ? null : Number(row.status),
  latencyMs: Number(row.latency_ms),
  error: row.error,
  at: row.at,
});

export const toClaimed = (row: OutboxRow): ClaimedMessage => ({
  id: row.id,
  kind: row.kind,
  clientId: row.client_id,
  payload: JSON.parse(row.payload),
  attempt: Number(row.attempts),
  createdAt: Number(row.created_at),
});

/** Writes outbox rows on `db`; call it inside the transaction that commits the change. */
export function writeOutbox(db: Database, messages: readonly OutboxMessage[], now = Date.now()): void {
  if (messages.length === 0) return;
  const insert = db.query(
    'INSERT INTO outbox (id, kind, client_id, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
  );
  for (const m of messages) insert.run(m.id, m.kind, m.clientId, JSON.stringify(m.payload), now, now);
}

export function createSqliteOutboxRepository(db: Database): OutboxRepository {
  // One statement: the rows it returns are this connection's, and SQLite serialises writers.
  const claim = db.query<OutboxRow, [number, number, number]>(
    `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?1
     WHERE id IN (SELECT id FROM outbox WHERE next_attempt_at <= ?2 ORDER BY next_attempt_at LIMIT ?3)
     RETURNING id, kind, client_id, payload, created_at, attempts`,
  );
  const enqueue = db.transaction((messages: readonly OutboxMessage[], now: number) => writeOutbox(db, messages, now));
  const log = db.transaction((a: DeliveryAttempt) => {
    db.query(
      'INSERT INTO outbox_attempts (target_id, message_id, event, attempt, ok, status, latency_ms, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(a.targetId, a.messageId, a.event, a.attempt, a.ok ? 1 : 0, a.status, Math.round(a.latencyMs), a.error, a.at);
    db.query(
      `DELETE FROM outbox_attempts WHERE target_id = ?1 AND seq <= (
         SELECT seq FROM outbox_attempts WHERE target_id = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)`,
    ).run(a.targetId, MAX_ATTEMPTS_KEPT);
  });
  return {
    async enqueue(messages, now) {
      enqueue(messages, now);
    },
    async claimDue(now, limit, leaseMs) {
      return claim.all(now + leaseMs, now, limit).map(toClaimed);
    },
    async complete(id, attempt) {
      db.query('DELETE FROM outbox WHERE id = ? AND attempts = ?').run(id, attempt);
    },
    async reschedule(id, attempt, at, error) {
      db.query('UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ? AND attempts = ?').run(at, error.slice(0, 1000), id, attempt);
    },
    async logAttempt(attempt) {
      log(attempt);
    },
    async attempts(targetId, limit) {
      return db
        .query<AttemptRow, [string, number]>('SELECT * FROM outbox_attempts WHERE target_id = ? ORDER BY seq DESC LIMIT ?')
        .all(targetId, limit)
        .map(toAttempt);
    },
    async pending() {
      return db.query<{ n: number }, []>('SELECT count(*) AS n FROM outbox').get()!.n;
    },
  };
}
