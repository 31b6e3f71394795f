import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dir, '../..');
export const CLI = join(ROOT, 'cli/imgapi.ts');

export function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
  const port = probe.port!;
  probe.stop(true);
  return port;
}

export interface Running {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Spawns a process and waits for a line of its stdout matching `ready`. Its stderr (request logs)
 * goes to /dev/null, or, with `onStderr`, through a pipe read as a log collector would read it.
 */
export async function start(
  cmd: string[],
  ready: RegExp,
  env: Record<string, string | undefined> = process.env,
  onStderr?: (chunk: Uint8Array) => void,
): Promise<Running & { output: string }> {
  const proc = Bun.spawn(cmd, { stdout: 'pipe', stderr: onStderr ? 'pipe' : 'ignore', env });
  if (onStderr) {
    const stderr = (proc.stderr as ReadableStream<Uint8Array>).getReader();
    (async () => {
      for (;;) {
        const { value, done } = await stderr.read();
        if (done) break;
        onStderr(value);
      }
    })();
  }
  const reader = proc.stdout.getReader();
  let output = '';
  while (!ready.test(output)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${cmd.join(' ')} exited before it was ready: ${output}`);
    output += new TextDecoder().decode(value);
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    for (;;) if ((await reader.read()).done) break;
  })();
  return {
    pid: proc.pid,
    output,
    async stop() {
      proc.kill('SIGTERM');
      await proc.exited;
    },
  };
}

/** Current and peak resident memory of a process, in MB (Linux /proc). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const hasCommand = (name: string) => ['/usr/bin', '/usr/sbin', '/usr/local/bin'].some((dir) => existsSync(join(dir, name)));

/**
 * An imgapi daemon on a fresh data directory, with its API key. The management API's rate
 * limit is off: a scenario signs hundreds of URLs through it before measuring delivery.
 */
export async function startImgapi(dataDir: string, extraEnv: Record<string, string> = {}, onStderr?: (chunk: Uint8Array) => void) {
  const env = { IMGAPI_RATE_LIMIT_PER_MINUTE: '0', ...extraEnv };
  const init = Bun.spawnSync([process.execPath, CLI, 'init', '--yes', '--json'], { env: { ...process.env, IMGAPI_DATA: dataDir, ...env } });
  const existing = init.stdout.toString().trim();
  const apiKey: string | undefined = existing ? JSON.parse(existing).apiKey : undefined;
  const port = freePort();
  const server = await start([process.execPath, CLI, 'serve', '--port', String(port), '--data', dataDir], /listening on/, { ...process.env, ...env }, onStderr);
  const url = `http://127.0.0.1:${port}`;
  const api = async (method: string, path: string, body?: BodyInit, key = apiKey) => {
    const headers: Record<string, string> = { 'x-api-key': key ?? '' };
    if (typeof body === 'string') headers['content-type'] = 'application/json';
    const response = await fetch(`${url}/api/v1${path}`, { method, headers, body });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const upload = async (bytes: Uint8Array, name: string, folder?: string) => {
    const form = new FormData();
    form.append('file', new File([bytes as Uint8Array<ArrayBuffer>], name));
    if (folder) form.append('folder', folder);
    return api('POST', '/images', form);
  };
  const sign = async (imageId: string, transform?: string): Promise<string> => (await api('POST', '/sign', JSON.stringify({ imageId, transform }))).url;
  return { ...server, url, apiKey, api, upload, sign };
}
