import type { AccountService } from './accounts';
import { variantBlobKey } from './blob-keys';
import { parseDeliveryPath } from './delivery-path';
import { AppError, invalid, notFound } from './errors';
import { createCoalescer, createLimiter } from './limiter';
import type { MediaStores } from './media-store';
import type { ImageRecord, Repositories } from './ports';
import { verifyPath } from './signing';
import { executePlan } from './transform/execute';
import { formatOfExtension, resolveOutputFormat } from './transform/format';
import { parseTransform } from './transform/parse';
import { planTransform, variantKey, type TransformPlan } from './transform/plan';
import { CONTENT_TYPES, type Transform } from './transform/types';

export interface DeliveryDeps {
  accounts: Pick<AccountService, 'getClient'>;
  repos: Pick<Repositories, 'images' | 'presets'>;
  stores: MediaStores;
  maxPixels: number;
  concurrency: number;
}

export interface DeliveredVariant {
  body: Uint8Array;
  contentType: string;
  etag: string;
  lastModified: Date;
  /** f_auto responses depend on the Accept header. */
  varyAccept: boolean;
}

export function createDeliveryService(deps: DeliveryDeps) {
  const { accounts, repos, stores, maxPixels } = deps;
  const limiter = createLimiter(deps.concurrency);
  const coalescer = createCoalescer<Uint8Array>();
  const stats = { transforms: 0, hits: 0 };

  /** Authorizes the request and returns its transform; the signature is checked before any other lookup. */
  async function authorize(path: ReturnType<typeof parseDeliveryPath>): Promise<Transform> {
    const client = await accounts.getClient(path.clientId);
    if (path.auth.kind === 'signature') {
      if (!verifyPath(client.signingSecret, client.id, path.rest, path.auth.signature)) {
        throw new AppError('forbidden', 'Invalid signature');
      }
      return parseTransform(path.transform);
    }
    if (path.transform !== '') throw invalid('A preset URL takes no transform segment');
    const preset = await repos.presets.getByName(client.id, path.auth.name);
    if (!preset) throw notFound('Preset');
    return parseTransform(preset.params);
  }

  async function render(image: ImageRecord, plan: TransformPlan, key: string): Promise<Uint8Array> {
    const cached = await stores.variants.get(key);
    if (cached) {
      stats.hits++;
      return cached;
    }
    return coalescer.run(key, () =>
      limiter.run(async () => {
        stats.transforms++;
        const input = stores.originals.localPath(image.originalKey) ?? (await stores.originals.get(image.originalKey));
        if (input === null) throw notFound('Image');
        const body = await executePlan(input, image, plan, { maxPixels });
        await stores.variants.put(key, body);
        return body;
      }),
    );
  }

  return {
    stats,
    /** Transforms running now and waiting for a slot. */
    load: () => ({ active: limiter.active, queued: limiter.queued }),

    /** Serves `/t/<path>`: authorize, look up, plan, then the cached or freshly computed variant. */
    async deliver(path: string, accept: string | null): Promise<DeliveredVariant> {
      const parsed = parseDeliveryPath(path);
      const transform = await authorize(parsed);
      formatOfExtension(parsed.extension); // a bad extension is 400 whether or not the image exists
      const image = await repos.images.get(parsed.clientId, parsed.imageId);
      if (!image) throw notFound('Image');
      const format = resolveOutputFormat(transform, parsed.extension, accept, image.hasAlpha);
      const plan = planTransform(transform, image, format);
      const key = variantKey(plan);
      const body = await render(image, plan, variantBlobKey(image, key));
      return {
        body,
        contentType: CONTENT_TYPES[format],
        etag: `"${image.id}-${image.version}-${key}"`,
        lastModified: new Date(image.updatedAt),
        varyAccept: transform.f === 'auto',
      };
    },
  };
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
