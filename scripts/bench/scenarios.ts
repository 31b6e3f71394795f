import { Database } from 'bun:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { CLI, freePort, memoryOf, percentile, start, startImgapi } from './harness';
import { wrk } from './wrk';

const BARE = join(import.meta.dir, 'bare-server.ts');
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `imgapi-bench-${name}-`));

/** Cache miss: every request a new variant (w_600 ± a little, varied quality) vs bare Bun + sharp. */
export async function missScenario(sourcePath: string, source: Uint8Array, seconds: number) {
  const dir = tmp('miss');
  const imgapi = await startImgapi(join(dir, 'data'));
  const { id } = await imgapi.upload(source, 'source.jpg');
  const results: Record<string, Awaited<ReturnType<typeof wrk>>> = {};
  // Distinct variants of about the same cost (widths 560–640, qualities 70–79 then 80–89), more
  // than a run can request, so every request is a miss.
  let q0 = 70;
  for (const connections of [2, 8]) {
    const specs: string[] = [];
    for (let q = q0; q < q0 + 10; q++) for (let w = 560; w <= 640; w++) specs.push(`w_${w},f_webp,q_${q}`);
    q0 += 10;
    const paths = await Promise.all(specs.map(async (spec) => new URL(await imgapi.sign(id, spec)).pathname));
    results[`imgapi-c${connections}`] = await wrk(imgapi.url, { connections, seconds, paths });
  }
  await imgapi.stop();
  for (const connections of [2, 8]) {
    const port = freePort();
    const bare = await start([process.execPath, BARE, 'sharp', sourcePath, String(port), '600', 'webp'], /ready/);
    results[`bun-sharp-c${connections}`] = await wrk(`http://127.0.0.1:${port}/`, { connections, seconds });
    await bare.stop();
  }
  rmSync(dir, { recursive: true, force: true });
  return results;
}

/** Peak RSS while 8 concurrent misses transform the big JPEG, then after 1000 mixed requests. */
export async function memoryScenario(big: Uint8Array) {
  const dir = tmp('memory');
  const imgapi = await startImgapi(join(dir, 'data'));
  const { id } = await imgapi.upload(big, 'big.jpg');
  const baseline = memoryOf(imgapi.pid).rssMb;
  const widths = [400, 800, 1200, 1600, 2000, 2400, 2800, 3200];
  const urls = await Promise.all(widths.map((w) => imgapi.sign(id, `w_${w},f_webp`)));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(imgapi.pid).rssMb)), 20);
  const started = performance.now();
  const statuses = await Promise.all(urls.map(async (u) => (await fetch(u)).status));
  const burstSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const afterBurst = memoryOf(imgapi.pid);
  // 1000 mixed requests: mostly hits of those variants, some new small misses.
  const small = (await imgapi.upload(await sharp(big).resize(800).jpeg().toBuffer().then((b) => new Uint8Array(b)), 'small.jpg')).id;
  for (let i = 0; i < 1000; i += 10) {
    const batch = Array.from({ length: 10 }, (_, j) => (j === 0 ? imgapi.sign(small, `w_${100 + i / 10}`) : Promise.resolve(urls[(i + j) % urls.length]!)));
    await Promise.all((await Promise.all(batch)).map(async (u) => (await fetch(u)).arrayBuffer()));
  }
  Bun.gc?.(true);
  const afterMixed = memoryOf(imgapi.pid);
  await imgapi.stop();
  rmSync(dir, { recursive: true, force: true });
  return { baselineRssMb: baseline, peakRssMb: Math.max(peak, afterBurst.peakMb), statuses, burstSeconds: Number(burstSeconds.toFixed(2)), rssAfterBurstMb: afterBurst.rssMb, rssAfter1000Mb: afterMixed.rssMb };
}

/** 100 000 images in one client (seeded straight into SQLite), then list and search latency. */
export async function metadataScenario(count: number) {
  const dir = tmp('metadata');
  const data = join(dir, 'data');
  Bun.spawnSync([process.execPath, CLI, 'init', '--yes'], { env: { ...process.env, IMGAPI_DATA: data } });
  const db = new Database(join(data, 'imgapi.db'));
  const folders = 100;
  db.transaction(() => {
    const folder = db.query('INSERT INTO folders (id, client_id, parent_id, name, path, name_lower, created_at) VALUES (?, ?, NULL, ?, ?, ?, ?)');
    for (let f = 0; f < folders; f++) folder.run(`folder${f}`, 'default', `album-${f}`, `album-${f}`, `album-${f}`, new Date(0).toISOString());
    const image = db.query(
      `INSERT INTO images (id, client_id, folder_id, original_name, name_lower, format, width, height, bytes, has_alpha, content_hash,
         original_key, version, created_at, updated_at) VALUES (?, 'default', ?, ?, ?, 'jpeg', 1200, 800, 100000, 0, 'x', ?, 1, ?, ?)`,
    );
    for (let i = 0; i < count; i++) {
      const name = `photo-${i}-${i % 7 === 0 ? 'beach' : 'city'}.jpg`;
      const at = new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
      image.run(`img${i.toString().padStart(8, '0')}`, `folder${i % folders}`, name, name, `default/img${i}/x`, at, at);
    }
  })();
  db.close();
  const imgapi = await startImgapi(data);
  const key = JSON.parse(Bun.spawnSync([process.execPath, CLI, 'key', 'create', '--json'], { env: { ...process.env, IMGAPI_DATA: data } }).stdout.toString()).apiKey;
  const results = await metadataLatency(imgapi.url, key, count);
  await imgapi.stop();
  rmSync(dir, { recursive: true, force: true });
  return results;
}

/** List and search latency over `count` seeded images (60 sequential requests per query). */
export async function metadataLatency(url: string, key: string, count: number) {
  const queries: Record<string, string> = {
    'list all, page 1': '/images?page=1&pageSize=24',
    'list all, page 2000': '/images?page=2000&pageSize=24',
    'list all, last page': `/images?page=${Math.ceil(count / 24)}&pageSize=24`,
    'list one folder, page 1': '/images?folder=album-42&page=1&pageSize=24',
    'list one folder, page 40': '/images?folder=album-42&page=40&pageSize=24',
    'search "beach"': '/images?q=beach&page=1&pageSize=24',
    'search "photo-4242"': '/images?q=photo-4242&page=1&pageSize=24',
    '/search "album-4"': '/search?q=album-4',
  };
  const results: Record<string, { firstMs: number; p50Ms: number; p95Ms: number; total: number }> = {};
  for (const [name, path] of Object.entries(queries)) {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < 60; i++) {
      const started = performance.now();
      const response = await fetch(`${url}/api/v1${path}`, { headers: { 'x-api-key': key } });
      const body = await response.json();
      times.push(performance.now() - started);
      total = body.total ?? body.images?.length;
    }
    // firstMs: the first request, before any total is remembered.
    results[name] = { firstMs: Number(times[0]!.toFixed(2)), p50Ms: Number(percentile(times, 50).toFixed(2)), p95Ms: Number(percentile(times, 95).toFixed(2)), total };
  }
  return results;
}

/** 200 small JPEGs through POST /images, 4 at a time. */
export async function uploadScenario(count: number) {
  const dir = tmp('upload');
  const imgapi = await startImgapi(join(dir, 'data'));
  const files = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp({ create: { width: 640, height: 480, channels: 3, background: { r: i % 256, g: 90, b: (i * 3) % 256 } } })
        .jpeg()
        .toBuffer()
        .then((b) => new Uint8Array(b)),
    ),
  );
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < files.length) {
        const i = next++;
        await imgapi.upload(files[i]!, `p${i}.jpg`, 'bench');
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await imgapi.stop();
  rmSync(dir, { recursive: true, force: true });
  return { files: count, seconds: Number(seconds.toFixed(2)), imagesPerSecond: Math.round(count / seconds) };
}
