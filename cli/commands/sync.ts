import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { withBackend } from '../backend/open';
import type { ImageView } from '../backend/types';
import { UsageError } from '../errors';
import { readWithHash, targetOf, walk } from '../source-files';
import { globals, say } from '../options';
import { createProgress } from '../progress';
import { allImages, relativeTo } from '../remote-index';
import { planSync } from '../sync-plan';

export function registerSync(program: Command): void {
  program
    .command('sync <localDir> <folder>')
    .description('one-way mirror of a local directory into a folder: new files uploaded, changed ones replaced in place')
    .option('--delete', 'also delete images whose local file is gone')
    .option('--dry-run', 'print what would be done, change nothing')
    .addHelpText('after', '\nExample:\n  imgapi sync ./site/images clients/acme --delete --dry-run')
    .action(async (localDir: string, folder: string, opts: { delete?: boolean; dryRun?: boolean }, cmd: Command) => {
      const options = globals(cmd);
      if (!statSync(localDir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${localDir} is not a directory`);
      let failed = 0;
      await withBackend(options, async (backend) => {
        const remote = new Map<string, ImageView>();
        // Newest first: when two images share a path, the newest one is the mirror of the file.
        for (const image of await allImages(backend, folder, true)) {
          const path = relativeTo(folder, image);
          if (path !== null && !remote.has(path)) remote.set(path, image);
        }
        const actions = planSync(walk(localDir, true), remote, (file) => readWithHash(file.absolute).hash, opts.delete === true);
        const bytes = actions.reduce((sum, action) => sum + (action.kind === 'delete' ? 0 : action.file.size), 0);
        const progress = createProgress(actions.length, bytes, !options.json && !opts.dryRun);
        for (const action of actions) {
          let id = action.kind === 'upload' ? undefined : action.image.id;
          try {
            if (!opts.dryRun) {
              if (action.kind === 'upload') {
                const { folder: target, name } = targetOf(folder, action.path);
                id = (await backend.uploadImage({ data: readWithHash(action.file.absolute).data, fileName: name, folder: target })).id;
              } else if (action.kind === 'replace') {
                await backend.replaceImage(action.image.id, readWithHash(action.file.absolute).data);
              } else {
                await backend.deleteImage(action.image.id);
              }
            }
            progress.print(options, { action: action.kind, path: action.path, id, dryRun: opts.dryRun === true }, `${action.kind}\t${action.path}`);
          } catch (error) {
            failed++;
            progress.say(`failed to ${action.kind} ${action.path}: ${error instanceof Error ? error.message : String(error)}`);
          }
          progress.advance(action.kind === 'delete' ? 0 : action.file.size);
        }
        progress.stop();
        say(`${opts.dryRun ? 'dry run: would do' : 'done:'} ${actions.length - failed} change(s)${failed ? `, ${failed} failed` : ''}`);
      });
      if (failed > 0) process.exitCode = 1;
    });
}
