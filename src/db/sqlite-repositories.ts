import type { Database } from 'bun:sqlite';
import type { Repositories } from '../core/ports';
import { createSqliteApiKeyRepository, createSqliteClientRepository } from './sqlite-accounts';
import { createSqliteInviteRepository, createSqlitePasswordResetRepository, createSqliteSessionRepository, createSqliteUserRepository } from './sqlite-users';
import { createSqliteFolderRepository } from './sqlite-folders';
import { createImageCounts } from './rows';
import { createSqliteImageRepository } from './sqlite-images';
import { createSqlitePresetRepository } from './sqlite-presets';
import { createSqliteUsageRepository } from './sqlite-usage';
import { createSqliteQuotaRepository } from './sqlite-quotas';
import { createSqliteOutboxRepository } from './sqlite-outbox';
import { createSqliteWebhookRepository } from './sqlite-webhooks';
import { createSqlitePurgeTargetRepository } from './sqlite-purge-targets';
import { createSqliteEagerJobRepository } from './sqlite-eager-jobs';
import { createSqliteTrashRepository } from './sqlite-trash';
import { createSqliteAuditRepository } from './sqlite-audit';

export function createSqliteRepositories(db: Database, counts = createImageCounts()): Repositories {
  return {
    clients: createSqliteClientRepository(db),
    apiKeys: createSqliteApiKeyRepository(db),
    users: createSqliteUserRepository(db),
    sessions: createSqliteSessionRepository(db),
    invites: createSqliteInviteRepository(db),
    passwordResets: createSqlitePasswordResetRepository(db),
    folders: createSqliteFolderRepository(db, counts),
    images: createSqliteImageRepository(db, counts),
    presets: createSqlitePresetRepository(db),
    outbox: createSqliteOutboxRepository(db),
    webhooks: createSqliteWebhookRepository(db),
    purgeTargets: createSqlitePurgeTargetRepository(db),
    usage: createSqliteUsageRepository(db),
    quotas: createSqliteQuotaRepository(db),
    eagerJobs: createSqliteEagerJobRepository(db),
    trash: createSqliteTrashRepository(db, counts),
    audit: createSqliteAuditRepository(db),
  };
}
