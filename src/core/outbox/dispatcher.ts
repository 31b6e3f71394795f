import type { ClaimedMessage, OutboxRepository } from './ports';

export type SendResult = { ok: true } | { ok: false; error: string; drop?: boolean };
export type OutboxSender = (message: ClaimedMessage) => Promise<SendResult>;

export interface DispatcherOptions {
  repo: OutboxRepository;
  /** The first retry comes this long after the first failure, then doubles (default 5 s). */
  retryBaseMs?: number;
  /** The longest wait between two attempts (default 1 h). */
  retryMaxDelayMs?: number;
  /** A message still failing this long after it was written is dropped (default 25 h). */
  maxAgeMs?: number;
  /** How often due rows are looked for (default 1 s, or the retry base when shorter); a retry this node scheduled wakes it on time. */
  pollMs?: number;
  /**
   * How long a claimed row stays with this node before another may take it (default 65 s:
   * above what one row may take, e.g. a purge of several 10 s requests).
   */
  leaseMs?: number;
  /** Rows sent at once by this node. */
  concurrency?: number;
  now?: () => number;
  onError?: (error: unknown, message?: ClaimedMessage) => void;
}

/** Above the 10 s send timeout × the requests one row may make (a purge of a few URLs or tags), with room to spare. */
export const DEFAULT_LEASE_MS = 65_000;

/** The wait before attempt `attempt + 1` after `attempt` failed: base, 2×base, 4×base, … capped. */
export function retryDelay(attempt: number, baseMs: number, maxDelayMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), maxDelayMs);
}

/**
 * Works off the outbox: claims due rows, hands each to the sender registered for its kind,
 * deletes it on success and reschedules it with exponential back-off on failure. Every node
 * runs one; the repository's claim makes sure a row is with one node at a time.
 */
export function createOutboxDispatcher(options: DispatcherOptions) {
  const { repo } = options;
  const retryBaseMs = options.retryBaseMs ?? 5_000;
  const retryMaxDelayMs = options.retryMaxDelayMs ?? 3_600_000;
  const maxAgeMs = options.maxAgeMs ?? 25 * 3_600_000;
  const pollMs = options.pollMs ?? Math.min(1_000, retryBaseMs);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const concurrency = options.concurrency ?? 8;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((error) => console.error(JSON.stringify({ level: 'error', msg: 'outbox', error: String(error) })));
  const senders = new Map<string, OutboxSender>();
  /** Rows being sent: at most `concurrency`; a freed slot is filled at once, so one slow endpoint holds one slot, not the node. */
  const active = new Set<Promise<void>>();
  /** The earliest retry this node scheduled: the loop wakes then, not at the next poll. */
  let nextDue = Infinity;
  let nudge: (() => void) | null = null;
  /** Set by a wake or a freed slot while the loop was not asleep, so that it looks again at once. */
  let nudged = false;
  let loop: Promise<void> | null = null;
  let stopped = true;

  async function deliver(message: ClaimedMessage): Promise<void> {
    // Too old to matter any more (e.g. it sat in the outbox while no node ran): given up unsent.
    if (now() - message.createdAt >= maxAgeMs) {
      await repo.complete(message.id, message.attempt);
      return;
    }
    const sender = senders.get(message.kind);
    let result: SendResult;
    try {
      result = sender ? await sender(message) : { ok: false, error: `no sender for "${message.kind}" on this node` };
    } catch (error) {
      result = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    const failedAt = now();
    if (result.ok || result.drop || failedAt - message.createdAt >= maxAgeMs) {
      await repo.complete(message.id, message.attempt);
      return;
    }
    const due = failedAt + retryDelay(message.attempt, retryBaseMs, retryMaxDelayMs);
    await repo.reschedule(message.id, message.attempt, due, result.error);
    nextDue = Math.min(nextDue, due);
  }

  /** Claims due rows into the free slots; returns how many it claimed. */
  async function fill(): Promise<number> {
    let claimed = 0;
    while (active.size < concurrency) {
      const want = concurrency - active.size;
      const batch = await repo.claimDue(now(), want, leaseMs);
      for (const message of batch) {
        const sending: Promise<void> = deliver(message)
          .catch((error) => onError(error, message))
          .finally(() => {
            active.delete(sending);
            poke();
          });
        active.add(sending);
      }
      claimed += batch.length;
      if (batch.length < want) break;
    }
    return claimed;
  }

  function poke(): void {
    nudged = true;
    nudge?.();
  }

  /** Sends everything due now; resolves when done. */
  async function runOnce(): Promise<number> {
    let sent = 0;
    for (;;) {
      sent += await fill();
      if (active.size === 0) return sent;
      await Promise.race(active);
    }
  }

  /** The background loop: fill the free slots, then sleep until a slot frees, a wake, a retry falls due or the poll. */
  async function run(): Promise<void> {
    while (!stopped) {
      nudged = false;
      try {
        await fill();
      } catch (error) {
        onError(error);
      }
      if (stopped) break;
      if (nextDue <= now()) nextDue = Infinity;
      const wait = Math.max(0, Math.min(pollMs, nextDue - now()));
      if (nudged) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        timer.unref?.();
        nudge = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      nudge = null;
    }
    await Promise.all(active);
  }

  return {
    register(kind: string, sender: OutboxSender): void {
      senders.set(kind, sender);
    },
    runOnce,
    start(): void {
      if (!stopped) return;
      stopped = false;
      loop = run();
    },
    /** Looks for due rows now (after this process enqueued some) instead of at the next poll. */
    wake(): void {
      poke();
    },
    /** Stops claiming and waits for the rows being sent. */
    async stop(): Promise<void> {
      stopped = true;
      poke();
      await loop;
      loop = null;
    },
  };
}

export type OutboxDispatcher = ReturnType<typeof createOutboxDispatcher>;
