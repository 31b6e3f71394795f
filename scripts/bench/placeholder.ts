// Issue 15, placeholders at upload: what computing one adds to the upload of a 12 MP JPEG
// (goal ≤ 30 ms). An upload already decoded a shrink-on-load thumbnail to prove the pixels
// readable (8 px); it now decodes it at 100 px, upright and RGBA, and makes the placeholder from
// it. Added time = (100 px decode − the 8 px decode it replaced) + the placeholder from the
// thumbnail, each the median of ROUNDS in this process on the same bytes, interleaved so the
// machine's drift falls on all alike. Uploads through a server, with the placeholder, for scale.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeThumbnail, placeholderOf } from '../../src/core/placeholder';
import { percentile, startImgapi } from './harness';

/** An iPhone's 12 MP: 4032×3024. */
const WIDTH = 4032;
const HEIGHT = 3024;
const ROUNDS = 21;
const UPLOADS = 7;
const MAX_PIXELS = 100_000_000;

export interface PlaceholderResult {
  photo: { width: number; height: number; bytes: number };
  /** Medians, ms. */
  medianMs: {
    /** The decode an upload made before placeholders: an 8 px shrink-on-load thumbnail. */
    probeDecodeBefore: number;
    /** The decode it makes now: 100 px, upright, RGBA. */
    thumbnailDecode: number;
    /** Colour, ThumbHash, BlurHash and data URI from that thumbnail. */
    placeholderFromThumbnail: number;
    /** The whole placeholder from the bytes, had it decoded on its own. */
    standalone: number;
    /** What the placeholder adds to an upload. */
    added: number;
    upload: number;
  };
  goalMs: number;
  dataUriBytes: number;
}

const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};
const round1 = (ms: number) => Number(ms.toFixed(1));

export async function placeholderScenario(photo: Uint8Array): Promise<PlaceholderResult> {
  const jpeg = new Uint8Array(await sharp(photo).resize(WIDTH, HEIGHT, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer());
  const thumbnail = await decodeThumbnail(jpeg, { maxPixels: MAX_PIXELS });
  const sample = await placeholderOf(thumbnail); // warms the encoders' code paths too

  const steps: Record<'probeDecodeBefore' | 'thumbnailDecode' | 'placeholderFromThumbnail' | 'standalone', () => Promise<unknown>> = {
    probeDecodeBefore: () => sharp(jpeg, { limitInputPixels: MAX_PIXELS }).resize(8, 8, { fit: 'inside' }).raw().toBuffer(),
    thumbnailDecode: () => decodeThumbnail(jpeg, { maxPixels: MAX_PIXELS }),
    placeholderFromThumbnail: () => placeholderOf(thumbnail),
    standalone: async () => placeholderOf(await decodeThumbnail(jpeg, { maxPixels: MAX_PIXELS })),
  };
  const times = Object.fromEntries(Object.keys(steps).map((name) => [name, [] as number[]])) as Record<keyof typeof steps, number[]>;
  for (let i = 0; i < ROUNDS; i++) for (const [name, step] of Object.entries(steps)) times[name as keyof typeof steps].push(await timed(step));
  const median = (name: keyof typeof steps) => percentile(times[name], 50);

  const dir = mkdtempSync(join(tmpdir(), 'imgapi-bench-placeholder-'));
  const imgapi = await startImgapi(join(dir, 'data'));
  const uploads: number[] = [];
  try {
    for (let i = 0; i < UPLOADS; i++) uploads.push(await timed(() => imgapi.upload(jpeg, `photo-${i}.jpg`)));
  } finally {
    await imgapi.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const added = median('thumbnailDecode') - median('probeDecodeBefore') + median('placeholderFromThumbnail');
  return {
    photo: { width: WIDTH, height: HEIGHT, bytes: jpeg.byteLength },
    medianMs: {
      probeDecodeBefore: round1(median('probeDecodeBefore')),
      thumbnailDecode: round1(median('thumbnailDecode')),
      placeholderFromThumbnail: round1(median('placeholderFromThumbnail')),
      standalone: round1(median('standalone')),
      added: round1(added),
      upload: round1(percentile(uploads, 50)),
    },
    goalMs: 30,
    dataUriBytes: sample.dataUri.length,
  };
}
