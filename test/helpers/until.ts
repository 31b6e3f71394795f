/** Reads `read()` until `ok` holds (returning that value), failing with what it last read. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) throw new Error(`Still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await Bun.sleep(50);
    value = await read();
  }
  return value;
}
