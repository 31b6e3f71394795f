import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
import { createTieredVariantStore } from './core/tiered-variant-store';
import { configureSharp } from './core/transform/execute';
import { createUrlSigner } from './core/url-signer';
import { openSqlite, watchExternalCommits } from './db/sqlite';
import { createSqliteRepositories } from './db/sqlite-repositories';
import { createMallocTuning } from './native/malloc';
import { createFsBlobStore } from './storage/fs-blob-store';

/** The composition root: config in, wired services out. Nothing here listens or prints. */
export function createContext(config: Config) {
  configureSharp();
  const malloc = createMallocTuning();
  malloc.limitArenas(2);
  mkdirSync(config.dataDir, { recursive: true });
  const db = openSqlite(join(config.dataDir, 'imgapi.db'));
  const repos = createSqliteRepositories(db);
  const variants = createTieredVariantStore(createFsBlobStore({ root: join(config.dataDir, 'cache') }), {
    maxDiskBytes: config.cacheMaxBytes,
    maxMemoryBytes: config.memoryCacheMaxBytes,
    maxMemoryItemBytes: 1024 * 1024,
  });
  const stores = { originals: createFsBlobStore({ root: join(config.dataDir, 'originals') }), variants };
  const feed = createChangeFeed();
  const now = () => new Date().toISOString();
  const limits = { maxUploadBytes: config.maxUploadBytes, maxPixels: config.maxPixels };

  const accounts = createAccountService({ repos, now });
  const sessions = createSessionService({ repos, verifyPassword: accounts.verifyUser, now });
  const folders = createFolderService({ repos, stores, feed, now });
  const images = createImageService({ repos, folders, stores, feed, limits, now });
  const presets = createPresetService({ repos, feed, now });
  const urls = createUrlSigner({ accounts, images, presets });
  const stopWatching = watchExternalCommits(db, () => feed.publish({ kind: 'external' }));
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
  });

  return {
    config,
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
    /** True when the database answers and the data directory is writable. */
    async healthy(): Promise<boolean> {
      try {
        db.query('SELECT 1').get();
        await stores.originals.put('health', new Uint8Array([1]));
        return true;
      } catch {
        return false;
      }
    },
    close(): void {
      stopWatching();
      db.close();
    },
  };
}

export type AppContext = ReturnType<typeof createContext>;
