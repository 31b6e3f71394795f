import type { EagerJob, EagerJobState } from '../core/ports';

/** An eager job as both databases return it. */
export interface EagerJobRow {
  id: string;
  client_id: string;
  image_id: string;
  image_version: number;
  preset_id: string;
  path: string;
  accept: string;
  attempts: number;
}

export const toEagerJob = (r: EagerJobRow): EagerJob => ({
  id: r.id,
  clientId: r.client_id,
  imageId: r.image_id,
  imageVersion: Number(r.image_version),
  presetId: r.preset_id,
  path: r.path,
  accept: r.accept,
  attempts: Number(r.attempts),
});

/** Why a job claimed `maxAttempts` times, never finished, is given up (its node stopped each time). */
export const abandonedError = (maxAttempts: number) =>
  `Claimed ${maxAttempts} times and never finished: the node computing it stopped (it may be what stops it)`;

/** `{ state, n }` rows as a count for every state. */
export function stateCounts(rows: readonly { state: string; n: number | string }[]): Record<EagerJobState, number> {
  const counts: Record<EagerJobState, number> = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const row of rows) if (row.state in counts) counts[row.state as EagerJobState] = Number(row.n);
  return counts;
}

/** Per-image counts from `{ image_id, state, n }` rows: running jobs are still pending to a reader. */
export function imageCounts(rows: readonly { image_id: string; state: string; n: number | string }[]) {
  const counts = new Map<string, { pending: number; ready: number; failed: number }>();
  for (const row of rows) {
    const entry = counts.get(row.image_id) ?? { pending: 0, ready: 0, failed: 0 };
    if (row.state === 'done') entry.ready += Number(row.n);
    else if (row.state === 'failed') entry.failed += Number(row.n);
    else entry.pending += Number(row.n);
    counts.set(row.image_id, entry);
  }
  return counts;
}
