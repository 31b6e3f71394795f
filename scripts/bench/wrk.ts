import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
}

const toMs = (value: string) => {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 's' ? n * 1000 : n;
};

/**
 * Runs wrk against loopback for a bounded time. With `paths`, each request takes the next
 * path from the list (a Lua script cycles through them, each thread through its own share).
 * Asynchronous, so servers running inside this process (the bench's S3 server) keep answering
 * meanwhile.
 */
export async function wrk(url: string, options: { connections: number; seconds: number; threads?: number; paths?: string[] }): Promise<WrkResult> {
  const threads = options.threads ?? Math.min(2, options.connections);
  const args = ['wrk', '--latency', '-t', String(threads), '-c', String(options.connections), '-d', `${options.seconds}s`];
  if (options.paths) {
    const script = join(tmpdir(), `imgapi-wrk-${process.pid}-${Date.now()}.lua`);
    const list = options.paths.map((p) => JSON.stringify(p)).join(',');
    writeFileSync(
      script,
      // Each thread has its own Lua state: without its own start it would ask the same paths as
      // the others at the same moment, and a server that coalesces would answer two for one.
      `local paths = {${list}}\nlocal threads = 0\nfunction setup(thread)\n  thread:set("id", threads)\n  threads = threads + 1\nend\nfunction init(args)\n  i = id\nend\nrequest = function()\n  i = i + ${threads}\n  return wrk.format("GET", paths[(i % #paths) + 1])\nend\n`,
    );
    args.push('-s', script);
  }
  args.push(url);
  const run = Bun.spawn(args, { timeout: (options.seconds + 30) * 1000, stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text(), run.exited]);
  if (code !== 0) throw new Error(`wrk failed: ${err}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  return {
    requestsPerSecond: Math.round(rps * 10) / 10,
    p50Ms: toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99Ms: toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? ''),
    requests: Number(/(\d+) requests in/.exec(out)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}
