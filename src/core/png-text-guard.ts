import { inflateSync } from 'node:zlib';
import { AppError } from './errors';

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** More text than any real image carries; a zTXt that inflates beyond it is a metadata bomb. */
const MAX_TEXT_BYTES = 1024 * 1024;

function tooLarge(): AppError {
  return new AppError('limit_exceeded', `PNG text metadata inflates to more than ${MAX_TEXT_BYTES} bytes`);
}

function inflateBounded(data: Uint8Array): void {
  try {
    inflateSync(data, { maxOutputLength: MAX_TEXT_BYTES });
  } catch (error) {
    if (error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    // Corrupt text is the decoder's business (it ignores or refuses it); only size matters here.
  }
}

/**
 * Walks a PNG's chunks and inflates compressed text (zTXt, iTXt) with a bound, before libvips
 * sees the file: a tiny upload must not make the decoder inflate hundreds of megabytes.
 */
export function guardPngText(bytes: Uint8Array): void {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let offset = 8; offset + 8 <= bytes.length; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, Math.min(bytes.length, offset + 8 + length));
    if (type === 'zTXt') {
      const keywordEnd = data.indexOf(0);
      if (keywordEnd >= 0) inflateBounded(data.subarray(keywordEnd + 2));
    } else if (type === 'iTXt') {
      const keywordEnd = data.indexOf(0);
      if (keywordEnd >= 0 && data[keywordEnd + 1] === 1) {
        const languageEnd = data.indexOf(0, keywordEnd + 3);
        const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
        if (translatedEnd >= 0) inflateBounded(data.subarray(translatedEnd + 1));
      }
    } else if (type === 'IDAT' || type === 'IEND') {
      return; // text after the image data is not read before decoding starts
    }
    offset += 12 + length;
  }
}
