/** What changed, for caches that must forget it (in this process; across nodes later). */
export type Change =
  | { kind: 'image'; clientId: string; imageId: string }
  | { kind: 'preset'; clientId: string; name: string }
  /** Another process changed the metadata (e.g. the CLI in local mode): forget everything. */
  | { kind: 'external' };

export function createChangeFeed() {
  const listeners = new Set<(change: Change) => void>();
  return {
    publish(change: Change): void {
      for (const listener of listeners) listener(change);
    },
    subscribe(listener: (change: Change) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ChangeFeed = ReturnType<typeof createChangeFeed>;
