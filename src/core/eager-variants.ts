import { presetDeliveryPath } from './delivery-path';
import { invalid } from './errors';
import { newId } from './ids';
import type { ImageService } from './images';
import { MAX_PAGE_SIZE } from './paging';
import type { EagerJobSpec, EagerJobState, EagerJobsWrite, ImageRecord, PresetRecord, Repositories } from './ports';
import { parseTransform } from './transform/parse';
import type { Transform } from './transform/registry';
import { OUTPUT_FORMATS, type OutputFormat } from './transform/types';

/**
 * A preset's formats: what eager work and `preset warm` compute. Absent: its own format (its
 * `f`, else webp, the extension its URLs default to). A preset with a concrete `f` delivers
 * that format only (another extension is a 400), so it may list no other. With `f_auto` each
 * format is the one a browser accepting it would be sent.
 */
export function validateEagerFormats(formats: readonly unknown[] | null | undefined, transform: Transform): OutputFormat[] | null {
  if (formats == null) return null;
  if (formats.length < 1 || formats.length > OUTPUT_FORMATS.length) throw invalid(`formats must list 1 to ${OUTPUT_FORMATS.length} formats; got ${formats.length}`);
  for (const format of formats) {
    if (!(OUTPUT_FORMATS as readonly unknown[]).includes(format)) {
      throw invalid(`Each format must be one of ${OUTPUT_FORMATS.join(', ')}; got ${JSON.stringify(format)}`);
    }
  }
  if (new Set(formats).size !== formats.length) throw invalid('formats lists a format more than once');
  const own = transform.f;
  if (own !== undefined && own !== 'auto' && (formats.length !== 1 || formats[0] !== own)) {
    throw invalid(`A preset with f_${own} delivers ${own} only: its formats can only be ["${own}"] (use f_auto or no f for several)`);
  }
  return [...(formats as OutputFormat[])];
}

export const presetFormats = (preset: Pick<PresetRecord, 'formats' | 'params'>): OutputFormat[] => {
  if (preset.formats) return preset.formats;
  const { f } = parseTransform(preset.params);
  return [f === undefined || f === 'auto' ? 'webp' : f];
};

/**
 * Every variant of one preset for one image: each width (a width-set preset) × each format,
 * named by the delivery path its URL has, so computing it is exactly what that URL computes.
 */
export function eagerJobSpecs(image: Pick<ImageRecord, 'clientId' | 'id' | 'version'>, preset: PresetRecord): EagerJobSpec[] {
  const auto = parseTransform(preset.params).f === 'auto';
  const specs: EagerJobSpec[] = [];
  for (const width of preset.widths ?? [undefined]) {
    for (const format of presetFormats(preset)) {
      // An f_auto URL ends in .webp whatever it sends; the Accept header picks the format.
      const path = presetDeliveryPath(image.clientId, preset.name, image.id, auto ? 'webp' : format, width).slice('/t/'.length);
      specs.push({ clientId: image.clientId, imageId: image.id, imageVersion: image.version, presetId: preset.id, path, accept: auto ? `image/${format}` : '' });
    }
  }
  return specs;
}

const withIds = (specs: EagerJobSpec[]) => specs.map((spec) => ({ ...spec, id: newId() }));

export interface VariantCounts {
  /** Variants of the current version not computed yet (queued or running). */
  pending: number;
  ready: number;
}

/** Eager variants: the jobs an upload, a replace or `preset warm` adds to the persisted queue. */
export function createEagerVariants(deps: {
  repos: Pick<Repositories, 'presets' | 'eagerJobs'>;
  images: Pick<ImageService, 'list'>;
  now: () => string;
  /** Told when jobs were added, so a worker in this process starts at once. */
  onEnqueued?: () => void;
}) {
  const { repos, now } = deps;
  return {
    /**
     * On upload and replace: the version's variants of every eager preset, for the image
     * repository to write in the transaction of the row (a crash between the two loses none).
     */
    async jobsFor(image: ImageRecord): Promise<EagerJobsWrite> {
      const eager = (await repos.presets.list(image.clientId)).filter((p) => p.eager);
      return { jobs: withIds(eager.flatMap((preset) => eagerJobSpecs(image, preset))), now: now() };
    },

    /** After the row (and its jobs) committed: a worker in this process starts at once. */
    committed(write: EagerJobsWrite): void {
      if (write.jobs.length) deps.onEnqueued?.();
    },

    /**
     * Queues the preset's variants of every image (in `folder` and below); returns what was
     * queued and `since`, the time they were queued at: `progress(presetId, since)` counts them only.
     */
    async warm(clientId: string, preset: PresetRecord, folder?: string): Promise<{ images: number; variants: number; since: string }> {
      const since = now();
      let images = 0;
      let variants = 0;
      for (let page = 1; ; page++) {
        const listed = await deps.images.list(clientId, { folder, recursive: true, page, pageSize: MAX_PAGE_SIZE });
        const specs = listed.items.flatMap((image) => eagerJobSpecs(image, preset));
        await repos.eagerJobs.enqueue(withIds(specs), since);
        images += listed.items.length;
        variants += specs.length;
        if (page * MAX_PAGE_SIZE >= listed.total || listed.items.length === 0) break;
      }
      if (variants) deps.onEnqueued?.();
      return { images, variants, since };
    },

    progress: (presetId: string, since?: string): Promise<Record<EagerJobState, number>> => repos.eagerJobs.countsByPreset(presetId, since),

    /** `variants` of the image object, per image id (zeros for an image without eager work). */
    async counts(clientId: string, imageIds: readonly string[]): Promise<Map<string, VariantCounts>> {
      const found = await repos.eagerJobs.countsByImage(clientId, imageIds);
      return new Map(imageIds.map((id) => [id, { pending: found.get(id)?.pending ?? 0, ready: found.get(id)?.ready ?? 0 }]));
    },
  };
}

export type EagerVariants = ReturnType<typeof createEagerVariants>;
