/**
 * The outbox: background work (webhook deliveries, CDN purges, …) written as rows in the same
 * database transaction as the change that causes it, then worked off at least once by the
 * dispatcher on every node.
 *
 * How to use it from a feature (e.g. CDN purge):
 * 1. Turn a change into messages: add a `ChangeSubscriber` (see `change-events.ts`) that maps a
 *    `ChangeEvent` to `OutboxMessage[]` (`{ id: newMessageId(), kind: 'purge', clientId, payload }`).
 *    The core services pass those messages to the repository call that commits the change, so
 *    both commit or neither does. Outside a change, `OutboxRepository.enqueue` writes them alone.
 * 2. Register a sender for the kind on the dispatcher (`dispatcher.register('purge', send)`),
 *    which returns `{ ok: true }`, `{ ok: false, error }` (retried with exponential back-off) or
 *    `{ ok: false, error, drop: true }` (given up). A thrown error counts as a retryable failure.
 * 3. Record each attempt with `OutboxRepository.logAttempt` under the target's id (an endpoint,
 *    a purge target); the last 100 per target are kept and listed by `attempts(targetId)`.
 */

export interface OutboxMessage {
  /** Unique; the same across retries (a webhook's `webhook-id`). Writing an id twice keeps the first. */
  id: string;
  /** Names the sender that works it off. */
  kind: string;
  clientId: string;
  /** Anything JSON can hold. */
  payload: unknown;
}

export interface ClaimedMessage extends OutboxMessage {
  /** 1 on the first attempt. */
  attempt: number;
  /** When the row was written, epoch ms. */
  createdAt: number;
}

export interface DeliveryAttempt {
  targetId: string;
  messageId: string;
  /** The event or purge kind the attempt carried. */
  event: string;
  attempt: number;
  ok: boolean;
  /** HTTP status, null when no response came (refused, timeout, DNS). */
  status: number | null;
  latencyMs: number;
  error: string | null;
  at: string;
}

export interface OutboxRepository {
  /** Writes messages outside a change (an id already there is left as it is). */
  enqueue(messages: readonly OutboxMessage[], now: number): Promise<void>;
  /**
   * Claims up to `limit` due rows atomically (one node gets each) and leases them for `leaseMs`:
   * a row not completed or rescheduled by then is due again.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedMessage[]>;
  /**
   * Deletes the row, but only while it is still the claim `attempt` returned: a row whose lease
   * ran out and that another node claimed again is left to that node.
   */
  complete(id: string, attempt: number): Promise<void>;
  /** Makes the row due at `at`, under the same condition as `complete`. */
  reschedule(id: string, attempt: number, at: number, error: string): Promise<void>;
  /** Keeps the last 100 attempts of the target. */
  logAttempt(attempt: DeliveryAttempt): Promise<void>;
  /** Newest first. */
  attempts(targetId: string, limit: number): Promise<DeliveryAttempt[]>;
  /** Rows not yet delivered (for /metrics and tests). */
  pending(): Promise<number>;
}

/** Messages written in the transaction of a repository call, computed from what it commits. */
export type OutboxWrite<T> = (committed: T) => readonly OutboxMessage[];

export const MAX_ATTEMPTS_KEPT = 100;
