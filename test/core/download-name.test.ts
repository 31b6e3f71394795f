import { expect, test } from 'bun:test';
import { downloadName } from '../../src/core/download-name';

test.each([
  ['logo.png', 'png', 'logo.png'],
  ['photo.JPEG', 'jpeg', 'photo.JPEG'],
  ['photo.jpg', 'jpeg', 'photo.jpg'],
  ['scan.tiff', 'tiff', 'scan.tiff'],
  ['IMG_1.HEIC', 'heif', 'IMG_1.HEIC'],
  // Replaced by another format under the same name: the extension follows the bytes.
  ['logo.png', 'gif', 'logo.gif'],
  ['photo.jpg', 'webp', 'photo.webp'],
  ['archive.tar.png', 'jpeg', 'archive.tar.jpg'],
  // No extension, or one that is not an image's: kept as the uploader chose.
  ['logo', 'png', 'logo'],
  ['notes.v2', 'avif', 'notes.v2'],
  ['.png', 'svg', '.png'],
  // A format the caller does not know: the name as it is.
  ['thing.bin', 'bmp', 'thing.bin'],
])('%s stored as %s downloads as %s', (originalName, format, expected) => {
  expect(downloadName({ originalName, format })).toBe(expected);
});
