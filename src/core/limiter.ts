/** Runs at most `concurrency` tasks at once; the rest wait in FIFO order. */
export function createLimiter(concurrency: number) {
  let running = 0;
  const waiting: (() => void)[] = [];

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
      else running++;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
    get active() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
  };
}

/** Concurrent calls with the same key share one in-flight promise. */
export function createCoalescer<T>() {
  const inFlight = new Map<string, Promise<T>>();
  return {
    run(key: string, task: () => Promise<T>): Promise<T> {
      const existing = inFlight.get(key);
      if (existing) return existing;
      const promise = task().finally(() => inFlight.delete(key));
      inFlight.set(key, promise);
      return promise;
    },
  };
}
