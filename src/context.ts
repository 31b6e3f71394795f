import { mkdirSync } from 'node:fs';
import type { Config } from './config';
import { createAccountService } from './core/accounts';
import { createChangeFeed } from './core/change-feed';
import { createDeliveryService } from './core/delivery';
import { createDoctor } from './core/doctor';
import { createFolderService } from './core/folders';
import { createImageService } from './core/images';
import { createPresetService } from './core/presets';
import { createRateLimiter } from './core/rate-limiter';
import { createSessionService } from './core/sessions';
import { configureSharp } from './core/transform/execute';
import { createUrlSigner } from './core/url-signer';
import { openMetadata } from './db/open-metadata';
import { createMallocTuning } from './native/malloc';
import { openStorage } from './storage/open-storage';

/**
 * The composition root: config in, wired services out. Nothing here listens or prints.
 * Metadata in SQLite or PostgreSQL, blobs in the data directory or a bucket: the services
 * cannot tell which.
 */
export async function createContext(config: Config) {
  configureSharp();
  const malloc = createMallocTuning();
  malloc.limitArenas(2);
  mkdirSync(config.dataDir, { recursive: true });
  const metadata = await openMetadata(config);
  const { repos } = metadata;
  const storage = openStorage(config);
  const { variants } = storage;
  const stores = { originals: storage.originals, variants };
  const feed = createChangeFeed();
  // Listing totals are remembered per client; what other nodes change must reset them too.
  feed.subscribe((change) => {
    if (change.kind === 'image') metadata.counts.changed(change.clientId);
    else if (change.kind === 'external') metadata.counts.changedAll();
  });
  const now = () => new Date().toISOString();
  const limits = { maxUploadBytes: config.maxUploadBytes, maxPixels: config.maxPixels };

  const accounts = createAccountService({ repos, now });
  const sessions = createSessionService({ repos, verifyPassword: accounts.verifyUser, now });
  const folders = createFolderService({ repos, stores, feed, now, maxFolders: config.maxFolders });
  const images = createImageService({ repos, folders, stores, feed, limits, now });
  const presets = createPresetService({ repos, feed, now });
  const urls = createUrlSigner({ accounts, images, presets });
  let disconnect: () => Promise<void>;
  try {
    disconnect = await feed.connect(metadata.bus);
  } catch (error) {
    await metadata.close();
    throw error;
  }
  const delivery = createDeliveryService({
    accounts,
    repos,
    originals: stores.originals,
    variants,
    feed,
    maxPixels: config.maxPixels,
    transformTimeoutSeconds: config.transformTimeoutSeconds,
    concurrency: config.concurrency,
    maxQueue: config.queueMax,
    onIdle: malloc.trim,
    onOriginalMissing: (image) =>
      console.error(JSON.stringify({ time: now(), level: 'error', msg: 'original file missing: run imgapi doctor', clientId: image.clientId, imageId: image.id, version: image.version })),
  });

  return {
    config,
    /** Where metadata and blobs live, for the start-up line and `doctor`. */
    backends: { metadata: metadata.description, storage: storage.description },
    accounts,
    sessions,
    folders,
    images,
    presets,
    urls,
    delivery,
    variants,
    doctor: createDoctor({ repos, stores }),
    rateLimits: config.rateLimitPerMinute > 0 ? createRateLimiter({ perMinute: config.rateLimitPerMinute }) : { take: () => {} },
    /** True when the database and the originals store answer. */
    async healthy(): Promise<boolean> {
      try {
        await metadata.ping();
        await storage.probe();
        return true;
      } catch {
        return false;
      }
    },
    async close(): Promise<void> {
      await disconnect().catch(() => {});
      await metadata.close();
    },
  };
}

export type AppContext = Awaited<ReturnType<typeof createContext>>;
