import chokidar from 'chokidar';
import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { AppError } from '../../src/core/errors';
import { withBackend } from '../backend/open';
import { UnreachableError } from '../backend/remote';
import type { Backend, ImageView } from '../backend/types';
import { UsageError } from '../errors';
import { displayPath, readWithHash, targetOf, walk } from '../source-files';
import { globals, print, say, type GlobalOptions } from '../options';
import { allImages } from '../remote-index';
import { openWatchState } from '../watch-state';

const DEBOUNCE_MS = 200;
const MAX_BACKOFF_MS = 30_000;

/** Failures worth retrying: the server is away, overloaded or broken, not refusing the file. */
const isTransient = (error: unknown) =>
  error instanceof UnreachableError || (error instanceof AppError && (error.status >= 500 || error.status === 429));

export function registerWatch(program: Command): void {
  program
    .command('watch <localDir> <folder>')
    .description('keep running: ingest every file added or changed under localDir, like sync')
    .addHelpText('after', '\nExample:\n  imgapi watch ./dropbox clients/acme --url https://img.example.com --key "$KEY"')
    .action(async (localDir: string, folder: string, _opts: unknown, cmd: Command) => {
      if (!statSync(localDir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${localDir} is not a directory`);
      const options = globals(cmd);
      await withBackend(options, (backend) => watch(backend, options, localDir, folder), { longRunning: true });
    });
}

async function watch(backend: Backend, options: GlobalOptions, localDir: string, folder: string): Promise<void> {
  const state = openWatchState(process.env, localDir, `${backend.mode}:${options.url ?? process.env.IMGAPI_URL ?? options.data ?? ''}:${folder}`);

  /** The image that currently mirrors `name` in `target`, if any. */
  async function mirrorOf(rel: string, target: string, name: string): Promise<ImageView | undefined> {
    const known = state.get(rel)?.id;
    if (known) {
      try {
        return await backend.getImage(known);
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'not_found')) throw error;
      }
    }
    return (await allImages(backend, target, false)).find((image) => image.originalName === name);
  }

  async function ingest(absolute: string): Promise<void> {
    const rel = relative(localDir, absolute).split(sep).join('/');
    const stat = statSync(absolute, { throwIfNoEntry: false });
    if (!stat?.isFile()) return;
    const previous = state.get(rel);
    if (previous && previous.size === stat.size && previous.mtimeMs === stat.mtimeMs) return;
    const { data, hash } = readWithHash(absolute);
    const remember = (id?: string) => state.set(rel, { size: stat.size, mtimeMs: stat.mtimeMs, hash, id });
    if (previous?.hash === hash) return remember(previous.id);

    const { folder: target, name } = targetOf(folder, rel);
    const path = displayPath(target, name);
    try {
      const existing = await mirrorOf(rel, target, name);
      if (existing?.contentHash === hash) return remember(existing.id);
      const image = existing ? await backend.replaceImage(existing.id, data) : await backend.uploadImage({ data, fileName: name, folder: target });
      const action = existing ? 'replaced' : 'uploaded';
      remember(image.id);
      print(options, { action, id: image.id, path }, `${action}\t${image.id}\t${path}`);
    } catch (error) {
      if (isTransient(error)) throw error;
      // Refused for good (not an image, too large…): remember it so it is retried only once changed.
      remember();
      say(`skipped ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  // One file at a time, in arrival order; a transient failure retries with backoff and loses nothing.
  const pending: string[] = [];
  let running: Promise<void> | null = null;
  let stopping = false;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const timers = new Map<string, Timer>();

  async function drain(): Promise<void> {
    let backoff = 1000;
    while (pending.length && !stopping) {
      const next = pending[0]!;
      try {
        await ingest(next);
        pending.shift();
        backoff = 1000;
      } catch (error) {
        say(`will retry in ${backoff / 1000}s: ${error instanceof Error ? error.message : String(error)}`);
        await Promise.race([Bun.sleep(backoff), stopped]);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
    running = null;
  }

  const enqueue = (absolute: string) => {
    clearTimeout(timers.get(absolute));
    timers.set(
      absolute,
      setTimeout(() => {
        timers.delete(absolute);
        if (!pending.includes(absolute)) pending.push(absolute);
        running ??= drain();
      }, DEBOUNCE_MS),
    );
  };

  const watcher = chokidar.watch(localDir, {
    ignored: (path: string) => relative(localDir, path).split(sep).some((part) => part.startsWith('.')),
    awaitWriteFinish: { stabilityThreshold: 300, pollInterval: 50 },
  });
  watcher.on('add', enqueue).on('change', enqueue);
  // A file written the instant its directory appears can slip past chokidar's scan of the new
  // directory: look again once it has settled. Files already ingested are skipped by the state.
  watcher.on('addDir', (path: string) => {
    const rescan = setTimeout(() => {
      timers.delete(`dir:${path}`);
      if (!stopping) for (const file of walk(path, true)) enqueue(file.absolute);
    }, 1000);
    timers.set(`dir:${path}`, rescan);
  });
  watcher.on('error', (error) => say(`watch error: ${error instanceof Error ? error.message : String(error)}`));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  say(`watching ${localDir} → ${folder || '/'} (${backend.mode}); Ctrl-C to stop`);

  await new Promise<void>((resolve) => {
    const stop = async () => {
      stopping = true;
      wake();
      for (const timer of timers.values()) clearTimeout(timer);
      await watcher.close();
      await running;
      say('stopped');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
