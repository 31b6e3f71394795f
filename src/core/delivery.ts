import type { AccountService } from './accounts';
import { variantBlobKey } from './blob-keys';
import type { ChangeFeed } from './change-feed';
import { parseDeliveryPath } from './delivery-path';
import { AppError, invalid, notFound } from './errors';
import { checkFrames } from './image-probe';
import { createCoalescer, withDeadline, type Limiter } from './limiter';
import { createLru, type Lru } from './lru';
import { cacheTagHeaders, type CacheTagHeaders } from './purge/tags';
import type { BlobStore, ImageRecord, Repositories } from './ports';
import type { QuotaService } from './quotas';
import { checkPresetWidth, presetWidthSegment, transformAtWidth } from './preset-widths';
import { verifyWithSecrets } from './signing';
import { createSourceReader, type PreparedSource } from './source-input';
import type { BlobTags } from './tagged-blob';
import type { Tier, TieredStore } from './tiered-store';
import { transformSeconds } from './transform/deadline';
import { runPlan, type PlanResult } from './transform/execute';
import { formatOfExtension, negotiateFormat, resolveOutputFormat, type NegotiationSource } from './transform/format';
import { parseTransform } from './transform/parse';
import { planTransform, sourceInfoOf, variantKey, type TransformPlan } from './transform/plan';
import { CONTENT_TYPES, type Transform } from './transform/types';

export interface DeliveryDeps {
  accounts: Pick<AccountService, 'getClient'>;
  repos: Pick<Repositories, 'images' | 'presets'>;
  originals: BlobStore;
  variants: TieredStore;
  feed: ChangeFeed;
  maxPixels: number;
  maxFrames: number;
  transformTimeoutSeconds: number;
  /** Responses carry `Cache-Tag` and `Surrogate-Key` (IMGAPI_CDN_TAGS, on by default). */
  cdnTags?: boolean;
  /** The process's transform slots (shared with uploads that decode). */
  transforms: Limiter;
  /** A client's transforms a minute: a miss over it is refused (403 quota_exceeded); hits never ask. */
  quotas?: Pick<QuotaService, 'admitTransform' | 'chargeTransform'>;
  /** Called when the last queued transform finishes (lets the process return memory). */
  onIdle?: () => void;
  /** Called when an image's original is gone from the store (disk loss, a manual delete). */
  onOriginalMissing?: (image: ImageRecord) => void;
  /** Counts each variant computed, per client (the usage page's transforms). */
  usage?: { transformed(clientId: string): void };
}

export type CacheOutcome = Tier | 'miss';

/** Everything about a variant but its bytes; one object per resolution, reused by every hit. */
export interface VariantMeta {
  contentType: string;
  etag: string;
  /** HTTP date of the image version. */
  lastModified: string;
  /** f_auto responses depend on the Accept header. */
  varyAccept: boolean;
  /** The encoder quality (the one `q_auto` chose), for debugging; none for PNG. */
  quality: number | undefined;
  /** The CDN tags of the image (`img-<id>`, `client-<id>`); null when turned off. */
  tags: CacheTagHeaders | null;
}

export interface DeliveredVariant {
  /** Whose image it is: usage is counted per client. */
  clientId: string;
  meta: VariantMeta;
  body: Uint8Array;
  cache: CacheOutcome;
  /** The URL's `exp_` (unix seconds): caches may keep the response only until then. Null: immutable. */
  expiresAt: number | null;
}

/** A delivery path already parsed and, when signed, verified: signed paths never change meaning. */
interface Route {
  clientId: string;
  imageId: string;
  extension: string;
  transform: Transform | null;
  preset: string | null;
  /** `w_<N>` of a width-set preset's URL; null for any other URL. */
  width: number | null;
  /** The signed URL's `exp_` in unix seconds; null when it has none. */
  expiresAt: number | null;
  /** Verified by the previous secret: valid until then (ms since the epoch); null for the current one. */
  previousUntil: number | null;
  /** `<clientId>/<imageId>` and `<clientId>/<preset>`, the keys of the image and preset caches, made once. */
  imageKey: string;
  presetKey: string | null;
}

/** A preset as delivery uses it, with its transform at each width already asked for. */
interface PresetEntry {
  transform: Transform;
  widths: number[] | null;
  atWidth: Map<number, Transform>;
}

const ROUTE_CACHE_ENTRIES = 50_000;
const IMAGE_CACHE_ENTRIES = 20_000;

/** What a repeated request resolves to, valid while its image record is the cached one. */
interface Resolved {
  image: ImageRecord;
  /** The transform it was resolved for: a preset deleted and made again gives a new one. */
  transform: Transform;
  blobKey: string;
  meta: VariantMeta;
}

export function createDeliveryService(deps: DeliveryDeps) {
  const { accounts, repos, originals, variants, maxPixels } = deps;
  const limiter = deps.transforms;
  const coalescer = createCoalescer<PlanResult>();
  const sources = createSourceReader({ originals, maxPixels });
  const stats = { transforms: 0, coalesced: 0, originalsMissing: 0, previousSecret: 0 };
  // The hot path does no avoidable work: verified routes, image rows and presets stay in memory,
  // and the change feed makes replaced or deleted images and removed presets drop out at once.
  const routes = createLru<Route>({ maxWeight: ROUTE_CACHE_ENTRIES });
  const images = createLru<ImageRecord>({ maxWeight: IMAGE_CACHE_ENTRIES });
  const presets = createLru<PresetEntry>({ maxWeight: 1_000 });
  const resolved = createLru<Resolved>({ maxWeight: ROUTE_CACHE_ENTRIES });
  deps.feed.subscribe((change) => {
    if (change.kind === 'image') images.delete(`${change.clientId}/${change.imageId}`);
    else if (change.kind === 'preset') presets.delete(`${change.clientId}/${change.name}`);
    // A rotated secret: routes verified with the old one are checked again (a route's key is its path).
    else if (change.kind === 'client') routes.deleteWhere((path) => path.startsWith(`${change.clientId}/`));
    else {
      images.deleteWhere(() => true);
      presets.deleteWhere(() => true);
      routes.deleteWhere(() => true);
    }
  });

  /** A route verified by the previous secret whose grace has ended must be verified again (and fail). */
  const graceOver = (route: Route, now: number) => route.previousUntil !== null && now >= route.previousUntil;
  const expired = (route: Route, now: number) => route.expiresAt !== null && now >= route.expiresAt * 1000;

  async function routeOf(path: string): Promise<Route> {
    const cached = routes.get(path);
    if (cached && !graceOver(cached, Date.now())) return cached;
    const parsed = parseDeliveryPath(path);
    // Unknown client → 404 before anything else; the signature is checked before any image lookup.
    const client = await accounts.getClient(parsed.clientId);
    let route: Route;
    if (parsed.auth.kind === 'signature') {
      const previous = client.previousSecret && Date.parse(client.previousSecret.validUntil) > Date.now() ? client.previousSecret : null;
      const signedWith = verifyWithSecrets({ current: client.signingSecret, previous: previous?.secret ?? null }, client.id, parsed.rest, parsed.auth.signature);
      if (!signedWith) throw new AppError('forbidden', 'Invalid signature');
      const transform = parseTransform(parsed.transform);
      route = {
        clientId: client.id, imageId: parsed.imageId, extension: parsed.extension, transform, preset: null, width: null,
        expiresAt: transform.exp ?? null,
        previousUntil: signedWith === 'previous' ? Date.parse(previous!.validUntil) : null,
        imageKey: `${client.id}/${parsed.imageId}`, presetKey: null,
      };
    } else {
      const width = parsed.transform === '' ? null : presetWidthSegment(parsed.transform);
      if (parsed.transform !== '' && width === null) throw invalid('A preset URL takes no transform segment but w_<N>, one of a width-set preset\'s widths');
      route = {
        clientId: client.id, imageId: parsed.imageId, extension: parsed.extension, transform: null, preset: parsed.auth.name, width, expiresAt: null, previousUntil: null,
        imageKey: `${client.id}/${parsed.imageId}`, presetKey: `${client.id}/${parsed.auth.name}`,
      };
    }
    formatOfExtension(route.extension); // a bad extension is 400 whether or not the image exists
    routes.set(path, route);
    return route;
  }

  /** A value from its in-memory cache, else loaded (a missing one is a 404 and is not cached). */
  async function cached<V>(cache: Lru<V>, key: string, load: () => Promise<V | null>, what: string): Promise<V> {
    const hit = cache.get(key);
    if (hit) return hit;
    const value = await load();
    if (!value) throw notFound(what);
    cache.set(key, value);
    return value;
  }

  const presetEntry = (clientId: string, name: string) =>
    cached(presets, `${clientId}/${name}`, async () => {
      const preset = await repos.presets.getByName(clientId, name);
      return preset && { transform: parseTransform(preset.params), widths: preset.widths, atWidth: new Map() };
    }, 'Preset');

  /** The route's transform from its preset: at the URL's width when it names one (checked by the caller). */
  function presetTransform(entry: PresetEntry, width: number | null): Transform {
    if (width === null) return entry.transform;
    let transform = entry.atWidth.get(width);
    if (!transform) entry.atWidth.set(width, (transform = transformAtWidth(entry.transform, width)));
    return transform;
  }

  async function transformOf(route: Route): Promise<Transform> {
    if (route.transform) return route.transform;
    const entry = await presetEntry(route.clientId, route.preset!);
    if (route.width !== null) checkPresetWidth(route.preset!, entry.widths, route.width);
    return presetTransform(entry, route.width);
  }

  const imageOf = (clientId: string, imageId: string) =>
    cached(images, `${clientId}/${imageId}`, () => repos.images.get(clientId, imageId), 'Image');

  /** A lost file is the operator's problem, not the caller's: a 404 for them, a log line and a metric. */
  function originalMissing(image: ImageRecord): AppError {
    stats.originalsMissing++;
    deps.onOriginalMissing?.(image);
    return notFound('Image');
  }

  async function compute(image: ImageRecord, plan: TransformPlan, key: string, seconds: number, inSlot: boolean): Promise<PlanResult> {
    const inLimit = (task: () => Promise<PlanResult>) => (inSlot ? task() : limiter.run(task, image.clientId));
    // Only a new computation counts towards the client's transforms a minute; joining one in flight
    // is free. A miss over the limit is refused; eager work (in its slot) is counted, and the
    // worker holds back the jobs of a client whose minute is used up (pacedClients).
    const admitted = async (task: () => Promise<PlanResult>) => {
      if (inSlot) await deps.quotas?.chargeTransform(image.clientId);
      else await deps.quotas?.admitTransform(image.clientId);
      return inLimit(task);
    };
    const { promise, joined } = coalescer.run(key, () =>
      admitted(async () => {
        stats.transforms++;
        let prepared: PreparedSource | null = null;
        try {
          let result: PlanResult;
          try {
            prepared = await sources.read(image, plan, Date.now() + seconds * 1000);
            if (prepared === null) throw originalMissing(image);
            result = await runPlan(prepared.input, prepared.source, prepared.plan, { maxPixels, timeoutSeconds: seconds });
            deps.usage?.transformed(image.clientId);
          } catch (error) {
            // A file path that no longer exists fails as a decode error: tell the two apart.
            if (typeof prepared?.input === 'string' && !(await originals.exists(image.originalKey))) throw originalMissing(image);
            throw error;
          }
          // What only the search knew is stored with the bytes, for hits from any tier and after restarts.
          const searched = typeof plan.quality === 'object' && result.quality !== undefined;
          await variants.put(key, result.body, searched ? { quality: String(result.quality) } : undefined);
          return result;
        } finally {
          if (limiter.active <= 1 && limiter.queued === 0) queueMicrotask(() => deps.onIdle?.());
        }
      }),
    );
    if (joined) stats.coalesced++;
    return promise;
  }

  /** Requests that differ only in Accept share a resolution unless the transform is f_auto. */
  const resolutionKey = (path: string, transform: Transform, accept: string | null, image: ImageRecord) =>
    transform.f === 'auto' ? `${path}\n${negotiateFormat(accept, negotiationSource(image, transform))}` : path;

  return {
    stats,

    /**
     * The hot path, synchronous: a repeated request whose variant is in the memory tier is
     * answered from memory with no await at all. Null means "take the full path".
     */
    deliverFromMemory(path: string, accept: string | null): DeliveredVariant | null {
      const route = routes.get(path);
      if (!route) return null;
      // Expired, or signed with a secret whose grace has ended: the full path answers 410 or 403.
      if (route.expiresAt !== null || route.previousUntil !== null) {
        const now = Date.now();
        if (expired(route, now) || graceOver(route, now)) return null;
      }
      const entry = route.presetKey === null ? null : presets.get(route.presetKey);
      // A width the preset does not list was never resolved: the full path answers its 400.
      if (entry && route.width !== null && !entry.widths?.includes(route.width)) return null;
      const transform = route.transform ?? (entry && presetTransform(entry, route.width));
      const image = transform && images.get(route.imageKey);
      if (!transform || !image) return null;
      const hit = resolved.get(resolutionKey(path, transform, accept, image));
      // A replaced or deleted image left the image cache, a changed preset the preset cache, so
      // an old resolution no longer matches either by identity.
      if (!hit || hit.image !== image || hit.transform !== transform) return null;
      const body = variants.peekMemory(hit.blobKey);
      if (!body) return null;
      variants.stats.memoryHits++;
      if (route.previousUntil !== null) stats.previousSecret++;
      return { clientId: route.clientId, meta: hit.meta, body, cache: 'memory', expiresAt: route.expiresAt };
    },
    /** Transforms running now and waiting for a slot. */
    load: () => ({ active: limiter.active, queued: limiter.queued }),

    /**
     * Serves `/t/<path>`: authorize, look up, plan, then the cached or freshly computed variant.
     * `inSlot`: the caller already holds a transform slot (eager work, in the limiter's lower lane).
     */
    async deliver(path: string, accept: string | null, options: { inSlot?: boolean } = {}): Promise<DeliveredVariant> {
      const route = await routeOf(path);
      if (expired(route, Date.now())) throw new AppError('expired', 'This URL has expired');
      if (route.previousUntil !== null) stats.previousSecret++;
      const transform = await transformOf(route);
      const image = await imageOf(route.clientId, route.imageId);
      const format = resolveOutputFormat(transform, route.extension, accept, negotiationSource(image, transform));
      const plan = planTransform(transform, sourceInfoOf(image), format);
      // IMGAPI_MAX_FRAMES may have been lowered since the upload.
      if (plan.animated) checkFrames(image.frames, image.width, image.height, { maxPixels, maxFrames: deps.maxFrames });
      const key = variantKey(plan);
      const blobKey = variantBlobKey(image, key);
      const cached = await variants.lookup(blobKey);
      const seconds = transformSeconds(deps.transformTimeoutSeconds, plan, image);
      const { body, quality } = cached
        ? { body: cached.body, quality: qualityOf(plan, cached.tags) }
        : options.inSlot
          ? // Background work holds its slot until the encoder is done (runPlan's own timeout still applies).
            await compute(image, plan, blobKey, seconds, true)
          : await withDeadline(compute(image, plan, blobKey, seconds, false), seconds * 1000, 'The transform took too long; retry shortly');
      const meta: VariantMeta = {
        contentType: CONTENT_TYPES[format],
        etag: `"${image.id}-${image.version}-${key}"`,
        lastModified: new Date(image.updatedAt).toUTCString(),
        varyAccept: transform.f === 'auto',
        quality,
        tags: deps.cdnTags === false ? null : cacheTagHeaders(image.clientId, image.id),
      };
      resolved.set(resolutionKey(path, transform, accept, image), { image, transform, blobKey, meta });
      return { clientId: route.clientId, meta, body, cache: cached?.tier ?? 'miss', expiresAt: route.expiresAt };
    },
  };
}

const negotiationSource = (image: ImageRecord, transform: Transform): NegotiationSource => ({
  hasAlpha: image.hasAlpha,
  animated: image.frames > 1 && transform.fr === undefined,
});

/** A fixed quality is in the plan; a searched one in the tags stored with the variant. */
function qualityOf(plan: TransformPlan, tags: BlobTags | null): number | undefined {
  if (typeof plan.quality !== 'object') return plan.quality;
  const stored = Number(tags?.quality);
  return Number.isInteger(stored) ? stored : undefined;
}

export type DeliveryService = ReturnType<typeof createDeliveryService>;
