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
