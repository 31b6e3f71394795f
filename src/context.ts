import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config';
import { createAccountService } from './core/accounts';
import { createDeliveryService } from './core/delivery';
import { createDoctor } from './core/doctor';
import { createFolderService } from './core/folders';
import { createImageService } from './core/images';
import { createPresetService } from './core/presets';
import { createSessionService } from './core/sessions';
import { createUrlSigner } from './core/url-signer';
import { openSqlite } from './db/sqlite';
import { createSqliteRepositories } from './db/sqlite-repositories';
import { createFsBlobStore } from './storage/fs-blob-store';

/** The composition root: config in, wired services out. Nothing here listens or prints. */
export function createContext(config: Config) {
  mkdirSync(config.dataDir, { recursive: true });
  const db = openSqlite(join(config.dataDir, 'imgapi.db'));
  const repos = createSqliteRepositories(db);
  const stores = {
    originals: createFsBlobStore({ root: join(config.dataDir, 'originals') }),
    variants: createFsBlobStore({ root: join(config.dataDir, 'cache') }),
  };
  const now = () => new Date().toISOString();
  const limits = { maxUploadBytes: config.maxUploadBytes, maxPixels: config.maxPixels };

  const accounts = createAccountService({ repos, now });
  const sessions = createSessionService({ repos, verifyPassword: accounts.verifyUser, now });
  const folders = createFolderService({ repos, stores, now });
  const images = createImageService({ repos, folders, stores, limits, now });
  const presets = createPresetService({ repos, now });
  const urls = createUrlSigner({ accounts, images, presets });
  const delivery = createDeliveryService({
    accounts,
    repos,
    stores,
    maxPixels: config.maxPixels,
    concurrency: config.concurrency,
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
    doctor: createDoctor({ repos, stores }),
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
      db.close();
    },
  };
}

export type AppContext = ReturnType<typeof createContext>;
