import type { SQL } from 'bun';
import type { Repositories } from '../core/ports';
import {
  createPostgresApiKeyRepository,
  createPostgresClientRepository,
  createPostgresSessionRepository,
  createPostgresUserRepository,
} from './postgres-accounts';
import { createPostgresFolderRepository } from './postgres-folders';
import { createPostgresImageRepository } from './postgres-images';
import { createPostgresPresetRepository } from './postgres-presets';
import type { ImageCounts } from './rows';

export function createPostgresRepositories(sql: SQL, counts: ImageCounts): Repositories {
  return {
    clients: createPostgresClientRepository(sql),
    apiKeys: createPostgresApiKeyRepository(sql),
    users: createPostgresUserRepository(sql),
    sessions: createPostgresSessionRepository(sql),
    folders: createPostgresFolderRepository(sql, counts),
    images: createPostgresImageRepository(sql, counts),
    presets: createPostgresPresetRepository(sql),
  };
}
