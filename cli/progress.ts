import { print, say, type GlobalOptions } from './options';
import { createStatusLine } from './status-line';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const BAR_WIDTH = 20;
const bar = (fraction: number) => {
  const full = Math.round(Math.min(1, fraction) * BAR_WIDTH);
  return `${'━'.repeat(full)}${'─'.repeat(BAR_WIDTH - full)}`;
};

/**
 * Files, bytes, rate and ETA on one line of stderr while a transfer runs; results and messages
 * printed through it appear as whole lines above it. No line when stderr is not a terminal or
 * --json is on, so logs and scripts get only the results and the summary.
 */
export function createProgress(totalFiles: number, totalBytes: number, enabled: boolean) {
  const line = enabled && totalFiles > 0 && process.stderr.isTTY ? createStatusLine(process.stderr) : null;
  const started = Date.now();
  let files = 0;
  let bytes = 0;
  const render = (finished?: string) => {
    if (!line) return;
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? bytes / seconds : 0;
    const fraction = totalBytes > 0 ? bytes / totalBytes : files / totalFiles;
    // Before a second has passed, the rate of the first small file says nothing about the rest.
    const eta = seconds >= 1 && rate > 0 ? `ETA ${Math.ceil((totalBytes - bytes) / rate)}s` : 'ETA …';
    const tail = finished ? `${finished} in ${seconds.toFixed(1)}s` : eta;
    line.show(`${bar(fraction)} ${files}/${totalFiles} files, ${mb(bytes)} of ${mb(totalBytes)}, ${mb(rate)}/s, ${tail}`);
  };
  const above = (stream: NodeJS.WriteStream, write: () => void) => (line ? line.above(stream, write) : write());
  render();
  return {
    advance(size: number) {
      files++;
      bytes += size;
      render();
    },
    /** `print` and `say` for use while the bar is shown. */
    print: (options: GlobalOptions, value: unknown, plain: string) => above(process.stdout, () => print(options, value, plain)),
    say: (message: string) => above(process.stderr, () => say(message)),
    /** Draws the final totals, which stay on screen above what follows. */
    stop(finished = 'done') {
      render(finished);
      line?.end();
    },
  };
}

/**
 * Variants computed out of a total, on one line of stderr (`preset warm`): the same bar, no
 * line when stderr is not a terminal or --json is on.
 */
export function createCountProgress(total: number, what: string, enabled: boolean) {
  const line = enabled && total > 0 && process.stderr.isTTY ? createStatusLine(process.stderr) : null;
  const started = Date.now();
  const render = (done: number, failed: number, finished?: string) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const tail = finished ? `${finished} in ${seconds}s` : `${seconds}s`;
    line?.show(`${bar(total > 0 ? (done + failed) / total : 1)} ${done}/${total} ${what}${failed ? `, ${failed} failed` : ''}, ${tail}`);
  };
  render(0, 0);
  return {
    update: (done: number, failed: number) => render(done, failed),
    stop(done: number, failed: number, finished = 'done') {
      render(done, failed, finished);
      line?.end();
    },
  };
}
