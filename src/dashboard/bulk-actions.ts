import { useState } from 'preact/hooks';
import type { BulkBody } from '../api/bulk-images';
import { LIMITS } from '../core/limits';
import { call, messageOf, v1 } from './api';

export type BulkChange = Omit<BulkBody, 'ids'>;
type Result = { id: string; ok: boolean; error?: { message: string } };

const PAST: Record<BulkChange['action'], string> = { move: 'moved', delete: 'deleted', tag: 'tagged', untag: 'untagged' };

/** "3 moved, 1 failed: sunset.jpg: Image not found" */
export function summarize(action: BulkChange['action'], results: readonly Result[], nameOf: (id: string) => string): string {
  const failed = results.filter((r) => !r.ok);
  const done = `${results.length - failed.length} ${PAST[action]}`;
  if (failed.length === 0) return done;
  const shown = failed.slice(0, 3).map((r) => `${nameOf(r.id)}: ${r.error?.message ?? 'failed'}`);
  return `${done}, ${failed.length} failed: ${shown.join('; ')}${failed.length > 3 ? '; …' : ''}`;
}

/**
 * Runs bulk changes (500 ids a request, as the API takes them) and keeps the last outcome to
 * announce. `changed` hears which ids failed, to keep them selected.
 */
export function useBulkRunner(nameOf: (id: string) => string, changed: (failed: string[], change: BulkChange) => void) {
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(ids: readonly string[], change: BulkChange): Promise<void> {
    setBusy(true);
    try {
      const results: Result[] = [];
      for (let at = 0; at < ids.length; at += LIMITS.bulkIds) {
        results.push(...(await call(v1.images.bulk.post({ ...change, ids: ids.slice(at, at + LIMITS.bulkIds) }))).results);
      }
      const failed = results.filter((r) => !r.ok).map((r) => r.id);
      setStatus({ text: summarize(change.action, results, nameOf), error: failed.length > 0 });
      changed(failed, change);
    } catch (error) {
      setStatus({ text: messageOf(error), error: true });
    } finally {
      setBusy(false);
    }
  }

  return { status, busy, run, report: (text: string, error = false) => setStatus({ text, error }) };
}
