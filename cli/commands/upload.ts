import type { Command } from 'commander';
import { AppError } from '../../src/core/errors';
import { withBackend } from '../backend/open';
import type { Backend, ImageView } from '../backend/types';
import { UsageError } from '../errors';
import { collect, displayPath, readWithHash, targetOf, type LocalFile } from '../source-files';
import { globals, say } from '../options';
import { runPool } from '../pool';
import { createProgress } from '../progress';
import { allImages } from '../remote-index';

/** name → content hashes already in one folder, fetched once per folder. */
function existingIndex(backend: Backend) {
  const byFolder = new Map<string, Promise<Map<string, Set<string>>>>();
  return (folder: string) => {
    let index = byFolder.get(folder);
    if (!index) {
      index = allImages(backend, folder, false).then((images) => {
        const names = new Map<string, Set<string>>();
        for (const image of images) {
          if (!names.has(image.originalName)) names.set(image.originalName, new Set());
          names.get(image.originalName)!.add(image.contentHash);
        }
        return names;
      });
      byFolder.set(folder, index);
    }
    return index;
  };
}

type Outcome = { status: 'uploaded'; image: ImageView } | { status: 'unchanged' } | { status: 'failed'; error: string };

export function registerUpload(program: Command): void {
  program
    .command('upload <paths...>')
    .description('upload files and directories; re-running skips files already uploaded unchanged')
    .option('--folder <path>', 'target folder (created if missing); a directory\'s sub-folders land below it', '')
    .option('--recursive', 'descend into sub-directories')
    .option('--concurrency <n>', 'uploads in flight', '4')
    .addHelpText('after', '\nExample:\n  imgapi upload ./shoot --folder clients/acme --recursive')
    .action(async (paths: string[], opts: { folder: string; recursive?: boolean; concurrency: string }, cmd: Command) => {
      const options = globals(cmd);
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new UsageError('--concurrency must be 1–64');
      let files: LocalFile[];
      try {
        files = collect(paths, opts.recursive === true);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      const counts = { uploaded: 0, unchanged: 0, failed: 0 };
      await withBackend(options, async (backend) => {
        const existing = existingIndex(backend);
        const progress = createProgress(files.length, files.reduce((sum, f) => sum + f.size, 0), !options.json);
        // Stopped when the pool fails too (server gone), so the error starts on a line of its own.
        await runPool(files, concurrency, async (file) => {
          const { folder, name } = targetOf(opts.folder, file.relative);
          const path = displayPath(folder, name);
          let outcome: Outcome;
          try {
            const { data, hash } = readWithHash(file.absolute);
            if ((await existing(folder)).get(name)?.has(hash)) outcome = { status: 'unchanged' };
            else outcome = { status: 'uploaded', image: await backend.uploadImage({ data, fileName: name, folder }) };
          } catch (error) {
            if (!(error instanceof AppError) && !(error instanceof Error && 'code' in error)) throw error;
            outcome = { status: 'failed', error: error.message };
          }
          counts[outcome.status]++;
          progress.advance(file.size);
          if (options.json) progress.print(options, { path, ...outcome, id: outcome.status === 'uploaded' ? outcome.image.id : undefined }, '');
          else if (outcome.status === 'uploaded') progress.print(options, null, `${outcome.image.id}\t${path}`);
          else if (outcome.status === 'failed') progress.say(`skipped ${path}: ${outcome.error}`);
        }).finally(() => progress.stop());
      });
      say(`${counts.uploaded} uploaded, ${counts.unchanged} unchanged, ${counts.failed} failed`);
      if (counts.failed > 0) process.exitCode = 1;
    });
}
