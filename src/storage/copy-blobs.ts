import { createHash } from 'node:crypto';
import type { BlobStore } from '../core/ports';

export interface BlobToCopy {
  key: string;
  bytes: number;
  /** SHA-256 (hex) the copy must have. */
  sha256: string;
}

export interface BlobCopyReport {
  total: number;
  copied: number;
  /** Already in the target at the right size (an earlier run): not sent again. */
  skipped: number;
  /** Copies whose hash was read back from the target and matched. */
  verified: number;
  /** Keys missing from the source, or whose copy does not match. */
  failures: { key: string; reason: string }[];
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * Copies blobs between stores, at most `concurrency` at a time, then reads every copy back
 * and checks its hash. What the target already holds at the right size is not sent again, so
 * an interrupted run resumes.
 */
export async function copyBlobs(
  blobs: readonly BlobToCopy[],
  from: BlobStore,
  to: BlobStore,
  options: { concurrency: number; onProgress?: (blob: BlobToCopy) => void },
): Promise<BlobCopyReport> {
  const report: BlobCopyReport = { total: blobs.length, copied: 0, skipped: 0, verified: 0, failures: [] };
  const present = new Map((await to.listWithSizes()).map((f) => [f.key, f.size]));
  let next = 0;
  const worker = async () => {
    while (next < blobs.length) {
      const blob = blobs[next++]!;
      try {
        if (present.get(blob.key) === blob.bytes) report.skipped++;
        else {
          const data = await from.get(blob.key);
          if (!data) {
            report.failures.push({ key: blob.key, reason: 'missing from the source' });
            continue;
          }
          if (sha256(data) !== blob.sha256) {
            report.failures.push({ key: blob.key, reason: 'the source does not match its recorded hash' });
            continue;
          }
          await to.put(blob.key, data);
          report.copied++;
        }
        const copy = await to.get(blob.key);
        if (copy && sha256(copy) === blob.sha256) report.verified++;
        else report.failures.push({ key: blob.key, reason: copy ? 'the copy does not match its hash' : 'the copy is missing' });
      } catch (error) {
        report.failures.push({ key: blob.key, reason: (error as Error).message });
      } finally {
        options.onProgress?.(blob);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, blobs.length)) }, worker));
  return report;
}
