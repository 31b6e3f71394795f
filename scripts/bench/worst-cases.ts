// The dearest URLs on the largest source allowed (100 MP, README "Request limits"), one at a
// time, each in a process of its own so its peak RSS is its own. Not in `npm run bench` (it
// writes ~60 MB of sources and takes a few minutes). Usage: bun scripts/bench/worst-cases.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../src/core/errors';
import { executePlan, tuneSharpForTransforms } from '../../src/core/transform/execute';
import { parseTransform } from '../../src/core/transform/parse';
import { planTransform } from '../../src/core/transform/plan';

const CASES: [source: 'big' | 'framed' | 'wide', transform: string, format: 'jpeg' | 'webp'][] = [
  ['big', 'w_8192,h_8192,c_fill', 'jpeg'],
  ['big', 'w_8192,h_8192,c_fill,blur_100', 'jpeg'],
  ['big', 'w_8192,h_8192,c_fill,blur_100', 'webp'],
  ['big', 'w_8192,h_8192,c_fill,sharpen_100', 'jpeg'],
  ['big', 'w_4096,h_4096,c_fill,sharpen_100', 'jpeg'],
  ['big', 'w_8192,h_8192,c_fill,g_auto', 'jpeg'],
  ['wide', 'w_6103,h_6103,c_fill,g_auto', 'jpeg'],
  ['big', 'trim_1,w_600', 'jpeg'],
  ['framed', 'trim_1,w_8192,h_8192,c_fill', 'jpeg'],
  ['big', 'cr_0:0:10000:10000,w_600', 'jpeg'],
  ['big', 'a_90,w_600', 'jpeg'],
  ['big', 'trim_1,a_90,w_600', 'jpeg'],
  ['big', 'a_90,w_8192', 'jpeg'],
];

async function measure(path: string, transform: string, format: 'jpeg' | 'webp') {
  tuneSharpForTransforms();
  const { width, height } = await sharp(path, { limitInputPixels: false }).metadata();
  const source = { width: width!, height: height! };
  const started = performance.now();
  let result = 'ok';
  try {
    const plan = planTransform(parseTransform(transform), source, format);
    result = `${plan.width}×${plan.height}, ${(await executePlan(path, source, plan, { maxPixels: 100_000_000, timeoutSeconds: 10 })).byteLength} bytes`;
  } catch (error) {
    result = error instanceof AppError ? `${error.status} ${error.code}` : String(error);
  }
  const peak = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
  console.log(JSON.stringify({ seconds: Number(((performance.now() - started) / 1000).toFixed(1)), peakMb: Math.round(peak), result }));
}

async function makeSources(dir: string) {
  const side = 10_000;
  // Photo-like: smooth structure (upscaled noise) and grain, so the JPEG costs what a photo costs.
  const coarse = await sharp({ create: { width: 1250, height: 1250, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
  const grain = await sharp({ create: { width: side, height: side, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 8 } } }).raw().toBuffer();
  const big = sharp(await sharp(coarse).resize(side, side).raw().toBuffer(), { raw: { width: side, height: side, channels: 3 }, limitInputPixels: false })
    .composite([{ input: grain, raw: { width: side, height: side, channels: 3 }, blend: 'overlay' }]);
  await big.jpeg({ quality: 80 }).toFile(join(dir, 'big.jpg'));
  const inner = await sharp(join(dir, 'big.jpg'), { limitInputPixels: false }).extract({ left: 500, top: 500, width: side - 1000, height: side - 1000 }).raw().toBuffer();
  await sharp(inner, { raw: { width: side - 1000, height: side - 1000, channels: 3 }, limitInputPixels: false }).extend({ top: 500, bottom: 500, left: 500, right: 500, background: '#ffffff' }).jpeg({ quality: 80 }).toFile(join(dir, 'framed.jpg'));
  await sharp(join(dir, 'big.jpg'), { limitInputPixels: false }).resize(16383, 6103, { fit: 'fill' }).jpeg({ quality: 80 }).toFile(join(dir, 'wide.jpg'));
}

const [mode, path, transform, format] = process.argv.slice(2);
if (mode === 'one') {
  await measure(path!, transform!, format as 'jpeg' | 'webp');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-worst-'));
  try {
    await makeSources(dir);
    const rows: Record<string, unknown>[] = [];
    for (const [source, url, output] of CASES) {
      const child = Bun.spawnSync([process.execPath, import.meta.path, 'one', join(dir, `${source}.jpg`), url, output]);
      rows.push({ source, url, format: output, ...JSON.parse(child.stdout.toString()) });
    }
    console.log('Worst cases on a 100 MP source, one at a time, deadline 10 s (JPEG\'s last step is not interruptible):');
    console.table(rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
