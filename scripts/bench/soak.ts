// Mixed load for N minutes on the largest corpus images (hits, new variants, uploads, lists),
// then RSS before / peak / after. Usage: bun scripts/bench/soak.ts [minutes]  (default 10)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ROOT, memoryOf, startImgapi } from './harness';

const minutes = Number(process.argv[2] ?? 10);
const corpus = join(ROOT, '../shared/corpus');
const names = ['Elephants_5640x3172.jpg', 'Elephants_3840x2160.jpg', 'TwoWings.jpg', 'wood-d.webp'];
const dir = mkdtempSync(join(tmpdir(), 'imgapi-soak-'));
const imgapi = await startImgapi(join(dir, 'data'));
const sources: Uint8Array[] = [];
for (const name of names) {
  const path = join(corpus, name);
  sources.push(
    existsSync(path)
      ? new Uint8Array(await Bun.file(path).arrayBuffer())
      : new Uint8Array(await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer()),
  );
}
const ids = await Promise.all(sources.map(async (bytes, i) => (await imgapi.upload(bytes, `big${i}.jpg`)).id as string));
const baseline = memoryOf(imgapi.pid).rssMb;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(imgapi.pid).rssMb)), 200);
const counts = { hits: 0, misses: 0, uploads: 0, lists: 0, errors5xx: 0 };
const until = Date.now() + minutes * 60_000;
let width = 200;
const hot = await Promise.all(ids.map((id) => imgapi.sign(id, 'w_800,f_webp')));
await Promise.all(
  Array.from({ length: 4 }, async (_, worker) => {
    for (let i = 0; Date.now() < until; i++) {
      const roll = (i + worker) % 20;
      let status: number;
      if (roll < 14) {
        status = (await fetch(hot[i % hot.length]!)).status;
        counts.hits++;
      } else if (roll < 17) {
        const url = await imgapi.sign(ids[i % ids.length]!, `w_${width++ % 3000 + 100},f_${i % 2 ? 'webp' : 'avif'}`);
        status = (await fetch(url)).status;
        counts.misses++;
      } else if (roll < 18) {
        const small = await sharp(sources[2]!).resize(400).jpeg().toBuffer();
        await imgapi.upload(new Uint8Array(small), `u${i}.jpg`);
        status = 201;
        counts.uploads++;
      } else {
        status = (await fetch(`${imgapi.url}/api/v1/images?pageSize=24`, { headers: { 'x-api-key': imgapi.apiKey ?? '' } })).status;
        counts.lists++;
      }
      if (status >= 500 && status !== 503) counts.errors5xx++;
    }
  }),
);
clearInterval(sampler);
await Bun.sleep(1500);
const after = memoryOf(imgapi.pid).rssMb;
await imgapi.stop();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ minutes, ...counts, rssBaselineMb: baseline, rssPeakMb: peak, rssAfterMb: after }));
