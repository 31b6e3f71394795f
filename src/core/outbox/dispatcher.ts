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
  /** How often due rows are looked for (default 1 s, or the retry base when shorter). */
  pollMs?: number;
  /** How long a claimed row stays with this node before another may take it (default 60 s). */
  leaseMs?: number;
  /** Rows sent at once by this node. */
  concurrency?: number;
  now?: () => number;
  onError?: (error: unknown, message?: ClaimedMessage) => void;
}

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
  const leaseMs = options.leaseMs ?? 60_000;
  const concurrency = options.concurrency ?? 8;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((error) => console.error(JSON.stringify({ level: 'error', msg: 'outbox', error: String(error) })));
  const senders = new Map<string, OutboxSender>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let again = false;

  async function deliver(message: ClaimedMessage): Promise<void> {
    const sender = senders.get(message.kind);
    let result: SendResult;
    try {
      result = sender ? await sender(message) : { ok: false, error: `no sender for "${message.kind}" on this node` };
    } catch (error) {
      result = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (result.ok || result.drop || now() - message.createdAt >= maxAgeMs) {
      await repo.complete(message.id);
      return;
    }
    await repo.reschedule(message.id, now() + retryDelay(message.attempt, retryBaseMs, retryMaxDelayMs), result.error);
  }

  /** Sends everything due now; resolves when done. */
  async function runOnce(): Promise<number> {
    let sent = 0;
    for (;;) {
      const batch = await repo.claimDue(now(), concurrency, leaseMs);
      if (batch.length === 0) return sent;
      await Promise.all(batch.map((message) => deliver(message).catch((error) => onError(error, message))));
      sent += batch.length;
    }
  }

  function schedule(delay: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, delay);
    timer.unref?.();
  }

  function tick(): void {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = runOnce()
      .then(() => undefined, (error) => onError(error))
      .finally(() => {
        running = null;
        const soon = again;
        again = false;
        schedule(soon ? 0 : pollMs);
      });
  }

  return {
    register(kind: string, sender: OutboxSender): void {
      senders.set(kind, sender);
    },
    runOnce,
    start(): void {
      if (!stopped) return;
      stopped = false;
      schedule(0);
    },
    /** Looks for due rows now (after this process enqueued some) instead of at the next poll. */
    wake(): void {
      if (!stopped) schedule(0);
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

export type OutboxDispatcher = ReturnType<typeof createOutboxDispatcher>;
