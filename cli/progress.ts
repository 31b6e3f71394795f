import { progress } from '@clack/prompts';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Files, bytes, rate and ETA on stderr. A bar on a terminal; nothing when stderr is a pipe
 * or --json is on, so logs and scripts get only the summary.
 */
export function createProgress(totalFiles: number, totalBytes: number, enabled: boolean) {
  const bar = enabled && process.stderr.isTTY ? progress({ max: Math.max(1, totalBytes), output: process.stderr }) : null;
  const started = Date.now();
  let files = 0;
  let bytes = 0;
  bar?.start(`0/${totalFiles} files`);
  return {
    advance(size: number) {
      files++;
      bytes += size;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? bytes / seconds : 0;
      const eta = rate > 0 ? Math.ceil((totalBytes - bytes) / rate) : 0;
      bar?.advance(size, `${files}/${totalFiles} files, ${mb(bytes)} of ${mb(totalBytes)}, ${mb(rate)}/s, ETA ${eta}s`);
    },
    stop(message: string) {
      bar?.stop(message);
    },
  };
}
