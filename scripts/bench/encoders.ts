// Time vs bytes of the WebP and AVIF encoder settings on the corpus (or generated images),
// to choose the defaults. Usage: bun scripts/bench/encoders.ts
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type AvifOptions, type Sharp } from 'sharp';
import { ROOT } from './harness';

const corpus = join(ROOT, '../shared/corpus');
const names = ['Wood.jpg', 'FreshFlower.jpg', 'Storm.jpg', 'Spring.png'];
const sources = names.map((n) => join(corpus, n)).filter((p) => existsSync(p));
if (sources.length === 0) throw new Error('this table needs ../shared/corpus');

type Setting = { label: string; apply: (s: Sharp) => Sharp };
const settings: Setting[] = [
  ...[0, 2, 3, 4, 6].map((effort) => ({ label: `webp q80 effort ${effort}`, apply: (s: Sharp) => s.webp({ quality: 80, effort }) })),
  ...[0, 2, 4].map((effort) => ({ label: `avif q55 effort ${effort}`, apply: (s: Sharp) => s.avif({ quality: 55, effort }) })),
  ...[0, 2, 4].map((effort) => ({ label: `avif q55 effort ${effort} tune ssim`, apply: (s: Sharp) => s.avif({ quality: 55, effort, tune: 'ssim' } as AvifOptions) })),
  { label: 'jpeg q80', apply: (s: Sharp) => s.jpeg({ quality: 80 }) },
  { label: 'jpeg q80 mozjpeg', apply: (s: Sharp) => s.jpeg({ quality: 80, mozjpeg: true }) },
];

const rows: Record<string, { 'ms (median)': number; 'KB (sum)': number }> = {};
for (const width of [600, 1400]) {
  for (const setting of settings) {
    let bytes = 0;
    const times: number[] = [];
    for (const source of sources) {
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        const out = await setting.apply(sharp(source).resize(width).toColourspace('srgb')).toBuffer();
        times.push(performance.now() - started);
        if (run === 0) bytes += out.byteLength;
      }
    }
    times.sort((a, b) => a - b);
    rows[`w_${width} ${setting.label}`] = { 'ms (median)': Math.round(times[Math.floor(times.length / 2)]!), 'KB (sum)': Math.round(bytes / 1024) };
  }
}
console.log(`${sources.length} sources: ${sources.map((s) => s.split('/').pop()).join(', ')}`);
console.table(rows);
