import { COUNTER_NAMES, zeroCounts, type UsageCounts, type UsageDelta } from './usage';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a time, UTC. */
export const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The counts of one UTC day, per client, since the last drain. */
interface Window {
  date: string;
  endsAt: number;
  clients: Map<string, UsageCounts>;
}

/**
 * Per-client traffic counted in memory, per UTC day, until a flush drains it into the database.
 * A delivery is counted with a map lookup and a few increments: no allocation (a client's
 * counts object is made once per flush window) and no clock read (one costs more than the rest
 * together). The day changes with `rollover()`, which the flusher calls at each UTC midnight;
 * uploads and transforms, slow anyway, check the clock themselves.
 */
export function createUsageCounters(options: { now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const open = (ms: number): Window => ({ date: utcDate(ms), endsAt: Math.floor(ms / DAY_MS) * DAY_MS + DAY_MS, clients: new Map() });
  let window = open(now());
  /** Windows of past days not drained yet. */
  const closed: Window[] = [];

  function rollover(): void {
    const at = now();
    if (at < window.endsAt) return;
    closed.push(window);
    window = open(at);
  }

  function countsOf(clientId: string): UsageCounts {
    let counts = window.clients.get(clientId);
    if (!counts) window.clients.set(clientId, (counts = zeroCounts()));
    return counts;
  }

  return {
    /**
     * A delivery that went out: `status` 200 or 304 counts (an error does not), its body bytes
     * only when a body was sent (not a 304, not a HEAD).
     */
    delivered(clientId: string, miss: boolean, bodyBytes: number, method: string, status: number): void {
      if (status !== 200 && status !== 304) return;
      const counts = countsOf(clientId);
      counts.deliveries++;
      if (status === 200 && method !== 'HEAD') counts.bytesServed += bodyBytes;
      if (miss) counts.misses++;
      else counts.hits++;
    },
    transformed(clientId: string): void {
      rollover();
      countsOf(clientId).transforms++;
    },
    uploaded(clientId: string): void {
      rollover();
      countsOf(clientId).uploads++;
    },
    /** Starts the next day's window once the current day is over (the flusher calls it at midnight). */
    rollover,
    /** Milliseconds until the current window's day ends. */
    msToDayEnd: () => Math.max(0, window.endsAt - now()),
    /** Everything counted since the last drain, as deltas, and forgets it. */
    drain(): UsageDelta[] {
      rollover();
      const windows = [...closed.splice(0), window];
      window = open(now());
      const deltas: UsageDelta[] = [];
      for (const { date, clients } of windows) for (const [clientId, counts] of clients) deltas.push({ clientId, date, ...counts });
      return deltas;
    },
    /** Deltas a failed flush could not write, counted again (into their own day) for the next one. */
    restore(deltas: readonly UsageDelta[]): void {
      for (const delta of deltas) {
        let target = delta.date === window.date ? window : closed.find((w) => w.date === delta.date);
        if (!target) closed.push((target = { date: delta.date, endsAt: 0, clients: new Map() }));
        let counts = target.clients.get(delta.clientId);
        if (!counts) target.clients.set(delta.clientId, (counts = zeroCounts()));
        for (const name of COUNTER_NAMES) counts[name] += delta[name];
      }
    },
  };
}

export type UsageCounters = ReturnType<typeof createUsageCounters>;
