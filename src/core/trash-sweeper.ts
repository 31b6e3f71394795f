import type { Trash } from './trash';

/**
 * Empties the trash of what is past its days: a pass at start and every `intervalMs`. Every
 * node runs one; each trashed image's row is deleted by one of them only (the others' deletes
 * find nothing), and only that node removes its files, so passes may overlap safely.
 */
export function createTrashSweeper(deps: { trash: Pick<Trash, 'purgeExpired'>; intervalMs: number; onError?: (error: unknown) => void }) {
  const onError = deps.onError ?? ((error) => console.error(JSON.stringify({ level: 'error', msg: 'trash sweep', error: String(error) })));
  let timer: Timer | null = null;
  let running: Promise<void> | null = null;

  const pass = () => {
    // A pass still running (a large trash, a slow bucket) is not doubled by the next tick.
    running ??= deps.trash
      .purgeExpired()
      .then(() => {}, onError)
      .finally(() => (running = null));
  };

  return {
    start(): void {
      if (timer || !Number.isFinite(deps.intervalMs)) return;
      pass();
      timer = setInterval(pass, deps.intervalMs);
      timer.unref?.();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
