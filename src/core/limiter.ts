import { AppError } from './errors';
import { createFairQueue } from './fair-queue';

/** How waiting misses are ordered: fairly across clients (the default), or in arrival order (IMGAPI_TRANSFORM_QUEUE=fifo). */
export type QueueOrder = 'fair' | 'fifo';

const busy = () => new AppError('overloaded', 'Too many transforms in progress; retry shortly', { details: { retryAfterSeconds: 1 } });

/**
 * Runs at most `concurrency` tasks at once; up to `maxQueue` more wait, and beyond that a task
 * is refused at once with 503 `overloaded` (Retry-After 1 s), so a burst of misses cannot pile
 * up unbounded work or memory. Waiting tasks are served fairly across their owners (clients,
 * see `fair-queue.ts`): one client's flood of new variants delays another's next miss by at
 * most one slot, and when the queue is full the flood's newest task makes room for the other.
 *
 * `runBackground` is a lower lane (eager variants) of at most `backgroundSlots` tasks, and
 * never more than `concurrency - 1`: its tasks start only when no `run` task waits and a slot
 * would still stay free for one, and a freed slot goes to a waiting `run` task first. So a miss
 * never queues behind background work (it may share the CPU with it); with a single slot no
 * background task ever starts. A process that serves no misses (the CLI's local mode) says
 * so with `servesMisses: false`, and its lower lane may take every slot.
 */
export function createLimiter(
  concurrency: number,
  maxQueue = Number.POSITIVE_INFINITY,
  lower: { backgroundSlots?: number; servesMisses?: boolean; order?: QueueOrder } = {},
) {
  // One slot stays free for a miss, unless there are none to serve.
  const backgroundCeiling = lower.servesMisses === false ? concurrency : concurrency - 1;
  const backgroundCap = Math.max(0, Math.min(lower.backgroundSlots ?? concurrency, backgroundCeiling));
  let running = 0;
  let backgroundRunning = 0;
  const waiting = createFairQueue<{ start: () => void; refuse: (error: AppError) => void }>({ max: maxQueue, fifo: lower.order === 'fifo' });
  const background: (() => void)[] = [];
  const backgroundRoom = () => waiting.size === 0 && backgroundRunning < backgroundCap && running < backgroundCeiling;

  function release(): void {
    const next = waiting.dequeue();
    if (next) return next.start();
    running--;
    if (background.length > 0 && backgroundRoom()) {
      running++;
      backgroundRunning++;
      background.shift()!();
    }
  }

  return {
    /** `owner`: whose task it is (a client id); waiting tasks are served fairly across owners. */
    async run<T>(task: () => Promise<T>, owner = ''): Promise<T> {
      if (running >= concurrency) {
        await new Promise<void>((start, refuse) => {
          const queued = waiting.enqueue(owner, { start, refuse });
          if (queued.refused) return refuse(busy());
          queued.evicted?.refuse(busy());
        });
      } else {
        running++;
        waiting.started(owner);
      }
      try {
        return await task();
      } finally {
        release();
      }
    },
    /**
     * A task of the lower lane: unbounded queue, never refused, never ahead of a `run` task.
     * With no background slots (one slot kept for misses, or `backgroundSlots` 0) it is refused at once: it would never start.
     */
    async runBackground<T>(task: () => Promise<T>): Promise<T> {
      if (backgroundCap === 0) throw new AppError('overloaded', 'This process runs no background work (one transform slot, kept for misses)');
      if (background.length === 0 && backgroundRoom()) {
        running++;
        backgroundRunning++;
      } else await new Promise<void>((resolve) => background.push(resolve));
      try {
        return await task();
      } finally {
        backgroundRunning--;
        release();
      }
    },
    /** How many background tasks may run at once: eager lanes beyond this would only wait. */
    get backgroundSlots() {
      return backgroundCap;
    },
    get active() {
      return running;
    },
    get queued() {
      return waiting.size;
    },
  };
}

export type Limiter = ReturnType<typeof createLimiter>;

/** Concurrent calls with the same key share one in-flight promise. */
export function createCoalescer<T>() {
  const inFlight = new Map<string, Promise<T>>();
  return {
    /** `joined` tells whether this call shared an existing computation. */
    run(key: string, task: () => Promise<T>): { promise: Promise<T>; joined: boolean } {
      const existing = inFlight.get(key);
      if (existing) return { promise: existing, joined: true };
      const promise = task().finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return { promise, joined: false };
    },
  };
}

/**
 * Rejects with 503 `overloaded` when `promise` has not settled within `ms`. The work itself goes
 * on (an encoder that cannot be interrupted still holds its slot, so the concurrency bound
 * stays true) and its result is kept for the next request.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: Timer | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('overloaded', message, { details: { retryAfterSeconds: 1 } })), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
