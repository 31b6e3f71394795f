/** What changed, for caches that must forget it: in this process, and on every other node. */
export type Change =
  | { kind: 'image'; clientId: string; imageId: string }
  | { kind: 'preset'; clientId: string; name: string }
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
    /** Relays this process's changes to the bus and the bus's changes to this process. */
    async connect(to: ChangeBus): Promise<() => Promise<void>> {
      bus = to;
      return to.subscribe(deliver);
    },
  };
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>;
