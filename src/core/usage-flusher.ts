import type { UsageCounters } from './usage-counters';
import type { UsageRepository } from './usage';

/**
 * Writes the counters to the database every `intervalMs` and on `stop()`: one transaction of
 * additive upserts per flush, whatever the traffic. Flushes run one after another, so a reader
 * that awaits `flush()` sees everything this process counted before it asked. A failed write
 * puts its counts back for the next flush: nothing is lost to a passing database error.
 */
export function createUsageFlusher(deps: { counters: UsageCounters; repo: Pick<UsageRepository, 'addDays'>; intervalMs: number; onError?: (error: unknown) => void }) {
  const onError = deps.onError ?? ((error) => console.error(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'usage flush failed; retried at the next', error: String(error) })));
  let timer: Timer | null = null;
  let midnight: Timer | null = null;
  let chain: Promise<void> = Promise.resolve();

  async function write(): Promise<void> {
    const deltas = deps.counters.drain();
    if (deltas.length === 0) return;
    try {
      await deps.repo.addDays(deltas);
    } catch (error) {
      deps.counters.restore(deltas);
      throw error;
    }
  }

  /** Resolves once everything counted so far is written (rejects if this write failed). */
  function flush(): Promise<void> {
    const next = chain.then(write);
    chain = next.catch(() => {});
    return next;
  }

  return {
    flush,
    start(): void {
      if (timer) return;
      timer = setInterval(() => flush().catch(onError), deps.intervalMs);
      timer.unref?.();
      // Deliveries never read the clock: the day changes here, at midnight UTC (to within the
      // event loop's delay), and at the next flush should this timer be late.
      const atMidnight = () => {
        midnight = setTimeout(() => {
          deps.counters.rollover();
          atMidnight();
        }, deps.counters.msToDayEnd() + 1);
        midnight.unref?.();
      };
      atMidnight();
    },
    /** Stops the timers and writes what is left. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      if (midnight) clearTimeout(midnight);
      timer = null;
      midnight = null;
      await flush().catch(onError);
    },
  };
}

export type UsageFlusher = ReturnType<typeof createUsageFlusher>;
