import { createPeriodicJob, type PeriodicJob } from './periodic-job';
import type { Trash } from './trash';

/**
 * Empties the trash of what is past its days: a pass at start and every `intervalMs`. Every
 * node runs one; each trashed image's row is deleted by one of them only (the others' deletes
 * find nothing), and only that node removes its files, so passes may overlap safely.
 */
export function createTrashSweeper(deps: { trash: Pick<Trash, 'purgeExpired'>; intervalMs: number; onError?: (error: unknown) => void }): PeriodicJob {
  return createPeriodicJob({ name: 'trash sweep', pass: () => deps.trash.purgeExpired(), intervalMs: deps.intervalMs, onError: deps.onError });
}
