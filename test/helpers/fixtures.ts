import sharp from 'sharp';

const asBytes = (b: Buffer): Uint8Array<ArrayBuffer> => new Uint8Array(b);

/** A solid-colour JPEG, optionally tagged with an EXIF orientation. */
export async function jpeg(width: number, height: number, options: { color?: string; orientation?: number } = {}) {
  let image = sharp({ create: { width, height, channels: 3, background: options.color ?? '#3366cc' } }).jpeg({ quality: 90 });
  if (options.orientation) image = image.withMetadata({ orientation: options.orientation });
  return asBytes(await image.toBuffer());
}

export async function png(width: number, height: number, options: { alpha?: boolean; color?: string } = {}) {
  const background = options.alpha ? { r: 255, g: 0, b: 0, alpha: 0.5 } : (options.color ?? '#22aa44');
  return asBytes(await sharp({ create: { width, height, channels: options.alpha ? 4 : 3, background } }).png().toBuffer());
}

export async function webp(width: number, height: number) {
  return asBytes(await sharp({ create: { width, height, channels: 3, background: '#aa8800' } }).webp().toBuffer());
}

/** Left half red, right half blue: lets a test see which part of the source survived a crop. */
export async function halves(width: number, height: number) {
  const half = Math.floor(width / 2);
  const left = await sharp({ create: { width: half, height, channels: 3, background: '#ff0000' } }).png().toBuffer();
  return asBytes(
    await sharp({ create: { width, height, channels: 3, background: '#0000ff' } })
      .composite([{ input: left, left: 0, top: 0 }])
      .png()
      .toBuffer(),
  );
}

export async function decode(bytes: ArrayBuffer | Uint8Array) {
  return sharp(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).metadata();
}

/** RGBA of one pixel of an encoded image. */
export async function pixel(bytes: ArrayBuffer | Uint8Array, x: number, y: number) {
  const { data, info } = await sharp(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 4;
  return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
}

/**
 * An animated GIF or WebP of `frames` frames, frame i a solid colour of red i × step (so a
 * frame can be told by its red), blue 255 − red, with a 100 ms delay and `loop` repeats.
 */
export async function animation(
  width: number,
  height: number,
  frames: number,
  options: { format?: 'gif' | 'webp'; loop?: number; step?: number } = {},
) {
  const step = options.step ?? Math.floor(255 / Math.max(1, frames - 1));
  const pixels = Buffer.alloc(width * height * frames * 4);
  for (let f = 0; f < frames; f++) {
    const red = Math.min(255, f * step);
    for (let i = 0; i < width * height; i++) pixels.set([red, 0, 255 - red, 255], (f * width * height + i) * 4);
  }
  const image = sharp(pixels, { raw: { width, height: height * frames, channels: 4, pageHeight: height } });
  const timing = { delay: Array(frames).fill(100), loop: options.loop ?? 0 };
  const encoded = options.format === 'webp' ? image.webp({ ...timing, lossless: true }) : image.gif(timing);
  return asBytes(await encoded.toBuffer());
}
