// Issue 14's figures: a miss on a 12 MP HEIC against the same photo as JPEG (goal ≤ 1.5×), the
// HEIC upload (its working master is made then), and 8 concurrent misses of a 300-frame
// 480×270 GIF (peak RSS against the 512 MB bound) with the bytes GIF → animated WebP gives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { hasCommand, memoryOf, percentile, startImgapi } from './harness';

const median = (values: number[]) => Number(percentile(values, 50).toFixed(1));

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

/** Sequential misses, each a new width, alternating the two images so drift hits both alike. */
async function alternateMisses(imgapi: Awaited<ReturnType<typeof startImgapi>>, ids: Record<string, string>, count: number) {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(ids).map((k) => [k, []]));
  for (let i = 0; i < count; i++) {
    for (const [name, id] of Object.entries(ids)) {
      const url = await imgapi.sign(id, `w_${600 + i},f_webp`);
      const [status, ms] = await timed(async () => {
        const response = await fetch(url);
        await response.arrayBuffer();
        return response.status;
      });
      if (status !== 200) throw new Error(`miss on ${name}: ${status}`);
      times[name]!.push(ms);
    }
  }
  return times;
}

export async function heicScenario(photo: Uint8Array) {
  if (!hasCommand('heif-enc')) return { skipped: 'heif-enc is not installed (Debian: libheif-examples)' };
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-bench-heic-'));
  // A phone photo's size: 4032×3024, 12.2 MP.
  const jpeg = new Uint8Array(await sharp(photo).resize(4032, 3024, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer());
  await Bun.write(join(dir, 'photo.jpg'), jpeg);
  const encode = Bun.spawnSync(['heif-enc', '-q', '50', '-o', join(dir, 'photo.heic'), join(dir, 'photo.jpg')]);
  if (encode.exitCode !== 0) throw new Error(`heif-enc: ${encode.stderr}`);
  const heic = new Uint8Array(await Bun.file(join(dir, 'photo.heic')).arrayBuffer());
  const imgapi = await startImgapi(join(dir, 'data'));
  try {
    const uploads: Record<string, number[]> = { jpeg: [], heic: [] };
    const ids: Record<string, string> = {};
    for (let i = 0; i < 5; i++) {
      for (const [name, bytes] of [['jpeg', jpeg], ['heic', heic]] as const) {
        const [image, ms] = await timed(() => imgapi.upload(bytes, `photo-${i}.${name}`));
        uploads[name]!.push(ms);
        ids[name] = image.id;
      }
    }
    const misses = await alternateMisses(imgapi, ids, 20);
    return {
      bytes: { jpeg: jpeg.byteLength, heic: heic.byteLength },
      uploadMedianMs: { jpeg: median(uploads.jpeg!), heic: median(uploads.heic!) },
      missMedianMs: { jpeg: median(misses.jpeg!), heic: median(misses.heic!) },
      missP90Ms: { jpeg: Number(percentile(misses.jpeg!, 90).toFixed(1)), heic: Number(percentile(misses.heic!, 90).toFixed(1)) },
      missRatio: Number((median(misses.heic!) / median(misses.jpeg!)).toFixed(2)),
    };
  } finally {
    await imgapi.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 300 frames of 480×270 panning diagonally across the photo (at twice that size), 40 ms each. */
async function panningGif(photo: Uint8Array, frames: number, width: number, height: number): Promise<Uint8Array> {
  const strip = await sharp(photo).resize(width * 2, height * 2, { fit: 'cover' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = Buffer.alloc(width * height * frames * 4);
  for (let f = 0; f < frames; f++) {
    const x = Math.round((width * f) / (frames - 1));
    const top = Math.round((height * f) / (frames - 1));
    for (let y = 0; y < height; y++) {
      const from = ((top + y) * strip.info.width + x) * 4;
      strip.data.copy(pixels, ((f * height + y) * width) * 4, from, from + width * 4);
    }
  }
  const gif = await sharp(pixels, { raw: { width, height: height * frames, channels: 4, pageHeight: height } })
    .gif({ delay: Array(frames).fill(40), loop: 0 })
    .toBuffer();
  return new Uint8Array(gif);
}

export async function animationScenario(photo: Uint8Array) {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-bench-anim-'));
  const gif = await panningGif(photo, 300, 480, 270);
  const imgapi = await startImgapi(join(dir, 'data'));
  try {
    const { id, frames } = await imgapi.upload(gif, 'pan.gif');
    const idleRssMb = memoryOf(imgapi.pid).rssMb;
    const transforms = ['w_400,f_webp', 'w_401,f_webp', 'w_402,f_webp', 'w_403,f_webp', 'w_404,f_webp', 'w_405,f_webp', 'w_400,f_gif', 'w_401,f_gif'];
    const urls = await Promise.all(transforms.map((t) => imgapi.sign(id, t)));
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(imgapi.pid).rssMb)), 20);
    const [statuses, burstMs] = await timed(() => Promise.all(urls.map(async (u) => (await fetch(u)).status)));
    clearInterval(sampler);
    const peakRssMb = Math.max(peak, memoryOf(imgapi.pid).peakMb);

    const output: Record<string, { status: number; bytes: number; frames: number; ms: number } | string> = {};
    for (const transform of ['f_webp', 'w_240,f_webp', 'f_gif', 'w_240,f_gif']) {
      const url = await imgapi.sign(id, transform);
      const [[status, body], ms] = await timed(async () => {
        const response = await fetch(url);
        return [response.status, new Uint8Array(await response.arrayBuffer())] as const;
      });
      output[transform] =
        status === 200
          ? { status, bytes: body.byteLength, frames: (await sharp(body, { animated: true }).metadata()).pages ?? 1, ms: Math.round(ms) }
          : `${status} ${new TextDecoder().decode(body).slice(0, 200)}`;
    }
    return { sourceBytes: gif.byteLength, frames, idleRssMb, peakRssMb, statuses, burstSeconds: Number((burstMs / 1000).toFixed(2)), output };
  } finally {
    await imgapi.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// bun scripts/bench/input-formats.ts [heic|animation]: the photo from the corpus.
if (import.meta.main) {
  const photo = new Uint8Array(await Bun.file(join(import.meta.dir, '../../../shared/corpus/Elephants_5640x3172.jpg')).arrayBuffer());
  const which = process.argv[2];
  if (which !== 'animation') console.log('heic', await heicScenario(photo));
  if (which !== 'heic') console.log('animation', JSON.stringify(await animationScenario(photo), null, 1));
}
