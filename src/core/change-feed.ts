/** What changed, for caches that must forget it: in this process, and on every other node. */
export type Change =
  | { kind: 'image'; clientId: string; imageId: string }
  | { kind: 'preset'; clientId: string; name: string }
  /** A client's signing secret rotated: cached clients and the routes verified with them go. */
  | { kind: 'client'; clientId: string }
  /** Changes this process may have missed (another process wrote, a node link dropped): forget everything. */
  | { kind: 'external' };

/** Carries changes between processes sharing one database (PostgreSQL LISTEN/NOTIFY, SQLite's data_version). */
export interface ChangeBus {
  publish(change: Change): Promise<void>;
  /** Calls `onChange` for changes other processes made; resolves to a stop function. */
  subscribe(onChange: (change: Change) => void): Promise<() => Promise<void>>;
}

export function createChangeFeed() {
  const listeners = new Set<(change: Change) => void>();
  let bus: ChangeBus | undefined;
  const deliver = (change: Change) => {
    for (const listener of listeners) listener(change);
  };
  return {
    /**
     * A change made here: this process's caches forget it at once, and the call resolves once
     * the other processes have been told (so a response sent after it is not ahead of them).
     */
    async publish(change: Change): Promise<void> {
      deliver(change);
      await bus?.publish(change);
    },
    subscribe(listener: (change: Change) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** From now on, this process's changes are published on the bus too. */
    publishTo(to: ChangeBus): void {
      bus = to;
    },
    /**
     * Delivers the bus's changes (other processes') to this process; resolves to a stop
     * function. Hearing costs a poller or a connection: only processes that live on need it.
     */
    hear(from: ChangeBus): Promise<() => Promise<void>> {
      return from.subscribe(deliver);
    },
  };
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>;
