import { t } from 'elysia';
import type { DeliveryAttempt } from '../core/outbox/ports';
import { Integer } from './integer';

/**
 * What one outbound call reports, the same for a webhook delivery and a purge: the caller adds
 * the id its retries share (`webhookId`, `purgeId`) and says what `event` holds.
 */
export const attemptFields = (eventDoc: string) => ({
  event: t.String({ description: eventDoc }),
  attempt: Integer({ description: '1 for the first try' }),
  ok: t.Boolean(),
  status: t.Union([Integer(), t.Null()], { description: 'HTTP status of the failing (or last) call; null when no answer came' }),
  latencyMs: Integer(),
  error: t.Union([t.String(), t.Null()]),
  at: t.String({ format: 'date-time' }),
});

export const presentAttemptFields = (a: DeliveryAttempt) => ({
  event: a.event,
  attempt: a.attempt,
  ok: a.ok,
  status: a.status,
  latencyMs: a.latencyMs,
  error: a.error,
  at: a.at,
});
