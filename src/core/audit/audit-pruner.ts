import { createPeriodicJob, type PeriodicJob } from '../periodic-job';
import type { AuditLog } from './audit-log';

/**
 * Drops audit entries past IMGAPI_AUDIT_DAYS: a pass at start and every `intervalMs`. Every
 * node runs one; their deletes overlap harmlessly (one node's finds what the other left).
 */
export function createAuditPruner(deps: { audit: Pick<AuditLog, 'prune'>; intervalMs: number; onError?: (error: unknown) => void }): PeriodicJob {
  return createPeriodicJob({ name: 'audit prune', pass: () => deps.audit.prune(), intervalMs: deps.intervalMs, onError: deps.onError });
}
