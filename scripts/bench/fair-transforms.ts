// Fair transforms: client A floods new variants at c=32 while client B asks one new variant a
// second. B's latency with the transform queue in arrival order (IMGAPI_TRANSFORM_QUEUE=fifo,
// the behaviour before fairness) next to the fair queue (the default), and B's miss unloaded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, percentile, startImgapi } from './harness';
import { wrk, type WrkResult } from './wrk';

interface Latency {
  n: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const latency = (times: number[]): Latency => ({
  n: times.length,
  p50Ms: Math.round(percentile(times, 50)),
  p99Ms: Math.round(percentile(times, 99)),
  maxMs: Math.round(Math.max(...times)),
});

async function timedMiss(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200 || response.headers.get('x-cache') !== 'MISS') throw new Error(`B's miss answered ${response.status} ${response.headers.get('x-cache')}`);
  return performance.now() - started;
}

/** One server in the given queue order: B unloaded, then B once a second under A's flood. */
async function run(order: 'fifo' | 'fair', source: Uint8Array, seconds: number) {
  const dir = mkdtempSync(join(tmpdir(), `imgapi-bench-fair-${order}-`));
  const data = join(dir, 'data');
  const imgapi = await startImgapi(data, { IMGAPI_TRANSFORM_QUEUE: order, IMGAPI_LOG: 'off' });
  try {
    const created = Bun.spawnSync([process.execPath, CLI, 'client', 'create', 'Bench B', '--id', 'bench-b', '--json'], { env: { ...process.env, IMGAPI_DATA: data } });
    if (created.exitCode !== 0) throw new Error(`client create: ${created.stderr.toString()}`);
    const keyB: string = JSON.parse(created.stdout.toString()).apiKey;
    const a = (await imgapi.upload(source, 'a.jpg')).id as string;
    const form = new FormData();
    form.append('file', new File([source as Uint8Array<ArrayBuffer>], 'b.jpg'));
    const b = (await imgapi.api('POST', '/images', form, keyB)).id as string;
    const signB = async (spec: string) => (await imgapi.api('POST', '/sign', JSON.stringify({ imageId: b, transform: spec }), keyB)).url as string;
    // A: more distinct variants of about the same cost (w 560–640, q 70–89) than a run can ask.
    const specs: string[] = [];
    for (let q = 70; q < 90; q++) for (let w = 560; w <= 640; w++) specs.push(`w_${w},f_webp,q_${q}`);
    const paths = await Promise.all(specs.map(async (spec) => new URL(await imgapi.sign(a, spec)).pathname));
    // B: the same cost, its own variants (w 600, q from 50 up): every request a miss.
    let nextQ = 50;
    const nextB = () => signB(`w_600,f_webp,q_${nextQ++}`);

    const unloaded: number[] = [];
    for (let i = 0; i < 7; i++) unloaded.push(await timedMiss(await nextB()));
    const bUrls = await Promise.all(Array.from({ length: seconds + 2 }, nextB));

    const flood: Promise<WrkResult> = wrk(imgapi.url, { connections: 32, seconds, paths });
    // Let the flood fill the queue, then one of B's a second while it lasts.
    await Bun.sleep(1000);
    const loaded: number[] = [];
    const asks: Promise<void>[] = [];
    for (let i = 0; i < seconds - 2; i++) {
      asks.push(timedMiss(bUrls[i]!).then((ms) => void loaded.push(ms)));
      await Bun.sleep(1000);
    }
    await Promise.all(asks);
    const a32 = await flood;
    return { unloaded: latency(unloaded), loaded: latency(loaded), flood: a32 };
  } finally {
    await imgapi.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function fairTransformsScenario(source: Uint8Array, seconds: number) {
  const fifo = await run('fifo', source, seconds);
  const fair = await run('fair', source, seconds);
  const unloadedMs = Math.round((fifo.unloaded.p50Ms + fair.unloaded.p50Ms) / 2);
  return {
    unloadedMs,
    fifo,
    fair,
    /** The goal: B's p99 under the flood at most twice its unloaded miss. */
    fairP99OverUnloaded: Number((fair.loaded.p99Ms / fair.unloaded.p50Ms).toFixed(2)),
    fifoP99OverUnloaded: Number((fifo.loaded.p99Ms / fifo.unloaded.p50Ms).toFixed(2)),
  };
}
