import sharp from 'sharp';
// Embedded in the executable by `bun build --compile`; the import gives its path.
import wasmFile from 'libheif-js/libheif-wasm/libheif.wasm' with { type: 'file' };
import { AppError } from '../errors';
import { runOnce } from '../one-shot-worker';
import { secondsLeft } from '../transform/deadline';
import type { DecodeReply, DecodeRequest } from './decode-heic-worker';
import { readHeifHeader, type HeifHeader } from './heif-boxes';

export interface DecodedHeic {
  /** 8-bit RGBA, rows packed, upright. */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly hasAlpha: boolean;
}

export interface DecodeHeicOptions {
  readonly maxPixels: number;
  /** Epoch ms: a decode not done by then is abandoned (503). */
  readonly deadline: number;
}

// Compiled once per process, off the event loop, and handed to each worker, which then only
// instantiates it: a worker costs ~50 ms instead of ~110 ms (loading libheif's 2 MB bundle and
// compiling its WebAssembly), and the compiled code is shared, so decodes run faster too.
let compiled: Promise<WebAssembly.Module> | undefined;
const libheifModule = () =>
  (compiled ??= Bun.file(wasmFile)
    .arrayBuffer()
    .then((wasm) => WebAssembly.compile(wasm))
    .catch((error) => {
      compiled = undefined;
      throw new AppError('internal', 'The HEIC decoder could not be loaded', { cause: error });
    }));

const overloaded = () => new AppError('overloaded', 'The HEIC image took too long to decode; retry shortly', { details: { retryAfterSeconds: 1 } });
const undecodable = (cause?: unknown) => new AppError('unsupported_media_type', 'HEIC image could not be decoded', { cause });

/**
 * The EXIF orientation still to apply after libheif: HEIF's own irot/imir are authoritative and
 * libheif has applied them, so EXIF counts only in a file without them (an iPhone file carries
 * both, describing the same turn: applying both would turn it twice).
 */
export function pendingExifOrientation(header: HeifHeader): number | null {
  const { hasTransforms, exifOrientation } = header.primary;
  return !hasTransforms && exifOrientation !== null && exifOrientation >= 2 && exifOrientation <= 8 ? exifOrientation : null;
}

/** The size a viewer shows, from the header alone (what decodeHeic will return). */
export function heicDisplaySize(header: HeifHeader): { width: number; height: number } {
  const { width, height } = header.primary;
  return (pendingExifOrientation(header) ?? 1) >= 5 ? { width: height, height: width } : { width, height };
}

/**
 * The primary image of a HEIC, upright, as raw RGBA. The header's pixel count is checked before
 * any decoding; the WebAssembly decode runs in a worker of its own (see decode-heic-worker.ts)
 * and is killed at the deadline.
 */
export async function decodeHeic(bytes: Uint8Array, opts: DecodeHeicOptions): Promise<DecodedHeic> {
  const header = readHeifHeader(bytes);
  const { width, height } = header.primary;
  if (width * height > opts.maxPixels) {
    throw new AppError('limit_exceeded', `Image is ${width}×${height} pixels, over the limit of ${opts.maxPixels}`);
  }
  if (Date.now() >= opts.deadline) throw overloaded();
  const wasm = await libheifModule();
  // A copy is transferred, so the caller's buffer stays usable (it is stored after decoding).
  const decoded = await decodeInWorker({ bytes: bytes.slice(), maxPixels: opts.maxPixels, wasm }, opts.deadline);
  const orientation = pendingExifOrientation(header);
  return orientation === null ? decoded : applyExifOrientation(decoded, orientation, opts.deadline);
}

async function decodeInWorker(request: DecodeRequest, deadline: number): Promise<DecodedHeic> {
  const reply = await runOnce<DecodeReply>(new URL('./decode-heic-worker.ts', import.meta.url).href, request, [request.bytes.buffer as ArrayBuffer], deadline, {
    tooLong: overloaded,
    failed: (message) => new AppError('internal', `The HEIC decoder failed: ${message}`),
  });
  if (!reply.ok) throw undecodable(new Error(reply.message));
  return reply;
}

/**
 * EXIF orientations as sharp operations. sharp mirrors before it rotates, so the mirrored
 * orientations (5, 7) are a flop then the turn (transpose = flop + 270, transverse = flop + 90).
 */
const EXIF_STEPS: Record<number, { flip?: true; flop?: true; angle?: number }> = {
  2: { flop: true },
  3: { angle: 180 },
  4: { flip: true },
  5: { flop: true, angle: 270 },
  6: { angle: 90 },
  7: { flop: true, angle: 90 },
  8: { angle: 270 },
};

export async function applyExifOrientation(image: DecodedHeic, orientation: number, deadline: number): Promise<DecodedHeic> {
  const steps = EXIF_STEPS[orientation];
  if (!steps) return image;
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } }).timeout({ seconds: secondsLeft(deadline) });
  if (steps.flip) pipeline = pipeline.flip();
  if (steps.flop) pipeline = pipeline.flop();
  if (steps.angle) pipeline = pipeline.rotate(steps.angle);
  try {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, hasAlpha: image.hasAlpha };
  } catch (error) {
    throw /timeout/i.test(String(error)) ? overloaded() : undecodable(error);
  }
}
