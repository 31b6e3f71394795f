import sharp from 'sharp';

/** Hostile and awkward inputs, made here at test time: nothing is downloaded. */

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const body = new Uint8Array(4 + data.length);
  body.set(new TextEncoder().encode(type), 0);
  body.set(data, 4);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(body, 4);
  view.setUint32(8 + data.length, Bun.hash.crc32(body));
  return out;
}

/** A tiny PNG whose header declares `width × height` (a decompression bomb by its header). */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk('IHDR', ihdr), pngChunk('IDAT', new Uint8Array([120, 156, 3, 0, 0, 0, 0, 1])), pngChunk('IEND', new Uint8Array())];
  return new Uint8Array(Buffer.concat(parts));
}

export async function animatedGif(frames: number, side: number): Promise<Uint8Array> {
  const images = await Promise.all(
    Array.from({ length: frames }, (_, i) => sharp({ create: { width: side, height: side, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: i % 256 } } }).png().toBuffer()),
  );
  return new Uint8Array(await sharp(images, { join: { animated: true } }).gif().toBuffer());
}

export async function cmykJpeg(width: number, height: number): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background: '#3366cc' } }).toColourspace('cmyk').jpeg().toBuffer());
}

export async function png16(width: number, height: number): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background: '#884422' } }).toColourspace('rgb16').png().toBuffer());
}

/** A real GIF with an HTML/script payload after its trailer. */
export async function gifHtmlPolyglot(): Promise<Uint8Array> {
  const gif = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#00ff00' } }).gif().toBuffer();
  return new Uint8Array(Buffer.concat([gif, Buffer.from('<html><script>alert(document.cookie)</script></html>')]));
}

export function bmp(width: number, height: number): Uint8Array {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + rowBytes * height;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set([66, 77]);
  view.setUint32(2, size, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, width, true);
  view.setInt32(22, height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  return out;
}

export const textFiles = {
  html: new TextEncoder().encode('<!doctype html><html><body><script>alert(1)</script></body></html>'),
  pdf: new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  mvg: new TextEncoder().encode("push graphic-context\nviewbox 0 0 640 480\nfill 'url(https://example.com/x.jpg\"|ls \"-la)'\npop graphic-context\n"),
  svgXxe: new TextEncoder().encode(
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&xxe;</text></svg>',
  ),
  svgLaughs: new TextEncoder().encode(
    `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "ha">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&j;</text></svg>`,
  ),
  svgHuge: new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="10"><rect width="100%" height="100%"/></svg>'),
  svgHtmlRoot: new TextEncoder().encode('<html xmlns="http://www.w3.org/1999/xhtml"><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/></html>'),
  heicLike: new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112, 104, 101, 105, 99, 0, 0, 0, 0, 109, 105, 102, 49, 104, 101, 105, 99]),
};

export function randomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** A valid small PNG carrying a zTXt chunk that inflates to `inflatedBytes` (a metadata bomb). */
export async function pngWithTextBomb(inflatedBytes: number): Promise<Uint8Array> {
  const { deflateSync } = await import('node:zlib');
  const png = new Uint8Array(await sharp({ create: { width: 16, height: 16, channels: 3, background: '#abcdef' } }).png().toBuffer());
  const text = deflateSync(Buffer.alloc(inflatedBytes, 65), { level: 9 });
  const payload = new Uint8Array(Buffer.concat([Buffer.from('Comment\0\0'), text]));
  const afterIhdr = 8 + 25;
  return new Uint8Array(Buffer.concat([png.subarray(0, afterIhdr), pngChunk('zTXt', payload), png.subarray(afterIhdr)]));
}

/** A JPEG whose EXIF block is as large as a JPEG segment allows. */
export async function jpegWithHugeExif(): Promise<Uint8Array> {
  const jpegBytes = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#345678' } })
    .jpeg()
    .withExif({ IFD0: { ImageDescription: 'x'.repeat(60_000) } })
    .toBuffer();
  return new Uint8Array(jpegBytes);
}

/** A real JPEG with a <script> payload in a comment (COM) segment. */
export async function jpegWithScriptComment(): Promise<Uint8Array> {
  const jpegBytes = new Uint8Array(await sharp({ create: { width: 24, height: 24, channels: 3, background: '#ff8800' } }).jpeg().toBuffer());
  const text = new TextEncoder().encode('<script>alert(document.domain)</script>');
  const segment = new Uint8Array([0xff, 0xfe, 0, text.length + 2, ...text]);
  return new Uint8Array(Buffer.concat([jpegBytes.subarray(0, 2), segment, jpegBytes.subarray(2)]));
}

/** A JPEG carrying a ~8 MB ICC profile of junk, split over APP2 segments as the format allows. */
export async function jpegWithGiantIcc(): Promise<Uint8Array> {
  const base = new Uint8Array(await sharp({ create: { width: 32, height: 32, channels: 3, background: '#456789' } }).jpeg().toBuffer());
  const profile = crypto.getRandomValues(new Uint8Array(65_000 - 16)).subarray(0, 60_000);
  const count = 130;
  const segments: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const header = new TextEncoder().encode('ICC_PROFILE\0');
    const body = new Uint8Array([...header, i + 1, count, ...profile]);
    const length = body.length + 2;
    segments.push(new Uint8Array([0xff, 0xe2, length >> 8, length & 0xff, ...body]));
  }
  return new Uint8Array(Buffer.concat([base.subarray(0, 2), ...segments, base.subarray(2)]));
}
