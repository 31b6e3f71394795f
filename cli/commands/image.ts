import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/core/paging';
import type { Command } from 'commander';
import { backendAction } from '../actions';
import type { ImageView } from '../backend/types';
import { displayPath } from '../source-files';
import { print } from '../options';

const line = (i: ImageView) => `${i.id}\t${displayPath(i.folder, i.originalName)}\t${i.width}x${i.height}\t${i.format}\t${i.bytes}`;

export function registerImage(program: Command): void {
  const image = program.command('image').description('uploaded images');

  image
    .command('list')
    .description('list images, newest first')
    .option('--folder <path>', 'only this folder ("/" for the root)')
    .option('--recursive', 'with --folder: and the folders below')
    .option('--q <text>', 'name contains (case-insensitive)')
    .option('--page <n>', 'page number', '1')
    .option('--page-size <n>', `images per page (max ${MAX_PAGE_SIZE})`, String(DEFAULT_PAGE_SIZE))
    .addHelpText('after', '\nExample:\n  imgapi image list --folder products --recursive --q shoe')
    .action(
      backendAction(async (backend, options, opts: { folder?: string; recursive?: boolean; q?: string; page: string; pageSize: string }) => {
        const page = await backend.listImages({
          folder: opts.folder,
          recursive: opts.recursive,
          q: opts.q,
          page: Number(opts.page),
          pageSize: Number(opts.pageSize),
        });
        print(options, page, page.items.map(line).join('\n'));
      }),
    );

  image
    .command('get <id>')
    .description("show one image's metadata")
    .addHelpText('after', '\nExample:\n  imgapi image get AbC123 --json')
    .action(
      backendAction(async (backend, options, id: string) => {
        const found = await backend.getImage(id);
        print(options, found, line(found));
      }),
    );

  image
    .command('delete <id>')
    .description('delete an image and all its cached variants')
    .addHelpText('after', '\nExample:\n  imgapi image delete AbC123')
    .action(
      backendAction(async (backend, options, id: string) => {
        await backend.deleteImage(id);
        print(options, { id, deleted: true }, `deleted ${id}`);
      }),
    );
}
