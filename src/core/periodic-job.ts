/** A job run at start and every `intervalMs` until stopped. */
export interface PeriodicJob {
  start(): void;
  /** Stops the timer and waits for a pass still running. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` at start and every `intervalMs` (never with an infinite interval). A pass still
 * running (a large trash, a slow bucket) is not doubled by the next tick; a failed pass goes to
 * `onError` (by default one JSON error line named `name`) and the next tick tries again.
 */
export function createPeriodicJob(options: { name: string; pass: () => Promise<unknown>; intervalMs: number; onError?: (error: unknown) => void }): PeriodicJob {
  const onError = options.onError ?? ((error) => console.error(JSON.stringify({ level: 'error', msg: options.name, error: String(error) })));
  let timer: Timer | null = null;
  let running: Promise<void> | null = null;

  const pass = () => {
    running ??= options
      .pass()
      .then(() => {}, onError)
      .finally(() => (running = null));
  };

  return {
    start(): void {
      if (timer || !Number.isFinite(options.intervalMs)) return;
      pass();
      timer = setInterval(pass, options.intervalMs);
      timer.unref?.();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
