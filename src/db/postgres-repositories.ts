import type { SQL } from 'bun';
import type { Repositories } from '../core/ports';
import { reportUnreachable } from './postgres';
import { createPostgresApiKeyRepository, createPostgresClientRepository } from './postgres-accounts';
import { createPostgresInviteRepository, createPostgresPasswordResetRepository, createPostgresSessionRepository, createPostgresUserRepository } from './postgres-users';
import { createPostgresFolderRepository } from './postgres-folders';
import { createPostgresImageRepository } from './postgres-images';
import { createPostgresPresetRepository } from './postgres-presets';
import { createPostgresUsageRepository } from './postgres-usage';
import { createPostgresQuotaRepository } from './postgres-quotas';
import { createPostgresTransformBudget } from './postgres-transform-budget';
import { createPostgresOutboxRepository } from './postgres-outbox';
import { createPostgresWebhookRepository } from './postgres-webhooks';
import { createPostgresPurgeTargetRepository } from './postgres-purge-targets';
import { createPostgresEagerJobRepository } from './postgres-eager-jobs';
import { createPostgresTrashRepository } from './postgres-trash';
import { createPostgresAuditRepository } from './postgres-audit';
import type { ImageCounts } from './rows';

/** Every repository method, with a lost database connection turned into a 503 that says so. */
function guarded(repos: Repositories): Repositories {
  const guard = (method: (...args: unknown[]) => Promise<unknown>) => async (...args: unknown[]) => {
    try {
      return await method(...args);
    } catch (error) {
      throw reportUnreachable(error);
    }
  };
  return Object.fromEntries(
    Object.entries(repos).map(([name, repo]) => [
      name,
      Object.fromEntries(Object.entries(repo as Record<string, (...args: unknown[]) => Promise<unknown>>).map(([key, method]) => [key, guard(method)])),
    ]),
  ) as unknown as Repositories;
}

export function createPostgresRepositories(sql: SQL, counts: ImageCounts): Repositories {
  return guarded({
    clients: createPostgresClientRepository(sql),
    apiKeys: createPostgresApiKeyRepository(sql),
    users: createPostgresUserRepository(sql),
    sessions: createPostgresSessionRepository(sql),
    invites: createPostgresInviteRepository(sql),
    passwordResets: createPostgresPasswordResetRepository(sql),
    folders: createPostgresFolderRepository(sql, counts),
    images: createPostgresImageRepository(sql, counts),
    presets: createPostgresPresetRepository(sql),
    outbox: createPostgresOutboxRepository(sql),
    webhooks: createPostgresWebhookRepository(sql),
    purgeTargets: createPostgresPurgeTargetRepository(sql),
    usage: createPostgresUsageRepository(sql),
    quotas: createPostgresQuotaRepository(sql),
    eagerJobs: createPostgresEagerJobRepository(sql),
    trash: createPostgresTrashRepository(sql, counts),
    audit: createPostgresAuditRepository(sql),
    transformBudget: createPostgresTransformBudget(sql),
  });
}
