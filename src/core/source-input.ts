import { masterKeyOf } from './blob-keys';
import { AppError } from './errors';
import { makeHeicMaster } from './heic/heic-master';
import type { BlobStore, ImageRecord } from './ports';
import { renderSvg } from './svg/render-svg';
import { MAX_SVG_SIDE } from './svg/svg-size';
import type { SourceInput } from './transform/execute';
import type { TransformPlan } from './transform/plan';
import type { Region } from './transform/ops/region';

/** What one transform reads: the input, its size, and the plan in that input's pixels. */
export interface PreparedSource {
  readonly input: SourceInput;
  readonly source: { readonly width: number; readonly height: number };
  readonly plan: TransformPlan;
}

export interface SourceReaderDeps {
  originals: BlobStore;
  maxPixels: number;
}

/**
 * A vector source is drawn at no more pixels than this, whatever the pixel limit: resvg's pixmap,
 * its copy out of WebAssembly and libvips' input each hold the whole rendering (an 8192² one
 * peaked at 860 MB). 8192×4096 draws a wide logo sharp at w_8192; a larger output is enlarged
 * from it by libvips.
 */
export const MAX_SVG_RENDER_PIXELS = 8192 * 4096;

/** How many SVG versions too costly to draw are remembered per process (then forgotten all at once). */
const TOO_COSTLY_KEPT = 10_000;

/**
 * Turns an image record into what the pipeline reads. Raster originals are read as they are
 * (a file path when the store has one, so libvips can shrink JPEGs on load). A HEIC original is
 * read through its working master, made again if it was lost. An SVG is rendered at the scale
 * the plan needs, so `w_2000` of a 100 px logo is drawn at 2000 px rather than enlarged; the
 * plan's pixel values (`cr`) are scaled to the rendering. Null: the original is gone.
 */
export function createSourceReader(deps: SourceReaderDeps) {
  const { originals, maxPixels } = deps;
  // Per image version: the fewest pixels an SVG rendering of it ran past its deadline at.
  const tooCostly = new Map<string, number>();
  const fileOf = async (key: string) => originals.localPath(key) ?? (await originals.get(key));
  const bytesOf = async (key: string) => {
    const local = originals.localPath(key);
    if (local === null) return originals.get(key);
    const file = Bun.file(local);
    return (await file.exists()) ? new Uint8Array(await file.arrayBuffer()) : null;
  };

  async function heicMaster(image: ImageRecord, deadline: number): Promise<SourceInput | null> {
    const key = masterKeyOf(image.originalKey);
    if (await originals.exists(key)) return fileOf(key);
    const original = await bytesOf(image.originalKey);
    if (original === null) return null;
    const { master } = await makeHeicMaster(original, { maxPixels, deadline });
    await originals.put(key, master);
    return master;
  }

  return {
    async read(image: ImageRecord, plan: TransformPlan, deadline: number): Promise<PreparedSource | null> {
      if (image.format === 'heic') {
        const input = await heicMaster(image, deadline);
        return input === null ? null : { input, source: image, plan };
      }
      if (image.format === 'svg') {
        const document = await bytesOf(image.originalKey);
        if (document === null) return null;
        const { scale, width, height } = renderSize(image, plan, maxPixels);
        const version = `${image.id}/${image.version}`;
        const failedAt = tooCostly.get(version);
        if (failedAt !== undefined && width * height >= failedAt) {
          throw new AppError('limit_exceeded', `This SVG takes longer than the transform time limit to draw at ${width}×${height} px; ask for a smaller size`);
        }
        const { data } = await renderSvg(document, width, height, { deadline }).catch((error: unknown) => {
          // Past its deadline the render held its slot to the end (see runOnce): remembered, so
          // this size and larger are refused at once instead of costing as much again.
          if (error instanceof AppError && error.code === 'overloaded') {
            if (tooCostly.size >= TOO_COSTLY_KEPT) tooCostly.clear();
            tooCostly.set(version, Math.min(width * height, failedAt ?? Infinity));
          }
          throw error;
        });
        return { input: { pixels: data, width, height }, source: { width, height }, plan: scaledPlan(plan, scale, width, height) };
      }
      const input = await fileOf(image.originalKey);
      return input === null ? null : { input, source: image, plan };
    },
  };
}

/**
 * How much larger than its own size a vector source is drawn: enough that the part the plan
 * keeps covers the output, within the pixel limits and the renderer's side limit.
 */
export function renderScale(image: Pick<ImageRecord, 'width' | 'height'>, plan: TransformPlan, maxPixels: number): number {
  let [kept, keptHeight] = plan.region ? [plan.region.width, plan.region.height] : [image.width, image.height];
  if (plan.rotate === 90 || plan.rotate === 270) [kept, keptHeight] = [keptHeight, kept];
  const wanted = Math.max(plan.width / kept, plan.height / keptHeight);
  const pixels = Math.min(maxPixels, MAX_SVG_RENDER_PIXELS);
  const bound = Math.min(Math.sqrt(pixels / (image.width * image.height)), MAX_SVG_SIDE / image.width, MAX_SVG_SIDE / image.height);
  return Math.min(wanted, bound);
}

/** The rendering's whole pixels: rounded down, so the bounds hold (a float's last bit aside). */
export function renderSize(image: Pick<ImageRecord, 'width' | 'height'>, plan: TransformPlan, maxPixels: number) {
  const scale = renderScale(image, plan, maxPixels);
  const side = (length: number) => Math.max(1, Math.floor(length * scale + 1e-6));
  return { scale, width: side(image.width), height: side(image.height) };
}

/** The plan in the rendering's pixels: only the region is in source pixels. */
function scaledPlan(plan: TransformPlan, scale: number, width: number, height: number): TransformPlan {
  if (!plan.region) return plan;
  const x = Math.min(width - 1, Math.round(plan.region.x * scale));
  const y = Math.min(height - 1, Math.round(plan.region.y * scale));
  const region: Region = {
    x,
    y,
    width: Math.max(1, Math.min(width - x, Math.round(plan.region.width * scale))),
    height: Math.max(1, Math.min(height - y, Math.round(plan.region.height * scale))),
  };
  return { ...plan, region };
}
