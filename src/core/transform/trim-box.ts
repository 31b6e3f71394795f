import sharp, { type Sharp } from 'sharp';
import { LIMITS } from '../limits';
import type { Box } from './area';
import { secondsLeft } from './deadline';

/**
 * Where the border of near-uniform colour ends, in the pixels of `area` (the oriented source,
 * with any region already cut out). libvips finds it at about 0.1 s per megapixel here, and
 * outside the pass that sharp's timeout watches, so a large image is searched on a copy shrunk
 * to `LIMITS.trimAnalysisPixels` (shrink-on-load makes that copy cheap). The box found there is
 * widened outwards to whole source pixels: it may keep up to one shrink factor of border (about
 * 5 px on a 100 MP image), never cuts into what it found. `area` is consumed.
 */
export async function findTrimBox(area: Sharp, size: { width: number; height: number }, threshold: number, deadline: number): Promise<Box> {
  const shrink = Math.max(1, Math.sqrt((size.width * size.height) / LIMITS.trimAnalysisPixels));
  const width = Math.max(1, Math.floor(size.width / shrink));
  const height = Math.max(1, Math.floor(size.height / shrink));
  // A triangle filter spreads a detail over its neighbours only: the box stays tight and conservative.
  const copy = shrink === 1 ? area : area.resize(width, height, { fit: 'fill', kernel: 'linear' });
  const { data, info } = await copy.raw().timeout({ seconds: secondsLeft(deadline) }).toBuffer({ resolveWithObject: true });
  // sharp trims before any other operation of a pipeline, so the copy is trimmed as a new input.
  const raw = { width: info.width, height: info.height, channels: info.channels };
  const trimmed = (await sharp(data, { raw }).trim({ threshold }).raw().timeout({ seconds: secondsLeft(deadline) }).toBuffer({ resolveWithObject: true })).info;
  const [x, y] = [-(trimmed.trimOffsetLeft ?? 0), -(trimmed.trimOffsetTop ?? 0)];
  const [sx, sy] = [size.width / info.width, size.height / info.height];
  const left = Math.floor(x * sx);
  const top = Math.floor(y * sy);
  const right = Math.min(size.width, Math.ceil((x + trimmed.width) * sx));
  const bottom = Math.min(size.height, Math.ceil((y + trimmed.height) * sy));
  return { left, top, width: right - left, height: bottom - top };
}
