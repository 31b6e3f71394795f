import type { Command } from 'commander';
import { MAX_PAGE_SIZE } from '../../src/core/paging';
import { backendAction } from '../actions';
import type { ImageView } from '../backend/types';
import { csvRecord } from '../csv';
import { UsageError } from '../errors';

const COLUMNS = ['id', 'folder', 'originalName', 'format', 'width', 'height', 'bytes', 'tags', 'alt', 'createdAt'] as const;

const record = (image: ImageView) =>
  csvRecord([image.id, image.folder, image.originalName, image.format, image.width, image.height, image.bytes, image.tags.join(';'), image.alt, image.createdAt]);

/** `export --csv`: one row per image, newest first, written a page at a time as it is read. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description("write every image's metadata as CSV to stdout: id, folder, originalName, format, width, height, bytes, tags (;-separated), alt, createdAt")
    .option('--csv', 'CSV (RFC 4180, header row); the one format so far')
    .option('--folder <path>', 'only this folder ("/" for the root)')
    .option('--recursive', 'with --folder: and the folders below')
    .option('--tag <tag>', 'only images with this tag')
    .addHelpText('after', '\nExamples:\n  imgapi export --csv > images.csv\n  imgapi export --csv --folder products --recursive --tag sale')
    .action((opts: { csv?: boolean; folder?: string; recursive?: boolean; tag?: string }, command: Command) => {
      if (!opts.csv) throw new UsageError('Choose the format: --csv');
      if (opts.recursive && opts.folder === undefined) throw new UsageError('--recursive goes with --folder');
      return backendAction(async (backend) => {
        process.stdout.write(csvRecord(COLUMNS));
        for (let page = 1; ; page++) {
          const found = await backend.listImages({ folder: opts.folder, recursive: opts.recursive, tag: opts.tag, page, pageSize: MAX_PAGE_SIZE });
          if (found.items.length > 0) process.stdout.write(found.items.map(record).join(''));
          if (page * MAX_PAGE_SIZE >= found.total || found.items.length === 0) break;
        }
      })(command);
    });
}
