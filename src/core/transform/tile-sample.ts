/** Interleaved 8-bit pixels, as sharp's `raw()` gives them. */
export interface RawImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/**
 * Tiles are multiples of every encoder's block (JPEG's 16 px MCU, WebP's 16 px macroblock,
 * AVIF's 64 px superblock), so a tile's blocks are the blocks it would have in the whole image.
 */
export const TILE = 64;

/**
 * A mosaic of `count` tiles spread evenly over the image, for trying encoder settings on a
 * part of a large image. The three encoders quantise each block by the same rule wherever it
 * sits, so a tile's loss at a given quality is about its loss in place; even spreading keeps
 * the mix of flat and detailed areas that decides the mean score. Images too small to hold
 * `count` tiles are returned whole.
 */
export function tileSample(image: RawImage, count: number): RawImage {
  const across = Math.floor(image.width / TILE);
  const down = Math.floor(image.height / TILE);
  if (count < 1 || across * down <= count) return image;
  // A grid of the image's shape holding at least `count` tiles, each cell giving one.
  let cols = Math.max(1, Math.min(across, Math.round(Math.sqrt((count * image.width) / image.height))));
  let rows = Math.min(down, Math.ceil(count / cols));
  while (cols * rows < count) cols < across ? cols++ : rows++;
  const mosaicCols = Math.ceil(Math.sqrt(cols * rows));
  const mosaicRows = Math.ceil((cols * rows) / mosaicCols);
  const { channels } = image;
  const width = mosaicCols * TILE;
  const height = mosaicRows * TILE;
  const data = new Uint8Array(width * height * channels);
  const rowBytes = TILE * channels;
  let placed = 0;
  for (let r = 0; r < rows; r++) {
    const top = Math.round(((r + 0.5) * image.height) / rows - TILE / 2);
    for (let c = 0; c < cols; c++) {
      const left = Math.round(((c + 0.5) * image.width) / cols - TILE / 2);
      const x = (placed % mosaicCols) * TILE;
      const y = Math.floor(placed / mosaicCols) * TILE;
      for (let line = 0; line < TILE; line++) {
        const from = ((top + line) * image.width + left) * channels;
        data.set(image.data.subarray(from, from + rowBytes), ((y + line) * width + x) * channels);
      }
      placed++;
    }
  }
  // Cells left empty at the end repeat the first tiles, so no flat block flatters the score.
  for (let cell = placed; cell < mosaicCols * mosaicRows; cell++) {
    const sx = ((cell - placed) % mosaicCols) * TILE;
    const sy = Math.floor((cell - placed) / mosaicCols) * TILE;
    const x = (cell % mosaicCols) * TILE;
    const y = Math.floor(cell / mosaicCols) * TILE;
    for (let line = 0; line < TILE; line++) {
      const from = ((sy + line) * width + sx) * channels;
      data.set(data.subarray(from, from + rowBytes), ((y + line) * width + x) * channels);
    }
  }
  return { data, width, height, channels };
}
