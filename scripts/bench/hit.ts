import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, hasCommand, start, startImgapi } from './harness';
import { wrk, type WrkResult } from './wrk';

const BARE = join(import.meta.dir, 'bare-server.ts');

/** The variants served: about 50 KB and 500 KB of WebP from the 2560×1920 Wood.jpg. */
export const HIT_VARIANTS = [
  { name: '50 KB', transform: 'w_1400,f_webp' },
  { name: '500 KB', transform: 'w_2560,f_webp,q_97' },
];
const ROUNDS = 5;
const CONNECTIONS = 32;

export interface HitServerResult {
  /** Medians over the rounds. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU (user + system, all its processes) per response, µs. */
  cpuUsPerResponse: number;
  non2xx: number;
  /** Responses over all rounds. */
  requests: number;
  /** req/s of each round, in order. */
  rounds: number[];
}

/** Clock ticks (user + system) of a process and its children's threads so far (Linux /proc). */
function cpuTicks(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone: counts nothing
    }
  }
  return ticks;
}
const TICKS_PER_SECOND = 100;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Target {
  name: string;
  url: string;
  /** The processes whose CPU is the server's. */
  pids: () => number[];
}

/**
 * Every server runs at once (an idle one costs nothing) and each is measured in turn, round
 * after round, the order reversed every other round: on a shared machine the load changes from
 * second to second, and taking turns spreads it over all of them instead of favouring whoever ran
 * in a quiet moment. Medians are reported.
 */
async function measureInTurns(targets: Target[], seconds: number): Promise<Record<string, HitServerResult>> {
  const runs: Record<string, { result: WrkResult; cpuUs: number }[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
      const pids = target.pids();
      const before = cpuTicks(pids);
      const result = await wrk(target.url, { connections: CONNECTIONS, seconds });
      const cpuUs = ((cpuTicks(pids) - before) / TICKS_PER_SECOND / Math.max(1, result.requests)) * 1e6;
      runs[target.name]!.push({ result, cpuUs });
    }
  }
  return Object.fromEntries(
    Object.entries(runs).map(([name, r]) => [
      name,
      {
        requestsPerSecond: median(r.map((x) => x.result.requestsPerSecond)),
        p50Ms: median(r.map((x) => x.result.p50Ms)),
        p99Ms: median(r.map((x) => x.result.p99Ms)),
        cpuUsPerResponse: Number(median(r.map((x) => x.cpuUs)).toFixed(1)),
        non2xx: r.reduce((sum, x) => sum + x.result.non2xx, 0),
        requests: r.reduce((sum, x) => sum + x.result.requests, 0),
        rounds: r.map((x) => Math.round(x.result.requestsPerSecond)),
      },
    ]),
  );
}

const childrenOf = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/**
 * Cache hits at c=32 of the same variant bytes from imgapi (request logs on, JSON lines read by
 * this process as a log collector would), imgapi with logs off, a bare `Bun.serve` answering the
 * bytes from memory, and nginx serving them as a static file when it is installed.
 */
export async function hitScenario(source: Uint8Array, seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-bench-hit-'));
  const data = join(dir, 'data');
  const setup = await startImgapi(data);
  const { id } = await setup.upload(source, 'source.jpg');
  const variants: { name: string; transform: string; path: string; bytes: number; file: string }[] = [];
  for (const variant of HIT_VARIANTS) {
    const url = await setup.sign(id, variant.transform);
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const file = join(dir, `${variant.transform.replace(/[^\w]/g, '-')}.webp`);
    writeFileSync(file, bytes);
    variants.push({ ...variant, path: new URL(url).pathname, bytes: bytes.byteLength, file });
  }
  await setup.stop();

  const quietData = join(dir, 'data-quiet');
  cpSync(data, quietData, { recursive: true });
  // Request logs on, as in production: JSON lines on stderr, read here; counted to show they were written.
  let logLines = 0;
  const imgapi = await startImgapi(data, { IMGAPI_LOG: 'json' }, (chunk) => {
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) logLines++;
  });
  const quiet = await startImgapi(quietData, { IMGAPI_LOG: 'off' });

  const nginxPort = freePort();
  let nginx: ReturnType<typeof Bun.spawn> | null = null;
  if (hasCommand('nginx')) {
    // nginx's workers run as an unprivileged user: let them read the variants.
    chmodSync(dir, 0o755);
    for (const v of variants) chmodSync(v.file, 0o644);
    const conf = join(dir, 'nginx.conf');
    const locations = variants.map((v) => `location = ${v.path} { try_files /${v.file.slice(dir.length + 1)} =404; }`).join('\n    ');
    writeFileSync(
      conf,
      `worker_processes 2; pid ${dir}/nginx.pid; error_log ${dir}/error.log; events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; types { image/webp webp; } default_type image/webp;
  server { listen 127.0.0.1:${nginxPort}; root ${dir};
    ${locations}
  } }`,
    );
    nginx = Bun.spawn(['nginx', '-c', conf, '-g', 'daemon off;'], { stderr: 'inherit' });
    await Bun.sleep(500);
  }

  const sizes: { name: string; transform: string; variantBytes: number; results: Record<string, HitServerResult>; logLines: number }[] = [];
  for (const variant of variants) {
    const barePort = freePort();
    const bare = await start([process.execPath, BARE, 'memory', variant.file, String(barePort)], /ready/);
    for (const server of [imgapi, quiet]) await fetch(`${server.url}${variant.path}`).then((r) => r.arrayBuffer());
    const targets: Target[] = [
      { name: 'imgapi', url: `${imgapi.url}${variant.path}`, pids: () => [imgapi.pid] },
      { name: 'imgapi-nolog', url: `${quiet.url}${variant.path}`, pids: () => [quiet.pid] },
      { name: 'bun-memory', url: `http://127.0.0.1:${barePort}/`, pids: () => [bare.pid] },
    ];
    if (nginx) targets.push({ name: 'nginx', url: `http://127.0.0.1:${nginxPort}${variant.path}`, pids: () => childrenOf(nginx!.pid) });
    const linesBefore = logLines;
    const results = await measureInTurns(targets, seconds);
    await bare.stop();
    sizes.push({ name: variant.name, transform: variant.transform, variantBytes: variant.bytes, results, logLines: logLines - linesBefore });
  }
  await imgapi.stop();
  await quiet.stop();
  if (nginx) {
    nginx.kill('SIGQUIT');
    await nginx.exited;
  }
  rmSync(dir, { recursive: true, force: true });
  return { rounds: ROUNDS, secondsPerTurn: seconds, connections: CONNECTIONS, nginx: nginx ? 'installed' : 'not installed', sizes };
}
