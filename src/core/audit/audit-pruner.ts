import type { AuditLog } from './audit-log';

/**
 * Drops audit entries past IMGAPI_AUDIT_DAYS: a pass at start and every `intervalMs`. Every
 * node runs one; their deletes overlap harmlessly (one node's finds what the other left).
 */
export function createAuditPruner(deps: { audit: Pick<AuditLog, 'prune'>; intervalMs: number; onError?: (error: unknown) => void }) {
  const onError = deps.onError ?? ((error) => console.error(JSON.stringify({ level: 'error', msg: 'audit prune', error: String(error) })));
  let timer: Timer | null = null;
  let running: Promise<void> | null = null;

  const pass = () => {
    running ??= deps.audit
      .prune()
      .then(() => {}, onError)
      .finally(() => (running = null));
  };

  return {
    start(): void {
      if (timer || !Number.isFinite(deps.intervalMs)) return;
      pass();
      timer = setInterval(pass, deps.intervalMs);
      timer.unref?.();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
