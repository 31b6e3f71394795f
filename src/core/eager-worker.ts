import { AppError } from './errors';
import type { Limiter } from './limiter';
import type { EagerJob, EagerJobRepository } from './ports';

/** Attempts before a job that keeps failing for a passing reason (a timeout, a lost store) is recorded failed. */
export const EAGER_MAX_ATTEMPTS = 3;
/** A job claimed this long ago by a node that never finished it (it died) is claimed again. */
const STALE_CLAIM_MS = 10 * 60_000;

/**
 * Works off the persisted eager-variant queue: `concurrency` lanes, each taking a slot of the
 * lower lane of the transform limiter first and only then claiming a job, so a claimed job
 * never sits waiting and a miss never waits behind one. `compute` is delivery's own path.
 */
export function createEagerWorker(deps: {
  jobs: EagerJobRepository;
  transforms: Limiter;
  /** Delivers the path in the slot already held; resolves once the variant is stored. */
  compute: (job: EagerJob) => Promise<void>;
  /** Clients out of transforms this minute (quotas): their jobs wait in the queue, others' go ahead. */
  paced?: () => readonly string[];
  concurrency: number;
  pollMs?: number;
  now?: () => number;
  onError?: (job: EagerJob, error: unknown) => void;
}) {
  const pollMs = deps.pollMs ?? 1000;
  const now = deps.now ?? Date.now;
  const stats = { done: 0, failed: 0, retried: 0 };
  let stopped = true;
  const lanes: Promise<void>[] = [];
  const sleepers = new Set<() => void>();

  const sleep = () =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, pollMs);
      sleepers.add(wake);
    });

  /** One job in a background slot; false when there was none. */
  const step = () =>
    deps.transforms.runBackground(async () => {
      if (stopped) return false;
      const at = now();
      const job = await deps.jobs.claim(new Date(at).toISOString(), new Date(at - STALE_CLAIM_MS).toISOString(), EAGER_MAX_ATTEMPTS, deps.paced?.() ?? []);
      if (!job) return false;
      try {
        await deps.compute(job);
        await deps.jobs.finish(job.id, 'done', null);
        stats.done++;
      } catch (error) {
        deps.onError?.(job, error);
        // A refusal (4xx: the preset no longer fits this image, the image is gone) will not change.
        const lasting = error instanceof AppError && error.status < 500;
        const outcome = lasting || job.attempts >= EAGER_MAX_ATTEMPTS ? 'failed' : 'retry';
        await deps.jobs.finish(job.id, outcome, error instanceof Error ? error.message.slice(0, 500) : String(error)).catch(() => {});
        if (outcome === 'failed') stats.failed++;
        else stats.retried++;
      }
      return true;
    });

  async function lane(): Promise<void> {
    while (!stopped) {
      let worked = false;
      try {
        worked = await step();
      } catch {
        // The database is unreachable for now: try again after a pause.
      }
      if (!worked && !stopped) await sleep();
    }
  }

  return {
    stats,
    start(): void {
      if (!stopped || deps.concurrency < 1) return;
      stopped = false;
      for (let i = 0; i < deps.concurrency; i++) lanes.push(lane());
    },
    /** Jobs were added: idle lanes look at once instead of at their next poll. */
    wake(): void {
      for (const wake of [...sleepers]) wake();
    },
    /** Stops claiming and waits for the jobs in hand. */
    async stop(): Promise<void> {
      stopped = true;
      for (const wake of [...sleepers]) wake();
      await Promise.all(lanes.splice(0));
    },
  };
}

export type EagerWorker = ReturnType<typeof createEagerWorker>;
