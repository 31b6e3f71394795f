// Issue 14, animated GIF: 8 concurrent misses of a 300-frame 480×270 GIF must stay under 512 MB
// peak RSS (reported against the idle RSS of the same process), and the bytes GIF → animated
// WebP gives, next to GIF output, at full size and at w_240. IMGAPI_MAX_FRAMES (300) and
// IMGAPI_MAX_PIXELS (100 M ≥ 300 × 480 × 270 = 38.9 M) are left at their defaults.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { memoryOf, startImgapi } from './harness';

const FRAMES = 300;
const WIDTH = 480;
const HEIGHT = 270;
const ROUNDS = 2;
const BOUND_MB = 512;

export interface AnimationResult {
  source: { frames: number; width: number; height: number; bytes: number };
  idleRssMb: number;
  peakRssMb: number;
  boundMb: number;
  /** Each round: 8 misses at once (6 WebP, 2 GIF), every one a new variant. */
  rounds: { statuses: number[]; seconds: number }[];
  output: Record<string, { bytes: number; frames: number; ms: number } | { status: number; error: string }>;
  /** The same full-size GIF → WebP (imgapi's animated settings: q80, effort 2) done by sharp in this process, no HTTP: the floor for imgapi's miss. */
  sharpWebpMs: number;
}

/** Frames panning diagonally across the photo (resized to twice the frame), 40 ms each. */
async function panningGif(photo: Uint8Array): Promise<Uint8Array> {
  const strip = await sharp(photo).resize(WIDTH * 2, HEIGHT * 2, { fit: 'cover' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = Buffer.alloc(WIDTH * HEIGHT * FRAMES * 4);
  for (let f = 0; f < FRAMES; f++) {
    const left = Math.round((WIDTH * f) / (FRAMES - 1));
    const top = Math.round((HEIGHT * f) / (FRAMES - 1));
    for (let y = 0; y < HEIGHT; y++) {
      const from = ((top + y) * strip.info.width + left) * 4;
      strip.data.copy(pixels, (f * HEIGHT + y) * WIDTH * 4, from, from + WIDTH * 4);
    }
  }
  const gif = await sharp(pixels, { raw: { width: WIDTH, height: HEIGHT * FRAMES, channels: 4, pageHeight: HEIGHT } })
    // Effort 1: the default palette search takes minutes for 300 frames, and the source's palette quality is beside the point.
    .gif({ delay: Array(FRAMES).fill(40), loop: 0, effort: 1 })
    .toBuffer();
  return new Uint8Array(gif);
}

/** Lets VmHWM count from now (Linux: clear_refs 5); false where the kernel refuses. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export async function animationScenario(photo: Uint8Array): Promise<AnimationResult> {
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-bench-animation-'));
  const imgapi = await startImgapi(join(dir, 'data'));
  try {
    const gif = await panningGif(photo);
    const { id } = await imgapi.upload(gif, 'pan.gif');
    const sourceFrames = (await sharp(gif, { animated: true }).metadata()).pages ?? 1;
    await Bun.sleep(500);
    const idleRssMb = memoryOf(imgapi.pid).rssMb;
    // Without the reset, VmHWM would also hold the upload's peak; the 20 ms sampler covers both cases.
    resetPeak(imgapi.pid);

    let peak = idleRssMb;
    const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(imgapi.pid).rssMb)), 20);
    const rounds: AnimationResult['rounds'] = [];
    try {
      for (let r = 0; r < ROUNDS; r++) {
        const transforms = Array.from({ length: 8 }, (_, i) => `w_${400 + r * 10 + i},f_${i < 6 ? 'webp' : 'gif'}`);
        const urls = await Promise.all(transforms.map((t) => imgapi.sign(id, t)));
        const started = performance.now();
        const statuses = await Promise.all(
          urls.map(async (u) => {
            const response = await fetch(u);
            await response.arrayBuffer();
            return response.status;
          }),
        );
        rounds.push({ statuses, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) });
      }
    } finally {
      clearInterval(sampler);
    }
    const peakRssMb = Math.max(peak, memoryOf(imgapi.pid).peakMb);

    // One at a time, on an idle server: the bytes of each output and the time of its miss.
    const output: AnimationResult['output'] = {};
    for (const transform of ['f_webp', 'w_240,f_webp', 'f_gif', 'w_240,f_gif']) {
      const url = await imgapi.sign(id, transform);
      const started = performance.now();
      const response = await fetch(url);
      const body = new Uint8Array(await response.arrayBuffer());
      const ms = Math.round(performance.now() - started);
      output[transform] =
        response.status === 200
          ? { bytes: body.byteLength, frames: (await sharp(body, { animated: true }).metadata()).pages ?? 1, ms }
          : { status: response.status, error: new TextDecoder().decode(body).slice(0, 200) };
    }
    const started = performance.now();
    await sharp(gif, { animated: true }).webp({ quality: 80, effort: 2 }).toBuffer();
    const sharpWebpMs = Math.round(performance.now() - started);

    return {
      source: { frames: sourceFrames, width: WIDTH, height: HEIGHT, bytes: gif.byteLength },
      idleRssMb,
      peakRssMb,
      boundMb: BOUND_MB,
      rounds,
      output,
      sharpWebpMs,
    };
  } finally {
    await imgapi.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
