/** How a one-shot worker's caller names its failures. */
export interface WorkerErrors {
  /** The deadline passed first (the worker is ended then). */
  readonly tooLong: () => Error;
  /** The worker could not start or died without answering: a fault of ours, not of the input. */
  readonly failed: (message: string) => Error;
}

/**
 * Sends one request to a new worker and returns its one reply, ending the thread either way:
 * for synchronous WebAssembly (decoders, renderers) ending the thread is the only way to stop
 * it at the deadline, and the only way to give back its memory, which never shrinks.
 * `url` comes from the caller's literal `new URL('./x.ts', import.meta.url).href`: that form is
 * what `bun build --compile` maps to the worker's own entrypoint (scripts/build.ts lists it).
 */
export async function runOnce<Reply>(url: string, request: unknown, transfer: Transferable[], deadline: number, errors: WorkerErrors): Promise<Reply> {
  const timeLeft = deadline - Date.now();
  if (timeLeft <= 0) throw errors.tooLong();
  const worker = new Worker(url);
  let timer: Timer | undefined;
  try {
    return await new Promise<Reply>((resolve, reject) => {
      timer = setTimeout(() => reject(errors.tooLong()), timeLeft);
      worker.onmessage = (event: MessageEvent<Reply>) => resolve(event.data);
      worker.onerror = (event: ErrorEvent) => reject(errors.failed(event.message));
      worker.addEventListener('close', () => reject(errors.failed('its worker stopped')));
      worker.postMessage(request, transfer);
    });
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}
