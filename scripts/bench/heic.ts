// Issue 14, HEIC input: the same ~12 MP phone-sized photo uploaded as JPEG q90 and as HEIC
// (Debian's heif-enc). Goal: a miss on the HEIC costs at most 1.5× a miss on the JPEG. The HEIC
// upload is reported against the JPEG upload: that is where imgapi decodes the HEIC (libheif
// WebAssembly in a worker) into the working master that its misses then read.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { hasCommand, percentile, startImgapi } from './harness';
import { wrk, type WrkResult } from './wrk';

/** An iPhone's 12 MP: 4032×3024. */
const WIDTH = 4032;
const HEIGHT = 3024;
const UPLOADS = 5;

export interface HeicResult {
  photo: { width: number; height: number; jpegBytes: number; heicBytes: number; masterBytes: number | null };
  uploadMs: { jpeg: number[]; heic: number[] };
  uploadMedianMs: { jpeg: number; heic: number };
  misses: Record<string, WrkResult>;
  /** Miss cost HEIC / JPEG at each concurrency: JPEG req/s ÷ HEIC req/s (goal ≤ 1.5). */
  missCostRatio: Record<string, number>;
}

/**
 * Distinct w≈600 WebP variants (w 560–640, q from `q0` up), more than `seconds` of misses can
 * ask for, so every request is a miss; each concurrency level gets its own q range.
 */
function variants(seconds: number, q0: number): string[] {
  const list: string[] = [];
  for (let q = q0; list.length < seconds * 80 && q <= 100; q++) for (let w = 560; w <= 640; w++) list.push(`w_${w},f_webp,q_${q}`);
  return list;
}

async function timedMs(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return Number((performance.now() - started).toFixed(1));
}

export async function heicScenario(photo: Uint8Array, seconds: number): Promise<HeicResult | { skipped: string }> {
  if (!hasCommand('heif-enc')) return { skipped: 'heif-enc is not installed (Debian package libheif-examples), so no HEIC can be made' };
  const dir = mkdtempSync(join(tmpdir(), 'imgapi-bench-heic-'));
  const imgapi = await startImgapi(join(dir, 'data'));
  try {
    const jpeg = new Uint8Array(await sharp(photo).resize(WIDTH, HEIGHT, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer());
    const jpegPath = join(dir, 'photo.jpg');
    const heicPath = join(dir, 'photo.heic');
    await Bun.write(jpegPath, jpeg);
    const encode = Bun.spawnSync(['heif-enc', '-q', '50', '-o', heicPath, jpegPath]);
    if (encode.exitCode !== 0) throw new Error(`heif-enc failed: ${encode.stderr.toString()}`);
    const heic = new Uint8Array(await Bun.file(heicPath).arrayBuffer());

    // Alternating, so the machine's drift falls on both alike; every upload is a new image (no dedupe).
    const sources = { jpeg, heic };
    const uploadMs: HeicResult['uploadMs'] = { jpeg: [], heic: [] };
    const ids = { jpeg: '', heic: '' };
    for (let i = 0; i < UPLOADS; i++) {
      for (const name of ['jpeg', 'heic'] as const) {
        uploadMs[name].push(await timedMs(async () => (ids[name] = (await imgapi.upload(sources[name], `photo-${i}.${name === 'jpeg' ? 'jpg' : 'heic'}`)).id)));
      }
    }
    const master = [...new Bun.Glob('**/*.master').scanSync({ cwd: join(dir, 'data'), absolute: true })][0];

    const misses: Record<string, WrkResult> = {};
    const missCostRatio: Record<string, number> = {};
    for (const [connections, q0, order] of [[2, 50, ['jpeg', 'heic']], [8, 75, ['heic', 'jpeg']]] as const) {
      const specs = variants(seconds, q0);
      for (const name of order) {
        const paths = await Promise.all(specs.map(async (spec) => new URL(await imgapi.sign(ids[name], spec)).pathname));
        misses[`${name}-c${connections}`] = await wrk(imgapi.url, { connections, seconds, paths });
      }
      const heicRps = misses[`heic-c${connections}`]!.requestsPerSecond;
      missCostRatio[`c${connections}`] = heicRps ? Number((misses[`jpeg-c${connections}`]!.requestsPerSecond / heicRps).toFixed(2)) : NaN;
    }
    return {
      photo: { width: WIDTH, height: HEIGHT, jpegBytes: jpeg.byteLength, heicBytes: heic.byteLength, masterBytes: master ? statSync(master).size : null },
      uploadMs,
      uploadMedianMs: { jpeg: percentile(uploadMs.jpeg, 50), heic: percentile(uploadMs.heic, 50) },
      misses,
      missCostRatio,
    };
  } finally {
    await imgapi.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
