/** How a one-shot worker's caller names its failures. */
export interface WorkerErrors {
  /** The deadline passed first (the worker is ended then). */
  readonly tooLong: () => Error;
  /** The worker could not start or died without answering: a fault of ours, not of the input. */
  readonly failed: (message: string) => Error;
}

/**
 * Sends one request to a new worker and returns its one reply, ending the thread either way:
 * for synchronous WebAssembly (decoders, renderers) ending the thread is the only way to try to
 * stop it at the deadline, and the only way to give back its memory, which never shrinks.
 * `url` comes from the caller's literal `new URL('./x.ts', import.meta.url).href`: that form is
 * what `bun build --compile` maps to the worker's own entrypoint (scripts/build.ts lists it).
 */
export async function runOnce<Reply>(url: string, request: unknown, transfer: Transferable[], deadline: number, errors: WorkerErrors): Promise<Reply> {
  const timeLeft = deadline - Date.now();
  if (timeLeft <= 0) throw errors.tooLong();
  const worker = new Worker(url);
  let timer: Timer | undefined;
  let late = false;
  try {
    return await new Promise<Reply>((resolve, reject) => {
      // At the deadline the thread is told to end, but this settles only once it has: Bun's
      // terminate() does not stop WebAssembly in the middle of a long call (an SVG filter ran on
      // for minutes), and until that returns the thread still burns a core. Settling at the
      // deadline gave the caller's transform slot back meanwhile, so abandoned renders piled
      // up beyond IMGAPI_CONCURRENCY; now they keep their slot to the end. (A delivery still
      // answers 503 at the deadline: its own withDeadline does not wait for this.)
      timer = setTimeout(() => {
        late = true;
        worker.terminate();
      }, timeLeft);
      worker.onmessage = (event: MessageEvent<Reply>) => (late ? reject(errors.tooLong()) : resolve(event.data));
      worker.onerror = (event: ErrorEvent) => reject(late ? errors.tooLong() : errors.failed(event.message));
      worker.addEventListener('close', () => reject(late ? errors.tooLong() : errors.failed('its worker stopped')));
      worker.postMessage(request, transfer);
    });
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}
